"""Counting the statistics of a period: raw, unsuppressed counts keyed by codes, what a snapshot stores.

Nothing here is ever shown as it is: ``stats.selectors.statistics`` labels and suppresses the counts on the
way out. Kept apart from the selectors so that the snapshots (which count) and the selectors (which read the
snapshots) import this module and not each other.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from protection.service_referrals import figures as service_stats


def _marginals(groups: list[dict], fields: tuple[str, ...], measure: str = "n") -> dict[str, dict]:
    """Per field, the sum of ``measure`` by value, from rows grouped by every field at once (one query).

    Each record is in exactly one group (the fields are single-valued), so each marginal is exact.
    """
    out: dict[str, dict] = {f: {} for f in fields}
    for row in groups:
        for f in fields:
            out[f][row[f]] = out[f].get(row[f], 0) + (row[measure] or 0)
    return out


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    # A period is kept within plausible dates where it is asked for; clamped here too, so no caller overflows.
    start, end = max(start, datetime.date(1900, 1, 1)), min(end, datetime.date(2100, 12, 31))
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def count(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Raw counts for [start, end], keyed by codes only (no labels, no language): what a snapshot stores.

    Eleven queries whatever the period (one for the services requested): each population is read once, grouped
    by all its single-valued breakdowns together (the marginals are summed here), with conditional counts for the
    SIRIT stages.
    Every key is a string (JSON), an unrecorded value is "".
    """
    from groups.models import GroupSession
    from interviews.figures import completed_interviews
    from protection.models import Accommodation, JobPlacement, LiteracyCourse, ProtectionPathway, Training
    from referrals.models import Person, Referral

    low, high = _bounds(start, end)
    referrals = Referral.objects.filter(received_at__gte=low, received_at__lt=high)
    year = end.year
    age_band = Case(
        When(birth_year__isnull=True, then=Value("unknown")),
        When(birth_year__gt=year - 18, then=Value("under_18")),
        When(birth_year__gt=year - 25, then=Value("18_24")),
        When(birth_year__gt=year - 35, then=Value("25_34")),
        default=Value("35_plus"),
        output_field=CharField(),
    )

    # 1. Interviews completed in the period (index on held_at).
    interviews_held, interviews_substituted = completed_interviews(low, high)  # and those with a substitute list

    # 2. Group sessions by host centre, with the people reached (each attendance row joins one session).
    session_groups = list(
        GroupSession.objects.filter(held_at__gte=low, held_at__lt=high)
        .values("host_centre__name")
        .annotate(n=Count("id", distinct=True), reached=Sum("attendance__count"))
        .order_by()
    )

    # 3. Pathways: open in the period, closed in it, and the SIRIT stages, grouped by phase, basis and reason.
    active = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    closed_q = Q(ended_on__gte=start, ended_on__lte=end)
    new_q = Q(started_on__gte=start, started_on__lte=end)
    ongoing_q = Q(started_on__lt=start) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    pathway_groups = list(
        ProtectionPathway.objects.filter(active | closed_q | new_q | ongoing_q)
        .values("phase", "legal_basis", "closure_reason")
        .annotate(
            open=Count("id", filter=active),
            closed=Count("id", filter=closed_q),
            new=Count("id", filter=new_q),
            ongoing=Count("id", filter=ongoing_q),
        )
        .order_by()
    )

    # 4-7. Accommodation, literacy, training and jobs overlapping the period.
    overlapping = Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gte=start))
    literacy = LiteracyCourse.objects.filter(overlapping).annotate(
        got=Case(When(certificate=True, then=Value("1")), default=Value("0"), output_field=CharField())
    )

    # 8. Referrals received, grouped by every single-valued breakdown at once.
    referral_fields = ("referring_body__kind", "month", "channel", "urgency", "outcome")
    referral_groups = [
        {**g, "month": g["month"].strftime("%Y-%m") if g["month"] else None}
        for g in referrals.annotate(month=TruncMonth("received_at"))
        .values(*referral_fields)
        .annotate(n=Count("*"))  # not "id": the covering index on received_at then holds every column read
        .order_by()
    ]

    # 9. Forms of exploitation (a referral may have several: its own query).
    # Counted on the link table: a referral has each form at most once (unique pair), so no DISTINCT.
    exploitation = {
        g["exploitationform__code"]: g["n"]
        for g in Referral.exploitation_forms.through.objects.filter(
            referral__received_at__gte=low, referral__received_at__lt=high
        )
        .values("exploitationform__code")
        .annotate(n=Count("*"))
        .order_by()
    }

    # 10. People with a referral received in the period (each once), by gender, age band, nationality and minority.
    person_groups = list(
        Person.objects.filter(Exists(referrals.filter(person=OuterRef("pk"))))
        .annotate(
            band=age_band,
            is_minor=Case(
                When(Q(minor=True) | Q(birth_year__gt=year - 18), then=Value("1")),
                default=Value("0"),
                output_field=CharField(),
            ),
        )
        .values("gender", "band", "nationality", "is_minor")
        .annotate(n=Count("id"))
        .order_by()
    )

    return _keyed(
        {
            "interviews_held": interviews_held,
            "interviews_substituted": interviews_substituted,
            "sessions": sum(g["n"] for g in session_groups),
            "reached": sum(g["reached"] or 0 for g in session_groups),
            "sessions_by_host": {g["host_centre__name"]: g["n"] for g in session_groups},
            "pathways": {k: sum(g[k] for g in pathway_groups) for k in ("new", "ongoing", "closed")},
            "pathways_open_by": _marginals(pathway_groups, ("phase", "legal_basis"), "open"),
            "pathways_closed_by": _marginals(pathway_groups, ("closure_reason",), "closed"),
            "accommodation": _counts(Accommodation.objects.filter(overlapping), "type"),
            "literacy": _counts(literacy, "got"),
            "training": _counts(Training.objects.filter(overlapping), "outcome"),
            "jobs": _counts(JobPlacement.objects.filter(overlapping), "outcome"),
            "referrals": sum(g["n"] for g in referral_groups),
            "referrals_by": _marginals(referral_groups, referral_fields),
            "exploitation": exploitation,
            "people": sum(g["n"] for g in person_groups),
            "people_by": _marginals(person_groups, ("gender", "band", "nationality", "is_minor")),
            "services": service_stats.count(start, end),
        }
    )


def _counts(queryset, field: str) -> dict:
    """One GROUP BY query: {value: number of records}."""
    return {item[field]: item["n"] for item in queryset.values(field).annotate(n=Count("id")).order_by()}


def _keyed(value):
    """The counts with every mapping key a string ("" for an unrecorded value), as JSON will hold them."""
    if isinstance(value, dict):
        return {("" if k is None else str(k)): _keyed(v) for k, v in value.items()}
    return value
