"""Checks every uploaded file passes, whatever it is for: size first, type by content, PDFs parsed, images re-encoded.

Neither the file's name nor the type the browser declares is trusted: both are chosen by the sender. The type
comes from the first bytes (``filetype``) and must be one the caller accepts. A PDF must open and have pages
(``pypdf``): a truncated or forged one is refused. Images are decoded and written again from their pixels alone,
so EXIF (GPS position, camera, author), XMP, comments and text chunks are left behind.

``size_limited`` refuses a request whose declared length is above the limit with 413 before its body is read,
and drops an oversized file as it arrives when the length was not declared.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# Type read from the content -> extension of the download.
PDF_AND_IMAGES: dict[str, str] = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
IMAGES: dict[str, str] = {"image/png": "png", "image/jpeg": "jpg"}
IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
HEAD_BYTES = 8192  # as much as filetype ever looks at
# Room for the other fields of the form and the multipart framing, on top of the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024

TOO_LARGE = _("The file is too large: the limit is %(limit)s.")
EMPTY = _("The file is empty.")
NOT_ALLOWED = _("This kind of file is not accepted, whatever its name says. Accepted: %(kinds)s.")
BAD_PDF = _("The PDF could not be read: it may be damaged or incomplete. Save it again and upload it once more.")
BAD_IMAGE = _("The image could not be read. Save it again as PNG or JPEG and upload it once more.")

_KIND_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check; only ``check_file`` makes one. ``data`` is what is to be stored."""

    data: bytes
    mime: str
    extension: str

    @property
    def size(self) -> int:
        return len(self.data)


def too_large_error(max_bytes: int) -> ValidationError:
    return ValidationError(TOO_LARGE, code="too_large", params={"limit": filesizeformat(max_bytes)})


def check_file(upload, *, allowed: dict[str, str], max_bytes: int) -> CheckedFile:
    """Accept ``upload`` (a Django ``File``) or raise ``ValidationError`` with a message for the uploader."""
    size = upload.size
    if size is None or size > max_bytes:
        raise too_large_error(max_bytes)
    if size == 0:
        raise ValidationError(EMPTY, code="empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime not in allowed:
        kinds = ", ".join(_KIND_NAMES.get(m, allowed[m].upper()) for m in allowed)
        raise ValidationError(NOT_ALLOWED, code="type_not_allowed", params={"kinds": kinds})
    data = upload.read()
    upload.seek(0)
    if mime == "application/pdf":
        _check_pdf(data)
    elif mime in IMAGE_FORMATS:
        data = reencoded_image(data, IMAGE_FORMATS[mime])
    return CheckedFile(data=data, mime=mime, extension=allowed[mime])


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Password-protected: it cannot be checked, and nobody else here could open it.
            raise ValidationError(BAD_PDF, code="bad_pdf")
        if len(reader.pages) < 1:
            raise ValidationError(BAD_PDF, code="bad_pdf")
        reader.pages[0].mediabox  # noqa: B018 - reading the first page's box parses its dictionary
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on broken files; any of them means "refuse"
        raise ValidationError(BAD_PDF, code="bad_pdf") from exc


def reencoded_image(data: bytes, image_format: str) -> bytes:
    """The picture alone, written anew: no EXIF, GPS, XMP, ICC, comments or text chunks survive."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as original:
                if original.format != image_format:
                    raise ValidationError(BAD_IMAGE, code="bad_image")
                image = ImageOps.exif_transpose(original)  # the orientation tag goes with the rest
                image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError) as exc:
        raise ValidationError(BAD_IMAGE, code="bad_image") from exc
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
    return out.getvalue()


class SizeLimitUploadHandler(FileUploadHandler):
    """Stop keeping a file as soon as it passes the limit; ``refused`` tells the view to show the size message."""

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


def declared_too_large(request, max_bytes: int) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes + FORM_OVERHEAD_BYTES


def size_limited(max_bytes: Callable[[], int]):
    """Refuse an upload larger than ``max_bytes()`` before Django reads the body.

    A declared length above the limit answers 413 with the size message at once; otherwise a handler drops the
    file as soon as it passes the limit and the view gets ``upload_limit`` (its ``refused`` flag). The upload
    handlers must be changed before the CSRF check reads the body, so that check is done here, right after.
    """

    def decorator(view):
        protected = csrf_protect(view)

        @wraps(view)
        @csrf_exempt
        def wrapper(request, *args, **kwargs):
            limit_bytes = max_bytes()
            if request.method == "POST" and declared_too_large(request, limit_bytes):
                # Drop the connection after answering: the body is never read.
                response = render(
                    request,
                    "includes/upload_too_large.html",
                    {"limit": filesizeformat(limit_bytes)},
                    status=413,
                )
                response["Connection"] = "close"
                return response
            limit = SizeLimitUploadHandler(request, max_bytes=limit_bytes)
            request.upload_handlers.insert(0, limit)
            return protected(request, *args, upload_limit=limit, **kwargs)

        return wrapper

    return decorator
