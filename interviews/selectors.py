"""Reads on interviews, always through ``ceis.access``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
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


# What the interview list and the agenda show of each interview (a case code, never a name): only these
# columns are read, so no ciphertext is read or decrypted (the agenda lists hundreds of interviews; loading
# the person decrypted five names and numbers for each, bench/README.md).
LISTED = (
    "referral_id",
    "number",
    "status",
    "scheduled_at",
    "held_at",
    "next_appointment",
    "place",
    "mediator_language",
    "referral__person_id",
    "referral__person__case_code",
)


def interviews_for(user) -> QuerySet[Interview]:
    return (
        access.visible(Interview, user)
        .select_related("referral__person", "referral__referring_body")
        .defer(*LIST_DEFERRED)
        .prefetch_related("operators_present")
    )


def _operators() -> QuerySet:
    return get_user_model().objects.only("username", "first_name", "last_name").order_by("username")


def _listed(qs: QuerySet[Interview], *, operators: bool = True) -> QuerySet[Interview]:
    qs = qs.select_related("referral__person").only(*LISTED)
    return qs.prefetch_related(Prefetch("operators_present", queryset=_operators())) if operators else qs


def interview_list(user, *, status: str = "") -> QuerySet[Interview]:
    """Every interview ``user`` may see (of ``status``, if given), most recently held first, then the scheduled
    ones by date: for the list page, to be paginated.

    Read from her referrals first (``access.candidates``): ordered by date over all she may see, PostgreSQL walked
    the whole table backwards by date, checking each interview's permissions, until a page of hers turned up,
    and counted them by reading every interview (230 ms of SQL at N = 100 000, bench/README.md).
    """
    candidates = access.candidates(Referral, user)
    if candidates is None:
        qs = access.visible(Interview, user)
    else:
        # What ``access.visible(Interview, user)`` answers (an interview is visible when its referral is), with the
        # referrals checked first, once each, rather than once per interview.
        referrals = access.visible(Referral.objects.filter(pk__in=candidates), user).order_by().values("pk")
        qs = Interview.objects.filter(referral__in=referrals[:_NO_CASELOAD_IS_THIS_LARGE])
    if status:
        qs = qs.filter(status=status)
    return _listed(qs).order_by("-held_at", "-scheduled_at", "-id")


_NO_CASELOAD_IS_THIS_LARGE = 2**62


def _mine(user, condition: Q) -> QuerySet[Interview]:
    """Hers, of those matching ``condition`` she may see: of a referral assigned to her, or with her present.

    The ids come from a ``UNION`` of two narrow subqueries, each already matching ``condition`` and each already
    within what she may see: the interviews of her referrals (``access.mine``: those she holds ``view_`` on,
    restricted people hidden as ``visible`` hides them), read by the referral index; and those she was present
    at, checked through ``access.visible`` (her presence grants nothing). Written as an OR with ``DISTINCT`` over
    every column, PostgreSQL read every interview matching the dates and statuses and de-duplicated wide rows:
    2.8 s at N = 100 000; with the condition and the visibility checked over the union, it fetched each of her
    ~1 700 interviews by primary key and checked each one's referral again: 36 ms (bench/README.md).
    """
    theirs = Interview.objects.filter(condition, referral__in=access.mine(Referral, user)).order_by().values("pk")
    present = access.visible(Interview, user).filter(condition, operators_present=user).order_by().values("pk")
    return Interview.objects.filter(pk__in=theirs.union(present))


@dataclass(frozen=True)
class AgendaEntry:
    when: datetime.datetime
    interview: Interview
    kind: str  # "interview": scheduled; "appointment": the next appointment set in a held interview


@dataclass(frozen=True)
class Agenda:
    entries: list[AgendaEntry]
    drafts: list[Interview]
    drafts_count: int


AGENDA_DRAFTS = 20


def agenda(user, *, mine: bool, days: int = 60, drafts: int = AGENDA_DRAFTS) -> Agenda:
    """The agenda: scheduled interviews and next appointments in the window, by time; and the drafts of interviews
    already held, which stay on it until completed: the ``drafts`` oldest and how many in all. One query, and one
    for the operators present.

    Drafts are not bounded by the window: an operator had 451, the agenda of the service 117 000 at N = 100 000
    (bench/README.md); the rest are a link away, in the list of interviews. The query numbers the drafts by date
    and keeps the first ones, rather than reading all of them (or her interviews twice, for a second query).
    """
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + datetime.timedelta(days=days)
    scheduled = Q(status=Interview.Status.SCHEDULED, scheduled_at__gte=start, scheduled_at__lt=end)
    appointment = Q(next_appointment__gte=start, next_appointment__lt=end) & ~Q(status=Interview.Status.SCHEDULED)
    draft = Q(status=Interview.Status.DRAFT, held_at__isnull=False)
    wanted = scheduled | appointment | draft
    qs = _mine(user, wanted) if mine else access.visible(Interview, user).filter(wanted)
    # The drafts with no appointment in the window share one partition, numbered by date; every other row is a
    # partition of its own, numbered 1, and kept.
    partition = Case(When(draft & ~appointment, then=Value(0)), default=F("pk"), output_field=BigIntegerField())
    rows = list(
        _listed(qs, operators=False)
        .annotate(
            draft_number=Window(RowNumber(), partition_by=[partition], order_by=[F("held_at").asc(), F("pk").asc()]),
            drafts_count=Window(Sum(Case(When(draft, then=Value(1)), default=Value(0)))),
        )
        .filter(draft_number__lte=drafts)
        .order_by()
    )
    entries = []
    for i in rows:
        if i.status == Interview.Status.SCHEDULED:
            entries.append(AgendaEntry(i.scheduled_at, i, "interview"))
        elif i.next_appointment and start <= i.next_appointment < end:
            entries.append(AgendaEntry(i.next_appointment, i, "appointment"))
    prefetch_related_objects([e.interview for e in entries], Prefetch("operators_present", queryset=_operators()))
    held = sorted((i for i in rows if i.status == Interview.Status.DRAFT), key=lambda i: (i.held_at, i.pk))
    return Agenda(
        entries=sorted(entries, key=lambda e: (e.when, e.interview.pk)),
        drafts=held[:drafts],
        drafts_count=rows[0].drafts_count if rows else 0,
    )


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
