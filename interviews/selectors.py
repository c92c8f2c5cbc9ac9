"""Reads on interviews, always through ``ceis.access``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from ceis import access
from referrals.models import Referral

from .models import Indicator, IndicatorAnswer, Interview, InterviewList

# Encrypted narratives no list of interviews shows: not read, so not decrypted (an operator's agenda lists
# hundreds of interviews, five ciphertexts each, bench/README.md).
LIST_DEFERRED = (
    "personal_history",
    "safety_notes",
    "assessment",
    "next_steps",
    "referral__reason",
    "referral__closure_note",
    "referral__person__documents",
)


def interviews_for(user) -> QuerySet[Interview]:
    return (
        access.visible(Interview, user)
        .select_related("referral__person", "referral__referring_body")
        .defer(*LIST_DEFERRED)
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
    """Hers: of a referral assigned to her, or with her present; still among those she may see (``qs``).

    The ids come from a ``UNION`` of the two (her referrals' interviews by the referral index, her presences by
    the user index): written as an OR with ``DISTINCT`` over every column, PostgreSQL read every interview
    matching the dates and statuses and de-duplicated wide rows: 2.8 s at N = 100 000 (bench/README.md).
    """
    theirs = Interview.objects.filter(referral__in=access.assigned_to(Referral, user)).order_by().values("pk")
    present = Interview.operators_present.through.objects.filter(user=user).order_by().values("interview_id")
    return qs.filter(pk__in=theirs.union(present)).order_by("scheduled_at")


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
