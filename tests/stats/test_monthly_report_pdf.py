"""The monthly report as a PDF with the service's letterhead."""

from __future__ import annotations

import datetime
import io

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ceis.audit.models import Event
from stats.tasks import build_monthly_report
from tests import factories


def test_coordinators_download_it_as_a_pdf(coord_client, db):
    for _ in range(4):
        received = timezone.make_aware(datetime.datetime(2025, 3, 10, 10))
        factories.ReferralFactory(received_at=received)
    build_monthly_report("2025-03")
    url = reverse("caseload:report_pdf", args=["2025-03"])
    assert url in coord_client.get(reverse("caseload:reports")).content.decode()
    response = coord_client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "marzo 2025" in text
    assert 'CeIS Gruppo "Giovani e Comunità"' in text and "335 6975107" in text
    assert "Pag. 1 /" in text
    assert Event.objects.filter(kind=Event.Kind.EXPORT, details__format="pdf").count() == 1


def test_operators_cannot_download_it(op_client, admin_client_role, db):
    build_monthly_report("2025-03")
    for client in (op_client, admin_client_role):
        assert client.get(reverse("caseload:report_pdf", args=["2025-03"])).status_code == 404


def test_an_unknown_month_is_404(coord_client, db):
    assert coord_client.get(reverse("caseload:report_pdf", args=["2025-13"])).status_code == 404
    assert coord_client.get(reverse("caseload:report_pdf", args=["2024-01"])).status_code == 404
