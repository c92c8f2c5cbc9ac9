"""Counting the statistics of a period: raw, unsuppressed counts keyed by codes, what a snapshot stores.

Nothing here is ever shown as it is: ``stats.selectors.statistics`` labels and suppresses the counts on the
way out. Kept apart from the selectors so that the snapshots (which count) and the selectors (which read the
snapshots) import this module and not each other.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from protection.service_referrals import figures as service_stats


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def _month(value) -> int:
    """The month number of an ``ExtractMonth`` value (in the current time zone: Django's ``tzinfo`` default).

    Months are extracted in SQL as numbers rather than truncated to datetimes: thousands of grouped rows a year
    would otherwise each be converted to an aware datetime in Python (a third of a year's count, bench/README.md).
    """
    return int(value)


def _first_active_month(start_field: str, year_start: datetime.date):
    """The month a record with a start date is counted in: January if it began before the year, else its start."""
    return Case(
        When(**{f"{start_field}__lt": year_start}, then=Value(1)),
        default=ExtractMonth(start_field),
        output_field=IntegerField(),
    )


def empty() -> dict[str, Any]:
    """The counts of a month with nothing in it (the shape ``count_months`` gives every month)."""
    return {
        "interviews_held": 0,
        "interviews_substituted": 0,
        "sessions": 0,
        "reached": 0,
        "sessions_by_host": {},
        "pathways": {"new": 0, "ongoing": 0, "closed": 0},
        "pathways_open_by": {"phase": {}, "legal_basis": {}},
        "pathways_closed_by": {"closure_reason": {}},
        "accommodation": {},
        "literacy": {},
        "training": {},
        "jobs": {},
        "referrals": 0,
        "referrals_by": {f: {} for f in REFERRAL_FIELDS},
        "exploitation": {},
        "people": 0,
        "people_by": {f: {} for f in PERSON_FIELDS},
        "services": {"total": 0, "by_type": {}, "by_status": {}},
    }


REFERRAL_FIELDS = ("referring_body__kind", "month", "channel", "urgency", "outcome")
PERSON_FIELDS = ("gender", "band", "nationality", "is_minor")


def _add(target: dict, key, n: int) -> None:
    key = "" if key is None else str(key)
    target[key] = target.get(key, 0) + (n or 0)


def count_months(year: int, first: int, last: int) -> dict[int, dict[str, Any]]:
    """Raw counts of each month ``first``..``last`` of ``year``, keyed by codes only: what a snapshot stores.

    Every measure is a flow within the calendar year, so that a quarter or the year is the sum of its months:
    referrals, interviews, sessions, closures and services in the month they happened; a person in the month
    of her first referral of the year; a pathway, accommodation, course, training or job in the first month
    of the year it was active (January when it began before the year, else the month it began), a pathway
    begun before the year being "ongoing" and one begun in it "new". A period's figures are then exact sums
    of month snapshots (counted once, marked stale one month at a time).

    Twelve queries whatever the number of months (one for the services requested): each population is read
    once, grouped by month and by all its single-valued breakdowns together.
    Every key is a string (JSON), an unrecorded value is "".
    """
    from groups.models import GroupSession
    from interviews.figures import completed_interviews_by_month
    from protection.models import Accommodation, JobPlacement, LiteracyCourse, ProtectionPathway, Training
    from referrals.models import Referral

    year_start = datetime.date(year, 1, 1)
    start = datetime.date(year, first, 1)
    end = datetime.date(year, last, calendar.monthrange(year, last)[1])
    low, high = _bounds(start, end)
    year_low, year_high = _bounds(year_start, datetime.date(year, 12, 31))
    out = {m: empty() for m in range(first, last + 1)}

    # 1. Interviews completed (index on status, held_at), and those assessed with a substitute list.
    for number, (held, substituted) in completed_interviews_by_month(low, high).items():
        out[number]["interviews_held"] += held
        out[number]["interviews_substituted"] += substituted

    # 2. Group sessions by host centre, with the people reached (each attendance row joins one session).
    for g in (
        GroupSession.objects.filter(status=GroupSession.Status.HELD, held_at__gte=low, held_at__lt=high)
        .annotate(m=ExtractMonth("held_at"))
        .values("m", "host_centre__name")
        .annotate(n=Count("id", distinct=True), reached=Sum("attendance__count"))
        .order_by()
    ):
        month = out[_month(g["m"])]
        month["sessions"] += g["n"]
        month["reached"] += g["reached"] or 0
        _add(month["sessions_by_host"], g["host_centre__name"], g["n"])

    # 3. Pathways active in the year, counted in their first active month (by phase and legal basis) ...
    begun = Q(started_on__gte=start, started_on__lte=end)
    carried = Q(started_on__lt=year_start) & (Q(ended_on__isnull=True) | Q(ended_on__gte=year_start))
    for g in (
        ProtectionPathway.objects.filter(begun | carried if first == 1 else begun)
        .annotate(m=_first_active_month("started_on", year_start))
        .values("m", "phase", "legal_basis")
        .annotate(new=Count("id", filter=Q(started_on__gte=year_start)), ongoing=Count("id", filter=carried))
        .order_by()
    ):
        month = out[g["m"]]
        month["pathways"]["new"] += g["new"]
        month["pathways"]["ongoing"] += g["ongoing"]
        _add(month["pathways_open_by"]["phase"], g["phase"], g["new"] + g["ongoing"])
        _add(month["pathways_open_by"]["legal_basis"], g["legal_basis"], g["new"] + g["ongoing"])
    # ... and closed in the month, by reason.
    for g in (
        ProtectionPathway.objects.filter(ended_on__gte=start, ended_on__lte=end)
        .annotate(m=ExtractMonth("ended_on"))
        .values("m", "closure_reason")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out[g["m"]]["pathways"]["closed"] += g["n"]
        _add(out[g["m"]]["pathways_closed_by"]["closure_reason"], g["closure_reason"], g["n"])

    # 4-7. Accommodation, literacy, training and jobs: in the first month of the year they were active.
    active = Q(start__gte=start, start__lte=end)
    if first == 1:
        active |= Q(start__lt=year_start) & (Q(end__isnull=True) | Q(end__gte=year_start))
    literacy_got = Case(When(certificate=True, then=Value("1")), default=Value("0"), output_field=CharField())
    for key, queryset, field in (
        ("accommodation", Accommodation.objects.all(), "type"),
        ("literacy", LiteracyCourse.objects.annotate(got=literacy_got), "got"),
        ("training", Training.objects.all(), "outcome"),
        ("jobs", JobPlacement.objects.all(), "outcome"),
    ):
        for g in (
            queryset.filter(active)
            .annotate(m=_first_active_month("start", year_start))
            .values("m", field)
            .annotate(n=Count("id"))
            .order_by()
        ):
            _add(out[g["m"]][key], g[field], g["n"])

    # 8. Referrals received, grouped by month and every single-valued breakdown at once.
    referrals = Referral.objects.filter(received_at__gte=low, received_at__lt=high)
    for g in (
        referrals.annotate(m=ExtractMonth("received_at"))
        .values("m", "referring_body__kind", "channel", "urgency", "outcome")
        .annotate(n=Count("*"))  # not "id": the covering index on received_at then holds every column read
        .order_by()
    ):
        number = _month(g["m"])
        month = out[number]
        month["referrals"] += g["n"]
        g["month"] = f"{year}-{number:02d}"
        for f in REFERRAL_FIELDS:
            _add(month["referrals_by"][f], g[f], g["n"])

    # 9. Forms of exploitation (a referral may have several: its own query, on the link table).
    for g in (
        Referral.exploitation_forms.through.objects.filter(
            referral__received_at__gte=low, referral__received_at__lt=high
        )
        .annotate(m=ExtractMonth("referral__received_at"))
        .values("m", "exploitationform__code")
        .annotate(n=Count("*"))
        .order_by()
    ):
        _add(out[_month(g["m"])]["exploitation"], g["exploitationform__code"], g["n"])

    # 10. People, each once a year: in the month of her first referral of the year. That referral is the one
    # with no earlier referral of hers in the year (the lower id first among referrals of the same instant):
    # one anti-join over the year's referrals, rather than the first referral looked up per person.
    earlier_in_year = Referral.objects.filter(person=OuterRef("person"), received_at__gte=year_low).filter(
        Q(received_at__lt=OuterRef("received_at")) | Q(received_at=OuterRef("received_at"), pk__lt=OuterRef("pk"))
    )
    age_band = Case(
        When(person__birth_year__isnull=True, then=Value("unknown")),
        When(person__birth_year__gt=year - 18, then=Value("under_18")),
        When(person__birth_year__gt=year - 25, then=Value("18_24")),
        When(person__birth_year__gt=year - 35, then=Value("25_34")),
        default=Value("35_plus"),
        output_field=CharField(),
    )
    for g in (
        referrals.filter(~Exists(earlier_in_year))
        .annotate(
            m=ExtractMonth("received_at"),
            gender=F("person__gender"),
            nationality=F("person__nationality"),
            band=age_band,
            is_minor=Case(
                When(Q(person__minor=True) | Q(person__birth_year__gt=year - 18), then=Value("1")),
                default=Value("0"),
                output_field=CharField(),
            ),
        )
        .values("m", *PERSON_FIELDS)
        .annotate(n=Count("*"))
        .order_by()
    ):
        month = out[_month(g["m"])]
        month["people"] += g["n"]
        for f in PERSON_FIELDS:
            _add(month["people_by"][f], g[f], g["n"])

    # 11. Services requested.
    for number, services in service_stats.count_by_month(start, end).items():
        out[number]["services"] = _keyed(services)

    return out


def count(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Raw counts of whole months of one year, [start, end]: the sum of the months (for tests and checks)."""
    return add(*count_months(start.year, start.month, end.month).values())


def add(*months: dict[str, Any]) -> dict[str, Any]:
    """The sum of months' counts, key by key (every measure is additive over the months of a year)."""
    total = empty()

    def merge(target: dict, source: dict) -> None:
        for key, value in source.items():
            if isinstance(value, dict):
                merge(target.setdefault(key, {}), value)
            else:
                target[key] = target.get(key, 0) + value

    for month in months:
        merge(total, month)
    return total


def _counts(queryset, field: str) -> dict:
    """One GROUP BY query: {value: number of records}."""
    return {item[field]: item["n"] for item in queryset.values(field).annotate(n=Count("id")).order_by()}


def _keyed(value):
    """The counts with every mapping key a string ("" for an unrecorded value), as JSON will hold them."""
    if isinstance(value, dict):
        return {("" if k is None else str(k)): _keyed(v) for k, v in value.items()}
    return value
