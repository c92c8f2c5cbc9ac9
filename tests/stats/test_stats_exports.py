"""Exports of the statistics: suppressed, safe to open in a spreadsheet, audited."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ceis.audit.models import Event
from ceis.exports import neutralise
from tests import factories

PERIOD = {"year": "2025", "part": "year"}


@pytest.fixture
def small_cells(db):
    """Nigeria 10 people, Eritrea 2; five group sessions hosted by a body named like a formula, one elsewhere."""
    at = timezone.make_aware(datetime.datetime(2025, 3, 1, 10, 0))
    for nationality, n in (("NG", 10), ("ER", 2)):
        for _ in range(n):
            factories.ReferralFactory(person=factories.PersonFactory(nationality=nationality), received_at=at)
    injected = factories.PartnerBodyFactory(name="=cmd()")
    for _ in range(5):
        factories.GroupSessionFactory(host_centre=injected, held_at=at)
    factories.GroupSessionFactory(host_centre=factories.PartnerBodyFactory(name="CAS Lucca"), held_at=at)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def _xlsx(response) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.fixture(params=["csv", "xlsx"])
def export(request, coord_client, small_cells):
    response = coord_client.get(reverse(f"caseload:statistics_{request.param}"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return (_csv if request.param == "csv" else _xlsx)(response)


def _row(rows, category):
    return next(r for r in rows if r[2] == category)


def test_it_shows_every_count_rounded_to_five_and_no_small_category(export):
    assert str(_row(export, "Nigeria")[3]) == "10"
    assert not any(r[2] in ("Eritrea", "CAS Lucca") for r in export)  # rounded to 0: not listed
    counts = [r[3] for r in export[1:] if r[3] != ""]
    assert counts and all(int(c) % 5 == 0 for c in counts)


def test_it_escapes_a_name_that_reads_as_a_formula(export):
    assert str(_row(export, "'=cmd()")[3]) == "5"
    assert not any(str(cell).startswith("=") for row in export for cell in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_writes_an_audit_row(coord_client, coordinator, db, fmt):
    coord_client.get(reverse(f"caseload:statistics_{fmt}"), PERIOD)
    event = Event.objects.get(kind=Event.Kind.EXPORT)
    assert event.actor == coordinator
    assert event.details["what"] == "statistics"
    assert (event.details["from"], event.details["to"]) == ("2025-01-01", "2025-12-31")
    assert event.details["period"] == "2025"


def test_the_exports_follow_the_period_and_name_it(coord_client, small_cells):
    response = coord_client.get(reverse("caseload:statistics_csv"), {"year": "2025", "part": "q1"})
    assert 'filename="statistics-2025-q1.csv"' in response["Content-Disposition"]
    assert str(_row(_csv(response), "Nigeria")[3]) == "10"
    response = coord_client.get(reverse("caseload:statistics_csv"), {"year": "2025", "part": "q2"})
    assert not any(r[2] == "Nigeria" for r in _csv(response))


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_it_neutralises_every_formula_prefix(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Nigeria") == "Nigeria"


def test_it_types_the_counts_and_bolds_the_headers_in_xlsx(coord_client, small_cells):
    response = coord_client.get(reverse("caseload:statistics_xlsx"), PERIOD)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["Sezione", "Ripartizione", "Categoria", "Numero"]
    assert all(c.font.b for c in sheet[1])
    counts = [row[3] for row in sheet.iter_rows(min_row=2) if row[3].value not in (None, "")]
    assert counts and all(c.data_type == "n" and isinstance(c.value, int) for c in counts)
    assert sheet.column_dimensions["C"].width > 8
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[2].value == "'=cmd()")
    assert cell.data_type == "s"
