"""Checks every uploaded file passes, whatever it is for: size first, type by content, then the content parsed.

Neither the file's name nor the type the browser declares is trusted: both are chosen by the sender. The type
comes from the first bytes (``filetype``) and must be one the caller accepts; then the file must parse as what
it claims to be, or it is refused with a message that says what to do:

- a PDF must open and have pages (``pypdf``), begin with its header followed by objects and end with ``%%EOF``,
  and hold no HTML markup: a file that begins with ``%PDF-`` and then holds a web page is not a PDF;
- an Office or OpenDocument file must be a sound zip archive (no password, no zip bomb, no absurd number of
  entries, every entry's checksum right) with the parts of its format: ``[Content_Types].xml``, the package
  relationships and the main part of a Word or PowerPoint document (OOXML); the ``mimetype`` entry first and
  stored, ``content.xml`` and ``META-INF/manifest.xml`` (ODF). Its kind comes from those parts, never from the
  zip's first bytes alone; a macro-enabled or other kind of package is not accepted;
- a video must be the container it claims: MP4 boxes that chain to the end of the file with ``ftyp`` first and
  a ``moov`` box, or a WebM EBML header naming ``webm`` followed by its segment;
- images are decoded and written again from their pixels alone, so EXIF (GPS position, camera, author), XMP,
  comments and text chunks are left behind.

XML parts are read with expat, refusing any DOCTYPE (no entity tricks; office suites never write one).

``size_limited`` refuses a request whose declared length is above the limit with 413 before its body is read,
and drops an oversized file as it arrives when the length was not declared.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from xml.parsers import expat

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
MP4 = "video/mp4"
WEBM = "video/webm"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODP = "application/vnd.oasis.opendocument.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

# Type read from the content -> extension of the download. Callers pass one of these as ``allowed``.
PDF_AND_IMAGES: dict[str, str] = {PDF: "pdf", PNG: "png", JPEG: "jpg"}
IMAGES: dict[str, str] = {PNG: "png", JPEG: "jpg"}
VIDEOS: dict[str, str] = {MP4: "mp4", WEBM: "webm"}
OFFICE: dict[str, str] = {PPTX: "pptx", ODP: "odp", DOCX: "docx", ODT: "odt"}
LIBRARY: dict[str, str] = {**PDF_AND_IMAGES, **VIDEOS, **OFFICE}  # what the materials library takes
IMAGE_FORMATS = {PNG: "PNG", JPEG: "JPEG"}
KIND_NAMES: dict[str, str] = {
    PDF: "PDF",
    PNG: "PNG",
    JPEG: "JPEG",
    MP4: "MP4",
    WEBM: "WebM",
    PPTX: "PowerPoint (PPTX)",
    ODP: "OpenDocument (ODP)",
    DOCX: "Word (DOCX)",
    ODT: "OpenDocument (ODT)",
}
HEAD_BYTES = 8192  # as much as filetype ever looks at
# Room for the other fields of the form and the multipart framing, on top of the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024

# Zip archives (Office/ODF): far above any real document, far below what would hurt the server.
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 512 * 1024 * 1024
ZIP_MAX_RATIO = 200  # uncompressed / compressed, for any entry above ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 1024 * 1024
XML_MAX_BYTES = 64 * 1024 * 1024  # one XML part read whole

TOO_LARGE = _("The file is too large: the limit is %(limit)s.")
EMPTY = _("The file is empty.")
NOT_ALLOWED = _("This kind of file is not accepted, whatever its name says. Accepted: %(kinds)s.")
BAD_PDF = _("The PDF could not be read: it may be damaged or incomplete. Save it again and upload it once more.")
BAD_IMAGE = _("The image could not be read. Save it again as PNG or JPEG and upload it once more.")
BAD_OFFICE = _(
    "The file could not be read as %(kind)s: it may be damaged, incomplete or of another kind. "
    "Save it again from the office program and upload it once more."
)
BAD_VIDEO = _(
    "The video could not be read as %(kind)s: it may be damaged, incomplete or of another kind. "
    "Save it again as MP4 or WebM and upload it once more."
)
ENCRYPTED = _(
    "The file is protected by a password: it cannot be checked, and nobody else here could open it. "
    "Save it without a password and upload it once more."
)


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


def not_allowed_error(allowed: dict[str, str]) -> ValidationError:
    kinds = ", ".join(KIND_NAMES.get(m, allowed[m].upper()) for m in allowed)
    return ValidationError(NOT_ALLOWED, code="type_not_allowed", params={"kinds": kinds})


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
    is_zip = head.startswith(b"PK\x03\x04")
    if (is_zip or mime in OFFICE) and not allowed.keys() & OFFICE.keys():
        raise not_allowed_error(allowed)
    if not is_zip and mime not in allowed:
        raise not_allowed_error(allowed)
    data = upload.read()
    upload.seek(0)
    if is_zip:
        mime = _office_document(data)  # the kind comes from the parts inside, not from the zip's first bytes
        if mime not in allowed:
            raise not_allowed_error(allowed)
    elif mime == PDF:
        _check_pdf(data)
    elif mime in IMAGE_FORMATS:
        data = reencoded_image(data, IMAGE_FORMATS[mime])
    elif mime == MP4:
        _check_mp4(data)
    elif mime == WEBM:
        _check_webm(data)
    return CheckedFile(data=data, mime=mime, extension=allowed[mime])


# PDF ------------------------------------------------------------------------------------------------------------

# The header line, then only comment lines (the "binary" marker) and blank space before the first object.
_PDF_START = re.compile(rb"%PDF-\d\.\d[^\r\n]{0,64}[\r\n]+(?:[ \t\f\x00]*%[^\r\n]*[\r\n]+)*[ \t\r\n\f\x00]*\d")
_HTML_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|body|script|iframe|meta\s)[\s/>]", re.IGNORECASE)
_PDF_TAIL = 1024  # readers look for %%EOF this far from the end


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    tail = data[-_PDF_TAIL:]
    end = tail.rfind(b"%%EOF")
    if not _PDF_START.match(data) or end < 0 or tail[end + 5 :].strip(b" \t\r\n\f\x00"):
        raise ValidationError(BAD_PDF, code="bad_pdf")
    if _HTML_MARKUP.search(data):
        raise ValidationError(BAD_PDF, code="bad_pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Password-protected: it cannot be checked, and nobody else here could open it.
            raise ValidationError(ENCRYPTED, code="encrypted")
        if len(reader.pages) < 1:
            raise ValidationError(BAD_PDF, code="bad_pdf")
        reader.pages[0].mediabox  # noqa: B018 - reading the first page's box parses its dictionary
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on broken files; any of them means "refuse"
        raise ValidationError(BAD_PDF, code="bad_pdf") from exc


# Office and OpenDocument ------------------------------------------------------------------------------------

_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_OFFICE_DOCUMENT_REL = "/officeDocument"  # the end of the relationship type, transitional and strict alike
_ODF = {ODT, ODP}


class _Broken(Exception):
    """The archive or one of its parts does not parse."""


def _bad_office(kind: str) -> ValidationError:
    return ValidationError(BAD_OFFICE, code="bad_office", params={"kind": kind})


def _office_document(data: bytes) -> str:
    """The kind of office document ``data`` holds (a key of ``OFFICE``), or ``application/zip`` for any other
    zip; a broken, encrypted or oversized archive, or one with its parts missing, raises ``ValidationError``."""
    kind = "Office"  # the name the message gives the file, as precise as what was read so far
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = _sound_entries(archive)
            names = {info.filename for info in entries}
            if "[Content_Types].xml" in names:
                mime = _ooxml_kind(archive, names)
            elif entries and entries[0].filename == "mimetype":
                kind = "OpenDocument"
                mime = _odf_kind(archive, entries[0], names)
            else:
                return "application/zip"
            if mime in OFFICE:
                kind = KIND_NAMES[mime]
                _read_every_entry(archive, entries)
            return mime
    except ValidationError:
        raise
    except _Broken as exc:
        raise _bad_office(kind) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
        raise _bad_office(kind) from exc


def _sound_entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES or len({e.filename for e in entries}) != len(entries):
        raise _Broken("too many or duplicate entries")
    if any(e.flag_bits & 0x1 for e in entries):
        raise ValidationError(ENCRYPTED, code="encrypted")
    if any(e.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for e in entries):
        raise _Broken("unexpected compression")
    if sum(e.file_size for e in entries) > ZIP_MAX_UNCOMPRESSED:
        raise _Broken("too large once uncompressed")
    for e in entries:
        if e.file_size > ZIP_RATIO_FROM and e.file_size > ZIP_MAX_RATIO * max(e.compress_size, 1):
            raise _Broken("compressed beyond any real document: a zip bomb")
    return entries


def _read_every_entry(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Decompress every entry (never more than its declared size) so that its checksum is verified."""
    for info in entries:
        with archive.open(info) as part:
            while part.read(1024 * 1024):
                pass


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > XML_MAX_BYTES:
        raise _Broken(f"{name} too large")
    return archive.read(info)


def _parse_xml(data: bytes, on_element: Callable[[str, dict], None] | None = None) -> None:
    """Parse ``data`` as XML, calling ``on_element(local_name, attributes)`` for each element; a DOCTYPE or an
    entity declaration is refused."""

    def refuse(*args):
        raise _Broken("DOCTYPE or entity declaration")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    if on_element is not None:
        parser.StartElementHandler = lambda name, attrs: on_element(name.rsplit(" ", 1)[-1], attrs)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise _Broken("not well-formed XML") from exc


def _ooxml_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "_rels/.rels" not in names:
        raise _Broken("no package relationships")
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def content_type(tag: str, attrs: dict) -> None:
        if tag == "Default":
            defaults[attrs.get("Extension", "").lower()] = attrs.get("ContentType", "")
        elif tag == "Override":
            overrides[attrs.get("PartName", "").lower()] = attrs.get("ContentType", "")

    _parse_xml(_part(archive, "[Content_Types].xml"), content_type)
    targets: list[str] = []

    def relationship(tag: str, attrs: dict) -> None:
        if tag == "Relationship" and attrs.get("Type", "").endswith(_OFFICE_DOCUMENT_REL):
            targets.append(attrs.get("Target", ""))

    _parse_xml(_part(archive, "_rels/.rels"), relationship)
    if len(targets) != 1:
        raise _Broken("no main part")
    main = targets[0].lstrip("/")
    if main not in names:
        raise _Broken("the main part is missing")
    declared = overrides.get("/" + main.lower()) or defaults.get(main.rsplit(".", 1)[-1].lower(), "")
    mime = _OOXML_MAIN.get(declared, "application/zip")  # a spreadsheet, a macro-enabled file...: not accepted
    if mime in OFFICE:
        _parse_xml(_part(archive, main))
    return mime


def _odf_kind(archive: zipfile.ZipFile, first: zipfile.ZipInfo, names: set[str]) -> str:
    if first.compress_type != zipfile.ZIP_STORED or first.file_size > 200:
        raise _Broken("the mimetype entry must be stored, and short")
    mime = archive.read(first).decode("ascii", errors="replace").strip()
    if mime not in _ODF:
        return "application/zip"
    if "content.xml" not in names or "META-INF/manifest.xml" not in names:
        raise _Broken("content or manifest missing")
    encrypted = []
    _parse_xml(
        _part(archive, "META-INF/manifest.xml"),
        lambda tag, attrs: encrypted.append(tag) if tag == "encryption-data" else None,
    )
    if encrypted:
        raise ValidationError(ENCRYPTED, code="encrypted")
    _parse_xml(_part(archive, "content.xml"))
    return mime


# Videos ---------------------------------------------------------------------------------------------------------


def _bad_video(mime: str) -> ValidationError:
    return ValidationError(BAD_VIDEO, code="bad_video", params={"kind": KIND_NAMES[mime]})


def _check_mp4(data: bytes) -> None:
    """The top-level boxes of an ISO base media file chain exactly to its end, ``ftyp`` first, ``moov`` among
    them (without it no player can read the video)."""
    position, kinds = 0, []
    while position < len(data):
        if len(data) - position < 8:
            raise _bad_video(MP4)
        size = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        header = 8
        if size == 1:  # a 64-bit size follows
            size = int.from_bytes(data[position + 8 : position + 16], "big")
            header = 16
        elif size == 0:  # the last box runs to the end of the file
            size = len(data) - position
        if size < header or position + size > len(data) or not all(0x20 <= b <= 0x7E for b in kind):
            raise _bad_video(MP4)
        kinds.append(kind)
        position += size
    if not kinds or kinds[0] != b"ftyp" or b"moov" not in kinds:
        raise _bad_video(MP4)


def _ebml_size(data: bytes, position: int, *, unknown_allowed: bool = False) -> tuple[int, int]:
    """An EBML variable-length size at ``position``: (value, bytes it took). "Unknown" (all ones) is allowed
    only where a recorder may write it (a segment recorded live)."""
    if position >= len(data) or data[position] == 0:
        raise _bad_video(WEBM)
    first = data[position]
    length = 8 - first.bit_length() + 1
    value = first & ((1 << (8 - length)) - 1)
    for byte in data[position + 1 : position + length]:
        value = (value << 8) | byte
    if position + length > len(data) or (value == (1 << (7 * length)) - 1 and not unknown_allowed):
        raise _bad_video(WEBM)
    return value, length


def _check_webm(data: bytes) -> None:
    """An EBML header that names the ``webm`` document type, then the segment that holds the video."""
    if not data.startswith(b"\x1a\x45\xdf\xa3"):
        raise _bad_video(WEBM)
    size, length = _ebml_size(data, 4)
    header_end = 4 + length + size
    header = data[4 + length : header_end]
    if len(header) != size or b"\x42\x82\x84webm" not in header:
        raise _bad_video(WEBM)
    if data[header_end : header_end + 4] != b"\x18\x53\x80\x67":
        raise _bad_video(WEBM)
    _ebml_size(data, header_end + 4, unknown_allowed=True)


# Images ---------------------------------------------------------------------------------------------------------


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
