"""Spreadsheet exports that Italian offices open as they are, and that no spreadsheet runs as a formula.

CSV: by default what Excel in an Italian locale reads into columns at a double click — ``;`` between
fields, a UTF-8 byte-order mark (or accents break), CRLF line ends, dates as dd/mm/yyyy, decimal comma.
``?csv=rfc`` gives plain RFC 4180 instead (``,``, no mark, ISO dates, decimal point) for programs.
XLSX: numbers as numbers, dates as dates, bold headers, widths that fit, the header row frozen.

Both take rows of values (the first row the headers, already translated): labels, not codes, are the
caller's job. Every text cell goes through ``neutralise``.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RFC = "rfc"
MAX_WIDTH = 60


def neutralise(value) -> str:
    """Keep a spreadsheet from reading a text cell as a formula (OWASP "CSV injection")."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def wants_rfc(request) -> bool:
    return request.GET.get("csv") == RFC


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value, *, rfc: bool = False) -> str:
    """One value as CSV text: numbers are numbers (never neutralised: "-3" is minus three)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        value = _local(value)
        return value.strftime("%Y-%m-%d %H:%M") if rfc else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat() if rfc else value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | decimal.Decimal):
        return str(value) if rfc else formats.number_format(value, use_l10n=True)
    return neutralise(str(value) if isinstance(value, Promise) else value)


def csv_bytes(rows: Iterable[Sequence], *, rfc: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter="," if rfc else ";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v, rfc=rfc) for v in row])
    text = out.getvalue()
    return text.encode("utf-8") if rfc else text.encode("utf-8-sig")


def csv_response(rows: Iterable[Sequence], filename: str, *, rfc: bool = False) -> HttpResponse:
    response = HttpResponse(csv_bytes(rows, rfc=rfc), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(rows: Iterable[Sequence], *, title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    # Sheet titles: 31 characters, none of []:*?/\
    sheet.title = "".join(c for c in str(title or _("Export")) if c not in "[]:*?/\\")[:31] or "1"
    widths: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            text = _xlsx_set(cell, value)
            widths[c] = max(widths.get(c, 0), len(text))
            if r == 1:
                cell.font = Font(bold=True)
    for c, width in widths.items():
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(max(width + 2, 8), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_set(cell, value) -> str:
    """Put a typed value in the cell; the text its width is measured by."""
    if value is None:
        return ""
    if isinstance(value, bool):
        cell.value = _("yes") if value else _("no")
        cell.data_type = "s"
        return cell.value
    if isinstance(value, datetime.datetime):
        cell.value = _local(value).replace(tzinfo=None)
        cell.number_format = "DD/MM/YYYY HH:MM"
        return "00/00/0000 00:00"
    if isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
        return "00/00/0000"
    if isinstance(value, int | float | decimal.Decimal):
        cell.value = value
        return str(value)
    cell.value = neutralise(value)
    cell.data_type = "s"  # text, never a formula
    return cell.value


def xlsx_response(rows: Iterable[Sequence], filename: str, *, title: str = "") -> HttpResponse:
    response = HttpResponse(xlsx_bytes(rows, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
