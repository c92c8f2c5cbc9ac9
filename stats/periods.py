"""The periods statistics are served for: calendar months, quarters and years (the current ones to date).

No free from/to dates: two free periods that overlap can be subtracted from each other, and every figure is
rounded on the prefixes of its calendar year (``stats.rounding``), so a period is always a run of whole months
of one year. In a URL a period is ``?year=YYYY&part=PART`` with ``PART`` one of ``m01``..``m12``, ``q1``..``q4``
or ``year``. ``from_query`` reads it from a query (and maps old ``from``/``to`` links to the calendar period
they name, if any); a value it cannot use gives the default period and a message, never an error.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIRST_YEAR = 1990

QUARTERS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}
QUARTER_LABELS = {
    1: gettext_lazy("1st quarter (January–March)"),
    2: gettext_lazy("2nd quarter (April–June)"),
    3: gettext_lazy("3rd quarter (July–September)"),
    4: gettext_lazy("4th quarter (October–December)"),
}


@dataclass(frozen=True)
class Period:
    """Months ``first``..``last`` of ``year``: one month, one quarter or the whole year."""

    year: int
    first: int
    last: int

    @property
    def part(self) -> str:
        if self.first == self.last:
            return f"m{self.first:02d}"
        if (self.first, self.last) == (1, 12):
            return "year"
        return f"q{(self.first + 2) // 3}"

    @property
    def kind(self) -> str:
        return {"m": "month", "q": "quarter", "y": "year"}[self.part[0]]

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, self.last, calendar.monthrange(self.year, self.last)[1])

    @property
    def slug(self) -> str:
        """For file names and audit rows: "2025", "2025-q1", "2025-03"."""
        if self.kind == "year":
            return str(self.year)
        if self.kind == "quarter":
            return f"{self.year}-{self.part}"
        return f"{self.year}-{self.first:02d}"

    @property
    def query(self) -> dict[str, str]:
        return {"year": str(self.year), "part": self.part}

    def is_running(self, today: datetime.date | None = None) -> bool:
        """The period has begun and is not over: its figures are to date."""
        today = today or timezone.localdate()
        return self.start <= today <= self.end

    def label(self, today: datetime.date | None = None) -> str:
        if self.kind == "year":
            text = str(self.year)
        elif self.kind == "quarter":
            text = _("%(quarter)s %(year)s") % {"quarter": QUARTER_LABELS[(self.first + 2) // 3], "year": self.year}
        else:
            text = formats.date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.is_running(today):
            text = _("%(period)s, to date") % {"period": text}
        return text


def month(year: int, number: int) -> Period:
    return Period(year, number, number)


def quarter(year: int, number: int) -> Period:
    return Period(year, *QUARTERS[number])


def whole_year(year: int) -> Period:
    return Period(year, 1, 12)


def from_part(year: int, part: str) -> Period | None:
    """The period a ``part`` names in ``year``, or None when it names none."""
    part = (part or "").strip().lower()
    if part in ("year", "y", "anno"):
        return whole_year(year)
    if match := re.fullmatch(r"m(0?[1-9]|1[0-2])", part):
        return month(year, int(match[1]))
    if match := re.fullmatch(r"q([1-4])", part):
        return quarter(year, int(match[1]))
    return None


def of_year(year: int, today: datetime.date | None = None) -> list[Period]:
    """Every period of ``year`` that has begun, months first, then quarters, then the year."""
    today = today or timezone.localdate()
    periods = [month(year, m) for m in range(1, 13)] + [quarter(year, q) for q in range(1, 5)] + [whole_year(year)]
    return [p for p in periods if p.start <= today]


def has_begun(period: Period, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return FIRST_YEAR <= period.year and period.start <= today


def default(today: datetime.date | None = None) -> Period:
    """The current year, to date."""
    return whole_year((today or timezone.localdate()).year)


def from_dates(start: datetime.date, end: datetime.date) -> Period | None:
    """The calendar period exactly [start, end], if there is one (to map links of the free-date days)."""
    if start.year != end.year or start.day != 1:
        return None
    period = Period(start.year, start.month, end.month)
    if period.end != end or period.part not in {p.part for p in of_year(start.year, datetime.date.max)}:
        return None
    return period


def from_query(query) -> tuple[Period, str | None]:
    """The period a GET query asks for, and a message when it was not usable (then the default period)."""
    today = timezone.localdate()
    fallback = default(today)
    year, part = (query.get("year") or "").strip(), (query.get("part") or "").strip()
    if not year and not part:
        if query.get("from") or query.get("to"):
            return _from_old_dates(query, fallback)
        return fallback, None
    if not re.fullmatch(r"[0-9]{4}", year or str(today.year)):
        return fallback, _("Choose a year between %(first)s and %(last)s; showing the current year.") % {
            "first": FIRST_YEAR,
            "last": today.year,
        }
    period = from_part(int(year or today.year), part or "year")
    if period is None:
        return fallback, _("Choose a month, a quarter or the whole year; showing the current year.")
    if not has_begun(period, today):
        return fallback, _("That period has not begun yet (or is before %(first)s); showing the current year.") % {
            "first": FIRST_YEAR
        }
    return period, None


def _from_old_dates(query, fallback: Period) -> tuple[Period, str | None]:
    try:
        start = datetime.date.fromisoformat((query.get("from") or "")[:10])
        end = datetime.date.fromisoformat((query.get("to") or "")[:10])
    except ValueError:
        start = end = None
    period = from_dates(start, end) if start and end else None
    if period is not None and has_begun(period):
        return period, None
    return fallback, _("Statistics are given for calendar months, quarters and years only; showing the current year.")


def choices(today: datetime.date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The parts for the period picker, grouped (months, quarters, the year)."""
    months = [(f"m{m:02d}", formats.date_format(datetime.date(2000, m, 1), "F").capitalize()) for m in range(1, 13)]
    quarters = [(f"q{q}", str(QUARTER_LABELS[q])) for q in range(1, 5)]
    return [
        (_("Whole year"), [("year", _("The whole year"))]),
        (_("Quarters"), quarters),
        (_("Months"), months),
    ]


def years(today: datetime.date | None = None, earliest: int | None = None) -> list[int]:
    today = today or timezone.localdate()
    first = max(FIRST_YEAR, min(earliest or today.year, today.year) if earliest else today.year - 9)
    return list(range(today.year, first - 1, -1))
