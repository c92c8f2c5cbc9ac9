"""ceis/exports.py: CSV Italian Excel opens (``;``, BOM, CRLF, dd/mm/yyyy) or plain RFC 4180; typed XLSX."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.utils import translation
from openpyxl import load_workbook

from ceis import exports

ROWS = [
    ["Codice", "Data", "Numero", "Quota", "Nota"],
    ["LU-1", datetime.date(2026, 12, 5), 42, Decimal("1.5"), "=SUM(A1)"],
    ["LU-2", datetime.date(2026, 1, 31), -3, 0.25, "città"],
]


def test_the_italian_csv_has_a_bom_semicolons_crlf_and_italian_dates():
    with translation.override("it"):
        data = exports.csv_bytes(ROWS)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == 3
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[1] == ["LU-1", "05/12/2026", "42", "1,5", "'=SUM(A1)"]
    assert rows[2] == ["LU-2", "31/01/2026", "-3", "0,25", "città"]  # a negative number is not a formula


def test_the_rfc_variant_is_plain():
    data = exports.csv_bytes(ROWS, rfc=True)
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert rows[1] == ["LU-1", "2026-12-05", "42", "1.5", "'=SUM(A1)"]


def test_the_xlsx_types_numbers_and_dates_and_keeps_formulas_out():
    sheet = load_workbook(io.BytesIO(exports.xlsx_bytes(ROWS, title="Prova: [1]"))).active
    assert sheet.title == "Prova 1"
    assert all(c.font.b for c in sheet[1])
    date, number, share, note = sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"]
    assert date.is_date and date.value.date() == datetime.date(2026, 12, 5) and date.number_format == "DD/MM/YYYY"
    assert (number.data_type, number.value) == ("n", 42)
    assert share.data_type == "n"
    assert (note.data_type, note.value) == ("s", "'=SUM(A1)")
    assert sheet.freeze_panes == "A2"


def test_neutralise_guards_every_formula_start():
    for value in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert exports.neutralise(value) == "'" + value
    assert exports.neutralise(None) == "" and exports.neutralise("LU-1") == "LU-1"
