"""Every accepted upload is parsed as what it claims to be (issue 17, point 4): one implementation in
``ceis.uploads``, used by the materials library and by case documents alike.

The finding: a file that began with ``%PDF-`` and then held a web page was accepted as a PDF. Each forgery
below is refused with a clear message; small real files of every kind, built here, are accepted.
"""

from __future__ import annotations

import uuid
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ceis import uploads
from documents.models import Document
from materials import uploads as material_uploads
from materials.models import Language, Material, Topic
from tests import samples

LIMIT = 20 * 1024 * 1024


def upload(data: bytes, name: str = "file.bin", content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refused(data: bytes, allowed=uploads.LIBRARY, name: str = "file.bin") -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        uploads.check_file(upload(data, name), allowed=allowed, max_bytes=LIMIT)
    return exc.value


# Real files are accepted ------------------------------------------------------------------------------------


def _weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Kit informativo</h1><p>La tratta: i tuoi diritti.</p>").write_pdf()


@pytest.mark.parametrize(
    ("build", "mime", "extension"),
    [
        (samples.pdf, uploads.PDF, "pdf"),
        (_weasyprint_pdf, uploads.PDF, "pdf"),
        (samples.docx, uploads.DOCX, "docx"),
        (samples.pptx, uploads.PPTX, "pptx"),
        (samples.odt, uploads.ODT, "odt"),
        (samples.odp, uploads.ODP, "odp"),
        (samples.mp4, uploads.MP4, "mp4"),
        (samples.webm, uploads.WEBM, "webm"),
    ],
)
def test_it_accepts_small_real_files_of_every_kind(build, mime, extension):
    data = build()
    checked = uploads.check_file(upload(data), allowed=uploads.LIBRARY, max_bytes=LIMIT)
    assert (checked.mime, checked.extension, checked.data) == (mime, extension, data)


def test_the_library_uses_the_same_checks():
    """No second implementation: the library's check is ``ceis.uploads.check_file`` with its own kinds."""
    assert material_uploads.ALLOWED_TYPES is uploads.LIBRARY
    assert not hasattr(material_uploads, "_reencoded")
    with pytest.raises(ValidationError) as exc:
        material_uploads.check_upload(upload(samples.pdf_then_html(), "kit.pdf", "application/pdf"))
    assert exc.value.code == "bad_pdf"


# PDFs -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        samples.pdf_then_html(),
        samples.pdf_with_html_inside(),  # pypdf alone repairs and opens this one
        samples.pdf() + samples.HTML_PAGE,  # a page after the end
        b"%PDF-1.7\n1 0 obj <<>> garbage, no xref, no pages\n%%EOF\n",
        samples.pdf()[: len(samples.pdf()) // 2],  # cut short
    ],
    ids=["pdf-then-html", "html-inside", "html-after-eof", "no-pages", "truncated"],
)
@pytest.mark.parametrize("allowed", [uploads.PDF_AND_IMAGES, uploads.LIBRARY], ids=["documents", "library"])
def test_it_refuses_what_only_looks_like_a_pdf(data, allowed):
    assert refused(data, allowed).code == "bad_pdf"


def test_it_refuses_a_password_protected_pdf():
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(samples.pdf())))
    writer.encrypt("segreta")
    out = io.BytesIO()
    writer.write(out)
    assert refused(out.getvalue()).code == "encrypted"


# Office and OpenDocument ------------------------------------------------------------------------------------


def _without(parts, name):
    return [(n, d) for n, d in parts if n != name]


DOCX_PARTS = samples.ooxml_parts("word/document.xml", samples.WORD_MAIN, b"<w:document xmlns:w='urn:x'/>")
ODT_PARTS = samples.odf_parts(samples.ODT_MIME)


@pytest.mark.parametrize(
    "data",
    [
        samples.HTML_PAGE,  # a web page renamed .docx
        samples.zip_of([("readme.txt", b"hello")]),  # a zip without the parts
        samples.zip_of(_without(DOCX_PARTS, "[Content_Types].xml")),
        samples.zip_of(list(reversed(ODT_PARTS))),  # mimetype not first: not an OpenDocument file
        samples.zip_of(  # a macro-enabled Word file
            samples.ooxml_parts("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml", b"<x/>")
        ),
        samples.zip_of(  # a spreadsheet
            samples.ooxml_parts(
                "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", b"<x/>"
            )
        ),
    ],
    ids=["html-renamed", "bare-zip", "no-content-types", "odf-mimetype-not-first", "docm", "xlsx"],
)
def test_it_refuses_what_is_not_a_word_powerpoint_or_opendocument_file(data):
    assert refused(data, name="kit.docx").code == "type_not_allowed"


def _corrupt(data: bytes, before: bytes, after: bytes) -> bytes:
    assert data.count(before) == 1
    return data.replace(before, after)


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    b"<office:document-content>&lol2;</office:document-content>"
)


@pytest.mark.parametrize(
    "data",
    [
        samples.zip_of(_without(DOCX_PARTS, "word/document.xml")),  # the main part named but missing
        samples.zip_of(_without(DOCX_PARTS, "_rels/.rels")),
        samples.zip_of([(n, b"<not xml" if n == "word/document.xml" else d) for n, d in DOCX_PARTS]),
        _corrupt(samples.zip_of(DOCX_PARTS, compression=zipfile.ZIP_STORED), b"urn:x", b"urn:y"),  # bad checksum
        samples.docx()[:-40],  # cut short
        samples.zip_of(_without(ODT_PARTS, "META-INF/manifest.xml")),
        samples.zip_of(_without(ODT_PARTS, "content.xml")),
        samples.zip_of([(n, BILLION_LAUGHS if n == "content.xml" else d) for n, d in ODT_PARTS]),
        samples.zip_of([*DOCX_PARTS, ("word/media/zeros.bin", b"\0" * (10 * 1024 * 1024))]),  # a zip bomb
        samples.zip_of([*DOCX_PARTS, *((f"x/{i}.xml", b"<x/>") for i in range(uploads.ZIP_MAX_ENTRIES))]),
    ],
    ids=[
        "no-main-part",
        "no-relationships",
        "main-part-not-xml",
        "bad-checksum",
        "truncated",
        "odt-no-manifest",
        "odt-no-content",
        "odt-entity-bomb",
        "zip-bomb",
        "too-many-entries",
    ],
)
def test_it_refuses_a_broken_office_file(data):
    assert refused(data, name="kit.docx").code == "bad_office"


def test_it_refuses_an_archive_too_large_once_uncompressed(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_UNCOMPRESSED", 1024)
    data = samples.zip_of([*DOCX_PARTS, ("word/media/photo.bin", bytes(range(256)) * 8)])
    assert refused(data).code == "bad_office"


def _flagged_encrypted(data: bytes) -> bytes:
    """Set the "encrypted" flag of every entry, in its local header and in the central directory (Python's
    zipfile cannot write encrypted archives; a reader goes by this flag)."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = raw.find(signature)
        while position >= 0:
            raw[position + offset] |= 0x1
            position = raw.find(signature, position + 4)
    return bytes(raw)


def test_it_refuses_password_protected_office_files():
    assert refused(_flagged_encrypted(samples.docx())).code == "encrypted"
    encrypted_odt = samples.zip_of(samples.odf_parts(samples.ODT_MIME, manifest_extra="<manifest:encryption-data/>"))
    assert refused(encrypted_odt).code == "encrypted"


def test_case_documents_take_no_office_files():
    assert refused(samples.docx(), uploads.PDF_AND_IMAGES).code == "type_not_allowed"


# Videos ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        samples.mp4()[:-10],  # cut short: the last box runs past the end
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x10mdat" + b"\x00" * 8,  # no moov
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + samples.HTML_PAGE,
        samples.webm()[:30],  # the header alone, no segment
        samples.webm().replace(b"\x18\x53\x80\x67", samples.HTML_PAGE[:4]),
    ],
    ids=["mp4-truncated", "mp4-no-moov", "mp4-then-html", "webm-no-segment", "webm-then-html"],
)
def test_it_refuses_a_video_that_is_only_a_signature(data):
    assert refused(data).code == "bad_video"


# The message the user reads ----------------------------------------------------------------------------------


def test_the_messages_are_in_italian():
    with translation.override("it"):
        assert refused(samples.pdf_then_html()).messages == [
            "Non è stato possibile leggere il PDF: potrebbe essere danneggiato o incompleto. "
            "Salvalo di nuovo e caricalo un'altra volta."
        ]
        assert refused(samples.zip_of(_without(DOCX_PARTS, "word/document.xml"))).messages == [
            "Non è stato possibile leggere il file come Office: potrebbe essere danneggiato, incompleto o di un "
            "altro tipo. Salvalo di nuovo dal programma con cui l'hai creato e caricalo un'altra volta."
        ]
        assert (
            "protetto da password"
            in refused(
                samples.zip_of(samples.odf_parts(samples.ODT_MIME, manifest_extra="<manifest:encryption-data/>"))
            ).messages[0]
        )
        assert "Non è stato possibile leggere il video" in refused(samples.mp4()[:-10]).messages[0]


# Through the pages --------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _material(file: SimpleUploadedFile) -> dict:
    return {
        "title": "Kit informativo",
        "kind": Material.Kind.LEAFLET,
        "languages": [Language.objects.get(code="it").pk],
        "topics": [Topic.objects.get(code="law").pk],
        "description": "",
        "url": "",
        "file": file,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.pdf_then_html(), "kit.pdf", "Non è stato possibile leggere il PDF"),
        (samples.HTML_PAGE, "kit.docx", "Questo tipo di file non è accettato"),
        (samples.zip_of([("readme.txt", b"x")]), "kit.docx", "Questo tipo di file non è accettato"),
        (
            samples.zip_of(_without(DOCX_PARTS, "word/document.xml")),
            "kit.docx",
            "Non è stato possibile leggere il file come Office",
        ),
    ],
    ids=["pdf-then-html", "html-as-docx", "bare-zip-as-docx", "docx-without-main-part"],
)
def test_the_library_refuses_a_forgery_with_a_clear_italian_message(coord_client, media, data, name, message):
    response = coord_client.post(reverse("materials:create"), _material(upload(data, name, "application/pdf")))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Material.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "mime"), [(samples.docx, uploads.DOCX), (samples.odt, uploads.ODT), (samples.pdf, uploads.PDF)]
)
def test_the_library_stores_a_real_file(coord_client, media, build, mime):
    response = coord_client.post(reverse("materials:create"), _material(upload(build(), "kit.bin")))
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.file_type == mime
    assert (media / material.file.name).read_bytes() == build()


def _document(client, referral, data: bytes, name: str = "scan.pdf"):
    fields = {"kind": "permit", "date": "2026-11-20", "description": "", "submission": str(uuid.uuid4())}
    url = reverse("documents:add", args=["referral", referral.pk])
    return client.post(url, {**fields, "file": upload(data, name, "application/pdf")})


@pytest.mark.django_db
@pytest.mark.parametrize("data", [samples.pdf_then_html(), samples.pdf_with_html_inside()], ids=["then", "inside"])
def test_case_documents_refuse_a_pdf_holding_a_web_page(op_client, referral_a, data):
    response = _document(op_client, referral_a, data)
    assert response.status_code == 200
    assert "Non è stato possibile leggere il PDF" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_case_documents_take_a_real_pdf(op_client, referral_a):
    assert _document(op_client, referral_a, _weasyprint_pdf()).status_code == 302
    assert Document.objects.get().file_type == "application/pdf"
