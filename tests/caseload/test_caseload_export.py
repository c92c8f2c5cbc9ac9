"""The caseload list as CSV: case codes and flags, no people's names, Italian headers and labels, formulas
neutralised, every export audited."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from ceis.audit.models import Event
from ceis.exports import neutralise
from tests import factories

URL = "/caseload/export.csv"


def _rows(response) -> list[list[str]]:
    """As Italian Excel reads it: a byte-order mark, then ``;`` between fields and CRLF between lines."""
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in response.content
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_it_exports_open_referrals_with_operators_and_flags(coord_client, coordinator, caseload):
    response = coord_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = _rows(response)
    assert header == [
        "Codice caso",
        "Stato",
        "Urgenza",
        "Ricevuta il",
        "Operatori",
        "nessun colloquio ancora",
        "in valutazione da più di 30 giorni",
    ]
    by_code = {r[0]: r for r in rows}
    assert set(by_code) == {"CL-LATE", "CL-URGENT", "CL-FRESH", "CL-LONG", "CL-RECENT"}
    assert by_code["CL-LONG"][1:3] == ["in valutazione", "prioritaria"]
    received = timezone.localtime(caseload.long.received_at).date()
    assert by_code["CL-LONG"][3] == received.strftime("%d/%m/%Y")
    assert by_code["CL-LONG"][4] == f"{caseload.a.get_full_name()}, {caseload.b.get_full_name()}"
    assert by_code["CL-LONG"][5:] == ["", "sì"]
    assert by_code["CL-LATE"][5:] == ["sì", ""]
    assert by_code["CL-FRESH"][5:] == ["", ""]
    text = response.content.decode("utf-8-sig")
    assert caseload.late.person.first_name not in text
    assert "Segnalazione" not in text  # no narratives


def test_it_writes_an_audit_row(coord_client, coordinator):
    coord_client.get(URL)
    event = Event.objects.get(kind=Event.Kind.EXPORT)
    assert event.actor == coordinator
    assert event.details == {"what": "caseload"}


def test_it_neutralises_formulas(coord_client):
    factories.ReferralFactory(person=factories.PersonFactory(case_code="=HYPERLINK(1)"))
    rows = _rows(coord_client.get(URL))
    assert rows[1][0] == "'=HYPERLINK(1)"
    for value in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert neutralise(value) == "'" + value
    assert neutralise("CL-1") == "CL-1"


def test_it_is_404_to_operators_and_admins(op_client, admin_client_role):
    for client in (op_client, admin_client_role):
        assert client.get(URL).status_code == 404
        assert client.post(URL).status_code == 404
    assert not Event.objects.filter(kind=Event.Kind.EXPORT).exists()


def test_it_writes_plain_rfc_4180_on_request(coord_client, caseload):
    response = coord_client.get(URL, {"csv": "rfc"})
    assert not response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert len(header) == 7
    by_code = {r[0]: r for r in rows}
    assert by_code["CL-LONG"][3] == timezone.localtime(caseload.long.received_at).date().isoformat()


def test_it_speaks_english_to_an_english_reader(coord_client, coordinator, caseload):
    coordinator.language = "en"
    coordinator.save()
    header, *rows = _rows(coord_client.get(URL))
    assert header[:3] == ["Case code", "Status", "Urgency"]
    assert {r[0]: r for r in rows}["CL-LONG"][1:3] == ["in assessment", "priority"]
