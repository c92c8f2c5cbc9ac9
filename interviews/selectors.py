"""Reads on interviews, always through ``ceis.access``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from ceis import access
from referrals.models import Referral

from .models import Indicator, IndicatorAnswer, Interview, InterviewList


def interviews_for(user) -> QuerySet[Interview]:
    return (
        access.visible(Interview, user)
        .select_related("referral__person", "referral__referring_body")
        .prefetch_related("operators_present")
    )


def agenda_for(user, *, mine: bool, days: int = 60) -> QuerySet[Interview]:
    """Upcoming scheduled interviews: the user's own (assigned referral or present), or all she may see."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    qs = interviews_for(user).filter(
        status=Interview.Status.SCHEDULED,
        scheduled_at__gte=start,
        scheduled_at__lt=start + datetime.timedelta(days=days),
    )
    return _mine(qs, user) if mine else qs.order_by("scheduled_at")


def _mine(qs: QuerySet[Interview], user) -> QuerySet[Interview]:
    qs = qs.filter(referral__in=access.assigned_to(Referral, user)) | qs.filter(operators_present=user)
    return qs.distinct().order_by("scheduled_at")


@dataclass(frozen=True)
class AgendaEntry:
    when: datetime.datetime
    interview: Interview
    kind: str  # "interview": scheduled; "appointment": the next appointment set in a held interview


def agenda_entries(user, *, mine: bool, days: int = 60) -> tuple[list[AgendaEntry], list[Interview]]:
    """The agenda: scheduled interviews and next appointments in the window, by time (one query and one
    prefetch); and the drafts of interviews already held, which stay findable until completed."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + datetime.timedelta(days=days)
    scheduled = Q(status=Interview.Status.SCHEDULED, scheduled_at__gte=start, scheduled_at__lt=end)
    appointment = Q(next_appointment__gte=start, next_appointment__lt=end) & ~Q(status=Interview.Status.SCHEDULED)
    draft = Q(status=Interview.Status.DRAFT, held_at__isnull=False)
    qs = interviews_for(user).filter(scheduled | appointment | draft)
    rows = list(_mine(qs, user) if mine else qs)
    entries = []
    for i in rows:
        if i.status == Interview.Status.SCHEDULED:
            entries.append(AgendaEntry(i.scheduled_at, i, "interview"))
        elif i.next_appointment and start <= i.next_appointment < end:
            entries.append(AgendaEntry(i.next_appointment, i, "appointment"))
    drafts = sorted((i for i in rows if i.status == Interview.Status.DRAFT), key=lambda i: i.held_at)
    return sorted(entries, key=lambda e: (e.when, e.interview.pk)), drafts


def interview_with_answers(interview_qs: QuerySet[Interview]) -> QuerySet[Interview]:
    return interview_qs.select_related("referral__person", "mediator_body").prefetch_related(
        "operators_present",
        "exploitation_forms",
        Prefetch("answers", queryset=IndicatorAnswer.objects.select_related("indicator__version")),
        Prefetch("lists", queryset=InterviewList.objects.select_related("version")),
    )


def catalogue(*, audience: str = "", exploitation: str = "", dimension: str = "", status: str = "") -> QuerySet:
    """The indicators of the catalogue page, in list order."""
    qs = Indicator.objects.select_related("version").filter(version__kind="ilo")  # checklists: their versions' pages
    if audience:
        qs = qs.filter(audience=audience)
    if exploitation:
        qs = qs.filter(exploitation=exploitation)
    if dimension:
        qs = qs.filter(dimension=dimension)
    if status == "active":
        qs = qs.filter(active=True)
    elif status == "inactive":
        qs = qs.filter(active=False)
    return qs.order_by("audience", "exploitation", "position", "code")
