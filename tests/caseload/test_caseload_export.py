"""The caseload list as CSV: case codes and flags, no names, formulas neutralised, every export audited."""

from __future__ import annotations

import csv
import io

from ceis.audit.models import Event
from ceis.exports import neutralise
from tests import factories

URL = "/caseload/export.csv"


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_it_exports_open_referrals_with_operators_and_flags(coord_client, coordinator, caseload):
    response = coord_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = _rows(response)
    assert header == ["case_code", "status", "urgency", "received_on", "operators", "no_interview", "long_assessment"]
    by_code = {r[0]: r for r in rows}
    assert set(by_code) == {"CL-LATE", "CL-URGENT", "CL-FRESH", "CL-LONG", "CL-RECENT"}
    assert by_code["CL-LONG"][1:3] == ["in_assessment", "priority"]
    assert by_code["CL-LONG"][4] == "op_a op_b"
    assert by_code["CL-LONG"][5:] == ["", "yes"]
    assert by_code["CL-LATE"][5:] == ["yes", ""]
    assert by_code["CL-FRESH"][5:] == ["", ""]
    text = response.content.decode()
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
