"""The materials library's uploads: the kinds it takes and its size limit. Every check is ``ceis.uploads``'s, the
same as for case documents (type read from the content, PDFs parsed, Office/ODF files opened and their parts
checked, videos' containers read, images re-encoded without their hidden data).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ceis.uploads import KIND_NAMES, LIBRARY, CheckedFile, SizeLimitUploadHandler, check_file

__all__ = ["ACCEPT_ATTRIBUTE", "ALLOWED_TYPES", "TYPE_LABELS", "SizeLimitUploadHandler", "check_upload"]

# What the content is → the extension the download gets.
ALLOWED_TYPES: dict[str, str] = LIBRARY
TYPE_LABELS: dict[str, str] = {mime: KIND_NAMES[mime] for mime in ALLOWED_TYPES}
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED_TYPES.values()) + ",.jpeg"

TOO_LARGE = _("The file is too large: the limit is %(limit)s. Shorten or compress it, or give a link instead.")


def max_upload_bytes() -> int:
    return settings.MATERIAL_MAX_UPLOAD_MB * 1024 * 1024


def too_large_error() -> ValidationError:
    return ValidationError(TOO_LARGE, code="too_large", params={"limit": filesizeformat(max_upload_bytes())})


def check_upload(upload: File) -> CheckedFile:
    """Accept ``upload`` for the library or raise ``ValidationError`` with a message for the uploader.

    The size is checked on what was received before anything is read (with the library's own message).
    """
    if upload.size is None or upload.size > max_upload_bytes():
        raise too_large_error()
    return check_file(upload, allowed=ALLOWED_TYPES, max_bytes=max_upload_bytes())
