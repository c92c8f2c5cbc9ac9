"""Reading and writing indicator lists as files: the CSV and XLSX template, import with row-level errors, export.

A file holds one list. Its columns are ``COLUMNS`` (ILO/EU lists) or ``CHECKLIST_COLUMNS`` (checklists: items in
sections, no dimension or strength), in that order, on the first row. Reading never saves
anything: it returns the rows, or every error found (one per faulty row and column), in the user's language.
Exporting a version and reading the file back gives the same rows, exactly.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Indicator

COLUMNS = ("list", "dimension", "strength", "position", "code", "text_en", "text_it")
CHECKLIST_COLUMNS = ("list", "section", "position", "code", "text_en", "text_it")
ILO, CHECKLIST = "ilo", "checklist"
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
FORMULA_STARTS = ("=", "+", "-", "@")
CSV, XLSX = "csv", "xlsx"


@dataclass(frozen=True)
class Row:
    list: str
    dimension: str
    strength: str
    position: int
    code: str
    text_en: str
    text_it: str
    section: str = ""  # checklists only

    def cells(self, kind: str = ILO) -> list:
        if kind == CHECKLIST:
            return [self.list, self.section, self.position, self.code, self.text_en, self.text_it]
        return [self.list, self.dimension, self.strength, self.position, self.code, self.text_en, self.text_it]


def columns_of(kind: str) -> tuple[str, ...]:
    return CHECKLIST_COLUMNS if kind == CHECKLIST else COLUMNS


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def list_key(audience: str, exploitation: str) -> str:
    return f"{audience}-{exploitation}"


def rows_of(version) -> list[Row]:
    key = version.list_key
    return [
        Row(key, i.dimension, i.strength, i.position, i.code, i.text_en, i.text_it, i.section)
        for i in version.indicators.order_by("position", "code")
    ]


# Writing --------------------------------------------------------------------------------------------------


def to_csv(rows: list[Row], kind: str = ILO) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns_of(kind))
    for r in rows:
        writer.writerow(r.cells(kind))
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read UTF-8


def to_xlsx(rows: list[Row], kind: str = ILO) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "indicators"
    sheet.append(list(columns_of(kind)))
    for r in rows:
        sheet.append(r.cells(kind))
        for cell in sheet[sheet.max_row]:
            cell.data_type = "n" if isinstance(cell.value, int) else "s"  # text stays text, never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Reading --------------------------------------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """CSV or XLSX by the content, never by the name; None for anything else."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return XLSX
        except zipfile.BadZipFile:
            return None
        return None
    if b"\x00" in data[:4096]:
        return None
    return CSV


def _cells_csv(data: bytes, errors: list[str]) -> list[list[str]] | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.append(_('The file is not in UTF-8: save it as "CSV UTF-8" and upload it again.'))
        return None
    try:
        return [row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)]
    except csv.Error:
        errors.append(_("The file is not a readable CSV file."))
        return None


def _cells_xlsx(data: bytes, errors: list[str]) -> list[list[str]] | None:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in values]
            if any(c.strip() for c in cells):
                rows.append(cells)
            if len(rows) > MAX_ROWS + 1:
                break
        book.close()
        return rows
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError, InvalidFileException):
        errors.append(_("The file is not a readable XLSX workbook."))
        return None


def parse(data: bytes, *, list_expected: str, kind: str = ILO) -> Parsed:
    """The rows of an uploaded file, or its errors (then no row)."""
    columns = columns_of(kind)
    checklist = kind == CHECKLIST
    result = Parsed()
    errors = result.errors
    if len(data) > MAX_BYTES:
        errors.append(_("The file is larger than 2 MB."))
        return result
    kind = sniff(data)
    if kind is None:
        errors.append(_("The file is neither CSV nor XLSX."))
        return result
    cells = _cells_csv(data, errors) if kind == CSV else _cells_xlsx(data, errors)
    if cells is None:
        return result
    if not cells:
        errors.append(_("The file is empty."))
        return result
    header = [c.strip().lower() for c in cells[0]]
    while header and not header[-1]:
        header.pop()
    if tuple(header) != columns:
        errors.append(
            _("The first row must name the columns %(columns)s, in this order.") % {"columns": ", ".join(columns)}
        )
        return result
    if len(cells) - 1 > MAX_ROWS:
        errors.append(
            ngettext("The file has more than %(n)d row.", "The file has more than %(n)d rows.", MAX_ROWS)
            % {"n": MAX_ROWS}
        )
        return result
    if len(cells) == 1:
        errors.append(_("The file has no indicator."))
        return result
    dimensions = set(Indicator.Dimension.values)
    strengths = set(Indicator.Strength.values)
    seen_codes: dict[str, int] = {}
    rows = []
    for number, raw in enumerate(cells[1:], start=2):
        values = dict(zip(columns, [*raw, *[""] * len(columns)], strict=False))
        row_errors = []

        def error(column: str, message: str, number=number, row_errors=row_errors) -> None:
            row_errors.append(
                _("Row %(row)d, column %(column)s: %(message)s") % {"row": number, "column": column, "message": message}
            )

        for column in columns:
            if values[column].startswith(FORMULA_STARTS):
                error(column, _("a cell may not start with =, +, - or @."))
        if any(v.startswith(FORMULA_STARTS) for v in values.values()):
            errors.extend(row_errors)
            continue
        values = {k: v.strip() for k, v in values.items()}
        if values["list"] != list_expected:
            error(
                "list",
                _("this file is for the list %(expected)s, not %(given)s.")
                % {"expected": list_expected, "given": values["list"] or "—"},
            )
        if checklist:
            if not values["section"]:
                error("section", _("the section is empty."))
            elif len(values["section"]) > 200:
                error("section", _("at most 200 characters."))
        else:
            if values["dimension"] not in dimensions:
                error("dimension", _('unknown dimension "%(value)s".') % {"value": values["dimension"]})
            if values["strength"] not in strengths:
                error("strength", _('unknown strength "%(value)s".') % {"value": values["strength"]})
        position = values["position"]
        if position.endswith(".0"):  # a spreadsheet's number
            position = position[:-2]
        if not position.isdigit() or int(position) > 32767:
            error("position", _("give a whole number."))
        code = values["code"]
        if not code:
            error("code", _("the code is empty."))
        elif len(code) > 40 or not all(c.isalnum() or c in "-_" for c in code) or not code.isascii():
            error("code", _("use letters, digits, - and _ only, up to 40."))
        elif code in seen_codes:
            error("code", _("duplicate code %(code)s (also on row %(row)d).") % {"code": code, "row": seen_codes[code]})
        else:
            seen_codes[code] = number
        for column, label in (
            ("text_en", _("the English text is empty.")),
            ("text_it", _("the Italian text is empty.")),
        ):
            if not values[column]:
                error(column, label)
            elif len(values[column]) > 300:
                error(column, _("at most 300 characters."))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            Row(
                values["list"],
                values.get("dimension", ""),
                values.get("strength", ""),
                int(position),
                code,
                values["text_en"],
                values["text_it"],
                values.get("section", ""),
            )
        )
    if not errors:
        result.rows = rows
    return result
