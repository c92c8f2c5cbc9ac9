"""Checks on uploaded material files: size first, then the type read from the content, then images re-encoded.

Neither the file's name nor the type the browser declares is trusted: both are chosen by the sender. The
type comes from the first bytes (``filetype``), and only the kinds the library needs are accepted. Images
are decoded and written again from their pixels alone, so EXIF (GPS position, camera, author), XMP,
comments and text chunks are left behind.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# What filetype reports for each accepted content → the extension the download gets.
ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
}
TYPE_LABELS: dict[str, str] = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "video/mp4": "MP4",
    "video/webm": "WebM",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint (PPTX)",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument (ODP)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
    "application/vnd.oasis.opendocument.text": "OpenDocument (ODT)",
}
# Pillow's format name for each image type we re-encode.
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED_TYPES.values()) + ",.jpeg"
HEAD_BYTES = 8192  # as much as filetype ever looks at

TOO_LARGE = _("The file is too large: the limit is %(limit)s. Shorten or compress it, or give a link instead.")
NOT_ALLOWED = _(
    "This kind of file is not accepted, whatever its name says. Upload a PDF, an image (PNG, JPEG), "
    "a video (MP4, WebM), slides (PPTX, ODP) or a document (DOCX, ODT)."
)
EMPTY = _("The file is empty.")
BAD_IMAGE = _("The image could not be read. Save it again as PNG or JPEG and upload it once more.")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check; only ``check_upload`` makes one."""

    content: File
    mime: str
    extension: str
    size: int


def max_upload_bytes() -> int:
    return settings.MATERIAL_MAX_UPLOAD_MB * 1024 * 1024


def too_large_error() -> ValidationError:
    return ValidationError(TOO_LARGE, code="too_large", params={"limit": filesizeformat(max_upload_bytes())})


def check_upload(upload: File) -> CheckedUpload:
    """Accept ``upload`` or raise ``ValidationError`` with a message for the uploader.

    The size is checked on what was received before anything is read; then only the first bytes are read.
    """
    size = upload.size
    if size is None or size > max_upload_bytes():
        raise too_large_error()
    if size == 0:
        raise ValidationError(EMPTY, code="empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in ALLOWED_TYPES:
        raise ValidationError(NOT_ALLOWED, code="type_not_allowed")
    if mime in IMAGE_FORMATS:
        content = _reencoded(upload, IMAGE_FORMATS[mime])
        return CheckedUpload(content=content, mime=mime, extension=ALLOWED_TYPES[mime], size=content.size)
    return CheckedUpload(content=upload, mime=mime, extension=ALLOWED_TYPES[mime], size=size)


def _reencoded(upload: File, image_format: str) -> ContentFile:
    """The picture alone, written anew: no EXIF, GPS, XMP, ICC, comments or text chunks survive."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as original:
                if original.format != image_format:
                    raise ValidationError(BAD_IMAGE, code="bad_image")
                # Turn the picture the way the camera meant it, since the orientation tag goes with the rest.
                image = ImageOps.exif_transpose(original)
                image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError) as exc:
        raise ValidationError(BAD_IMAGE, code="bad_image") from exc
    finally:
        upload.seek(0)

    if image_format == "JPEG":
        image = image.convert("L" if image.mode in ("1", "L") else "RGB")
    elif image.mode not in ("1", "L", "LA", "RGB", "RGBA", "I", "I;16"):
        image = image.convert("RGBA")
    bare = Image.frombytes(image.mode, image.size, image.tobytes())  # a new image: no ``info`` carried over
    out = io.BytesIO()
    if image_format == "JPEG":
        bare.save(out, format="JPEG", quality=90, optimize=True)
    else:
        bare.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue())


class SizeLimitUploadHandler(FileUploadHandler):
    """Stop keeping a file as soon as it passes the limit, rather than after receiving all of it.

    The rest of that file is read from the connection and thrown away (the other fields still arrive);
    ``refused`` tells the view to show the size message.
    """

    def __init__(self, request=None, *, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.refused = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.refused = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
