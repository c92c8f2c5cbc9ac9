from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ceis.audit.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_coordinator_gets_the_access_export_as_a_pdf_with_the_letterhead(coordinator, coord_client):
    referral = factories.ReferralFactory()
    response = coord_client.get(reverse("privacy:export_pdf", args=[referral.person_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert referral.person.case_code in text
    assert 'CeIS Gruppo "Giovani e Comunità"' in text and "335 6975107" in text
    assert "Dati conservati sulla persona" in text or "Data held about the person" in text
    assert f"Pag. 1 / {len(reader.pages)}" in text
    assert Event.objects.filter(kind=Event.Kind.EXPORT, actor=coordinator, details__format="pdf").exists()


def test_an_operator_gets_404(op_client, referral_a):
    assert op_client.get(reverse("privacy:export_pdf", args=[referral_a.person_id])).status_code == 404
