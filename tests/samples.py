"""Small, real files of every kind an upload accepts, built in the test (no binary fixtures in git), and the
forgeries the upload checks must refuse."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfWriter

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>"
)


def pdf(*, size: int | None = None) -> bytes:
    """A one-page PDF; of exactly ``size`` bytes when given (padded in its metadata)."""

    def written(padding: int) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        if padding:
            writer.add_metadata({"/Subject": "x" * padding})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    data = written(0)
    if size is not None:
        padding = 1
        for _ in range(5):  # the offsets in the cross-reference table may grow by a digit
            data = written(padding)
            if len(data) == size:
                break
            padding += size - len(data)
        assert len(data) == size, len(data)
    return data


def pdf_then_html() -> bytes:
    """The finding of the security test: a file that begins with ``%PDF-`` and then holds a web page."""
    return b"%PDF-1.7\n" + HTML_PAGE + b"\n%%EOF\n"


def pdf_with_html_inside() -> bytes:
    """A real PDF with a web page slipped in after its header: a reader repairs it, a browser may sniff it."""
    real = pdf()
    header, rest = real.split(b"\n", 1)
    return header + b"\n" + HTML_PAGE + b"\n" + rest


def zip_of(entries: list[tuple[str, bytes]], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip with these entries, in this order (``mimetype`` stored, as ODF requires)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else compression
            archive.writestr(info, data)
    return buffer.getvalue()


_RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
POWERPOINT_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def ooxml_parts(main: str, content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{_RELS_TYPE}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main}" ContentType="{content_type}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE_DOCUMENT}" Target="{main}"/></Relationships>'
    )
    return [("[Content_Types].xml", types.encode()), ("_rels/.rels", rels.encode()), (main, body)]


def docx() -> bytes:
    body = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Kit informativo</w:t></w:r></w:p></w:body></w:document>"
    )
    return zip_of(ooxml_parts("word/document.xml", WORD_MAIN, body))


def pptx() -> bytes:
    body = b'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'
    return zip_of(ooxml_parts("ppt/presentation.xml", POWERPOINT_MAIN, body))


ODT_MIME = "application/vnd.oasis.opendocument.text"
ODP_MIME = "application/vnd.oasis.opendocument.presentation"


def odf_parts(mime: str, *, manifest_extra: str = "") -> list[tuple[str, bytes]]:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
        f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}'
        "</manifest:file-entry></manifest:manifest>"
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'office:version="1.3"><office:body/></office:document-content>'
    )
    return [
        ("mimetype", mime.encode()),
        ("META-INF/manifest.xml", manifest.encode()),
        ("content.xml", content.encode()),
    ]


def odt() -> bytes:
    return zip_of(odf_parts(ODT_MIME))


def odp() -> bytes:
    return zip_of(odf_parts(ODP_MIME))


def _box(kind: bytes, payload: bytes = b"") -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def mp4() -> bytes:
    """An ISO base media file: ``ftyp``, an (empty) movie header box and the media data."""
    return (
        _box(b"ftyp", b"mp42\x00\x00\x00\x00mp42isom")
        + _box(b"moov", _box(b"mvhd", b"\x00" * 100))
        + _box(b"mdat", b"\x00" * 64)
    )


def webm() -> bytes:
    """An EBML header naming ``webm``, then a segment of unknown size (as browsers record it)."""
    header = b"\x42\x86\x81\x01" + b"\x42\xf7\x81\x01" + b"\x42\x82\x84webm" + b"\x42\x87\x81\x04" + b"\x42\x85\x81\x02"
    return (
        b"\x1a\x45\xdf\xa3"
        + bytes([0x80 | len(header)])
        + header
        + b"\x18\x53\x80\x67\x01"
        + b"\xff" * 7
        + b"\x00" * 64
    )
