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

PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture
def small_cells(db):
    """Nigeria 10 people, Eritrea 2; a group session hosted by a body named like a formula."""
    at = timezone.make_aware(datetime.datetime(2025, 3, 1, 10, 0))
    for nationality, n in (("NG", 10), ("ER", 2)):
        for _ in range(n):
            factories.ReferralFactory(person=factories.PersonFactory(nationality=nationality), received_at=at)
    factories.GroupSessionFactory(host_centre=factories.PartnerBodyFactory(name="=cmd()"), held_at=at)
    lucca = factories.PartnerBodyFactory(name="CAS Lucca")
    for _ in range(5):
        factories.GroupSessionFactory(host_centre=lucca, held_at=at)


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


def test_it_shows_a_small_category_as_less_than_three(export):
    assert _row(export, "Eritrea")[3] == "<3"
    assert _row(export, "Nigeria")[3] == "*"  # else 12 - 10 = 2
    assert not any(r[2] in ("Eritrea", "Nigeria") and r[3] in ("1", "2", "10") for r in export)


def test_it_escapes_a_name_that_reads_as_a_formula(export):
    assert _row(export, "'=cmd()")[3] == "<3"
    assert not any(str(cell).startswith("=") for row in export for cell in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_writes_an_audit_row(coord_client, coordinator, db, fmt):
    coord_client.get(reverse(f"caseload:statistics_{fmt}"), PERIOD)
    event = Event.objects.get(kind=Event.Kind.EXPORT)
    assert event.actor == coordinator
    assert event.details["what"] == "statistics"
    assert (event.details["from"], event.details["to"]) == ("2025-01-01", "2025-12-31")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_it_neutralises_every_formula_prefix(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Nigeria") == "Nigeria"


def test_it_types_the_counts_and_bolds_the_headers_in_xlsx(coord_client, small_cells):
    response = coord_client.get(reverse("caseload:statistics_xlsx"), PERIOD)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["Sezione", "Ripartizione", "Categoria", "Numero"]
    assert all(c.font.b for c in sheet[1])
    counts = [row[3] for row in sheet.iter_rows(min_row=2) if row[3].value not in (None, "<3", "*")]
    assert counts and all(c.data_type == "n" and isinstance(c.value, int) for c in counts)
    assert sheet.column_dimensions["C"].width > 8
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[2].value == "'=cmd()")
    assert cell.data_type == "s"
