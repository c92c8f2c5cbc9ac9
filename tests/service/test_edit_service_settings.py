"""Admins and coordinators edit the service settings on one page (letterhead, activation line, PEC, logo)."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ceis.service.selectors import service_settings

pytestmark = pytest.mark.django_db


def _form(**extra) -> dict:
    return {
        "letterhead_name": 'CeIS Gruppo "Giovani e Comunità"',
        "letterhead_unit": "Servizio antitratta",
        "letterhead_address": "Via dei Macelli 12, Lucca",
        "phone": "0583 000000",
        "activation_line": "335 6975107",
        "email": "antitratta@example.org",
        "pec": "antitratta@pec.example.it",
        "catalogue_substitution": "on",
        "closure_approval": "on",
        "service_answer_days": "7",
        **extra,
    }


def _png_with_text_chunk() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "QXZ-secret")
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def test_an_admin_saves_the_letterhead_and_a_logo_audited(admin_client_role, admin_user):
    logo = SimpleUploadedFile("logo.png", _png_with_text_chunk(), content_type="image/png")
    response = admin_client_role.post(reverse("service:settings"), {**_form(), "logo_file": logo})
    assert response.status_code == 302
    row = service_settings()
    assert (row.letterhead_address, row.pec) == ("Via dei Macelli 12, Lucca", "antitratta@pec.example.it")
    assert row.logo_type == "image/png" and bytes(row.logo).startswith(b"\x89PNG")
    assert b"QXZ-secret" not in bytes(row.logo)
    entry = LogEntry.objects.get_for_object(row).latest("pk")
    assert entry.actor == admin_user
    assert "letterhead_address" in entry.changes and "logo" not in entry.changes
    served = admin_client_role.get(reverse("service:logo"))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_a_coordinator_may_edit_it_too(coord_client):
    assert coord_client.get(reverse("service:settings")).status_code == 200
    assert coord_client.post(reverse("service:settings"), _form(pec="nuova@pec.example.it")).status_code == 302
    assert service_settings().pec == "nuova@pec.example.it"


def test_an_operator_gets_404(op_client):
    assert op_client.get(reverse("service:settings")).status_code == 404
    assert op_client.post(reverse("service:settings"), _form(pec="x@pec.example.it")).status_code == 404
    assert service_settings().pec == ""


def test_a_logo_that_is_not_an_image_is_refused(admin_client_role):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)></svg>", content_type="image/png")
    response = admin_client_role.post(reverse("service:settings"), {**_form(), "logo_file": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["logo_file"]
    assert not service_settings().logo


def test_the_logo_can_be_removed(admin_client_role):
    logo = SimpleUploadedFile("logo.png", _png_with_text_chunk(), content_type="image/png")
    admin_client_role.post(reverse("service:settings"), {**_form(), "logo_file": logo})
    admin_client_role.post(reverse("service:settings"), _form(remove_logo="on"))
    assert not service_settings().logo


def test_the_logo_is_on_the_pdf(admin_client_role, admin_user):
    from pypdf import PdfReader

    from ceis.pdf import render_pdf

    logo = SimpleUploadedFile("logo.png", _png_with_text_chunk(), content_type="image/png")
    admin_client_role.post(reverse("service:settings"), {**_form(), "logo_file": logo})
    pdf = render_pdf("pdf/base.html", {})
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(page.images) == 1
    assert "Via dei Macelli 12, Lucca" in page.extract_text()


def test_the_pdf_fetches_nothing_from_outside(settings):
    from unittest import mock

    from ceis.pdf import render_pdf

    with mock.patch("urllib.request.OpenerDirector.open", side_effect=AssertionError("fetched")) as opened:
        row = service_settings()
        row.letterhead_name = '<img src="http://169.254.169.254/latest">'
        row.save()
        render_pdf("pdf/base.html", {})
    assert not opened.called
