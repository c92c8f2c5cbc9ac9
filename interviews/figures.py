"""Interview figures for the statistics, counted here so that the statistics module only asks for them."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q

from .models import Interview, InterviewList


def completed_interviews(low: datetime.datetime, high: datetime.datetime) -> tuple[int, int]:
    """Interviews completed in [low, high), and how many of them were assessed with a substitute list.

    One query (index on status, held_at): a substitute is a list used in place of one that was not loaded.
    """
    substitute = InterviewList.objects.filter(interview=OuterRef("pk")).exclude(needed=F("version__exploitation"))
    counts = Interview.objects.filter(status=Interview.Status.COMPLETED, held_at__gte=low, held_at__lt=high).aggregate(
        held=Count("pk"), substituted=Count("pk", filter=Q(Exists(substitute)))
    )
    return counts["held"], counts["substituted"]


def completed_interviews_by_month(low: datetime.datetime, high: datetime.datetime) -> dict[int, tuple[int, int]]:
    """``completed_interviews`` by month number of ``held_at`` (local time), in one query; [low, high) lies
    within one calendar year."""
    from django.db.models.functions import ExtractMonth

    substitute = InterviewList.objects.filter(interview=OuterRef("pk")).exclude(needed=F("version__exploitation"))
    rows = (
        Interview.objects.filter(status=Interview.Status.COMPLETED, held_at__gte=low, held_at__lt=high)
        .annotate(month=ExtractMonth("held_at"))
        .values("month")
        .annotate(held=Count("pk"), substituted=Count("pk", filter=Q(Exists(substitute))))
        .order_by()
    )
    return {int(r["month"]): (r["held"], r["substituted"]) for r in rows}
