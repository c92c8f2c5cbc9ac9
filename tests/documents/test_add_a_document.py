from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ceis.crypto import fernet
from documents.models import Document
from tests import factories

from .helpers import jpeg_with_gps, pdf_bytes

pytestmark = pytest.mark.django_db


def _post(client, url, data: bytes, name="scan.pdf", **extra):
    fields = {
        "kind": "permit",
        "date": "2026-11-20",
        "description": "Copia del permesso",
        "submission": str(uuid.uuid4()),
        **extra,
    }
    return client.post(url, {**fields, "file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_it_adds_a_pdf_to_a_referral_encrypted_at_rest(op_client, referral_a):
    url = reverse("documents:add", args=["referral", referral_a.pk])
    response = _post(op_client, url, pdf_bytes())
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.referral, document.person, document.kind) == (referral_a, referral_a.person, "permit")
    assert document.file_type == "application/pdf"
    assert b"%PDF" not in document.content.encode()  # ciphertext
    assert fernet().decrypt(document.content.encode()) == pdf_bytes()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM documents_document")
        assert "permesso" not in cursor.fetchone()[0]


def test_the_referral_page_lists_it(op_client, referral_a):
    _post(op_client, reverse("documents:add", args=["referral", referral_a.pk]), pdf_bytes())
    page = op_client.get(reverse("referrals:detail", args=[referral_a.pk])).content.decode()
    assert reverse("documents:download", args=[Document.objects.get().pk]) in page


def test_the_same_form_twice_adds_one_document(op_client, referral_a):
    url = reverse("documents:add", args=["referral", referral_a.pk])
    token = str(uuid.uuid4())
    _post(op_client, url, pdf_bytes(), submission=token)
    _post(op_client, url, pdf_bytes(), submission=token)
    assert Document.objects.count() == 1


def test_it_refuses_a_file_that_only_claims_to_be_a_pdf(op_client, referral_a):
    url = reverse("documents:add", args=["referral", referral_a.pk])
    response = _post(op_client, url, b"MZ\x90\x00 not a pdf at all" * 10)
    assert response.status_code == 200
    assert "non è accettato" in response.content.decode() or "not accepted" in response.content.decode()
    assert not Document.objects.exists()


def test_it_refuses_a_broken_pdf(op_client, referral_a):
    url = reverse("documents:add", args=["referral", referral_a.pk])
    response = _post(op_client, url, b"%PDF-1.7\n1 0 obj <<>> garbage, no xref, no pages\n")
    assert response.status_code == 200
    assert not Document.objects.exists()
    assert response.context["form"].errors["file"]


def test_a_photo_loses_its_metadata(op_client, referral_a):
    url = reverse("documents:add", args=["referral", referral_a.pk])
    response = _post(op_client, url, jpeg_with_gps(), name="photo.jpg", kind="identity")
    assert response.status_code == 302
    stored = fernet().decrypt(Document.objects.get().content.encode())
    assert b"QXZ-secret" not in stored
    import io

    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_a_declared_length_above_the_limit_is_refused_before_reading(op_client, referral_a, settings):
    settings.DOCUMENT_MAX_UPLOAD_MB = 1
    url = reverse("documents:add", args=["referral", referral_a.pk])
    response = op_client.generic(
        "POST", url, b"x", content_type="multipart/form-data; boundary=zz", CONTENT_LENGTH=str(5 * 1024 * 1024)
    )
    assert response.status_code == 413
    text = response.content.decode().replace("\xa0", " ")
    assert "1,0 MB" in text


def test_a_file_above_the_limit_gets_the_size_message(op_client, referral_a, settings):
    settings.DOCUMENT_MAX_UPLOAD_MB = 1
    url = reverse("documents:add", args=["referral", referral_a.pk])
    big = pdf_bytes() + b"%" + b"0" * (1024 * 1024 + 10)
    response = _post(op_client, url, big)
    assert response.status_code in (200, 413)
    assert not Document.objects.exists()


def test_a_future_date_is_refused(op_client, referral_a):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    url = reverse("documents:add", args=["referral", referral_a.pk])
    response = _post(op_client, url, pdf_bytes(), date=tomorrow.isoformat())
    assert response.status_code == 200
    assert not Document.objects.exists()


@pytest.mark.parametrize("attach", ["person", "interview", "pathway"])
def test_it_adds_to_the_other_records(op_client, operator, referral_a, attach):
    record = {
        "person": lambda: referral_a.person,
        "interview": lambda: factories.InterviewFactory(referral=referral_a),
        "pathway": lambda: factories.PathwayFactory(assigned_to=[operator]),
    }[attach]()
    response = _post(op_client, reverse("documents:add", args=[attach, record.pk]), pdf_bytes())
    assert response.status_code == 302
    document = Document.objects.get()
    assert getattr(document, attach) == record
    if attach == "interview":
        assert document.referral == referral_a
    page = op_client.get(response["Location"]).content.decode()
    assert reverse("documents:download", args=[document.pk]) in page


def test_an_unassigned_operator_gets_404(op_b_client, referral_a):
    url = reverse("documents:add", args=["referral", referral_a.pk])
    assert op_b_client.get(url).status_code == 404
    assert _post(op_b_client, url, pdf_bytes()).status_code == 404
    assert not Document.objects.exists()


def test_an_unknown_kind_of_record_is_404(op_client, referral_a):
    assert op_client.get(reverse("documents:add", args=["session", referral_a.pk])).status_code == 404


def test_an_admin_gets_404(admin_client_role, referral_a):
    assert admin_client_role.get(reverse("documents:add", args=["referral", referral_a.pk])).status_code == 404
