"""Reads on group sessions, always through ``ceis.access``."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_countries import countries

from ceis import access
from referrals.models import Person, Referral

from .models import AttendanceRow, GroupSession, SessionReferral

# What the list and the agenda show of a session (the host centre: its name).
SHOWN = ("held_at", "status", "host_centre", "place")


def _people() -> Subquery:
    # A subquery, not Sum("attendance__count"): without the join and its GROUP BY, the paginator counts the
    # sessions alone and PostgreSQL walks the date index for a page, summing the attendance of those 25 only.
    return Subquery(
        AttendanceRow.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Sum("count"))
        .values("n"),
        output_field=IntegerField(),
    )


def _follow_up_count() -> Subquery:
    return Subquery(
        SessionReferral.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def sessions_for(user, *, mine: bool) -> QuerySet[GroupSession]:
    """Sessions for a list page: those the user facilitates (``mine``) or all she may see.

    Each carries ``people`` (attendance total) and ``follow_up_count``; its languages and topics are
    prefetched as ``languages_listed`` and ``topics_listed``, so a page costs the same few queries whatever
    its length.

    Her own sessions are exactly those she holds ``view_`` on (``access.mine``): no second filter through
    ``visible``, whose OR of user and group rows PostgreSQL can only apply to every session.
    """
    qs = access.mine(GroupSession, user) if mine else access.visible(GroupSession, user)
    return (
        qs.select_related("host_centre")
        .only(*SHOWN, "host_centre__name")
        # As lists (``to_attr``): Django then builds no related manager and queryset per session.
        .prefetch_related(
            Prefetch("languages", to_attr="languages_listed"), Prefetch("topics", to_attr="topics_listed")
        )
        .annotate(people=Coalesce(_people(), 0), follow_up_count=Coalesce(_follow_up_count(), 0))
        .order_by("-held_at", "-id")
    )


def facilitator_names(sessions) -> dict[int, list[str]]:
    """The names of each session's facilitators (full name, else username), by username, in one query.

    ``access.assignees`` with names only: no user built per row (the list shows nothing else of them).
    """
    rows = (
        access.assignee_pairs(GroupSession)
        .filter(content_object__in=[s.pk for s in sessions])
        .order_by("user__username")
        .values_list("content_object_id", "user__first_name", "user__last_name", "user__username")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for pk, first, last, username in rows:
        names[pk].append(f"{first} {last}".strip() or username)
    return names


@dataclass
class Day:
    date: datetime.date
    sessions: list[GroupSession] = field(default_factory=list)


def upcoming_for(user, *, mine: bool, days: int = 60) -> list[Day]:
    """Sessions planned (or held already today) from the start of today for ``days`` days, grouped by local
    day, soonest first; cancelled ones are left out."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    qs = (
        sessions_for(user, mine=mine)
        .exclude(status=GroupSession.Status.CANCELLED)
        .filter(held_at__gte=start, held_at__lt=start + datetime.timedelta(days=days))
        .order_by("held_at", "id")
    )
    return [
        Day(date=day, sessions=list(group))
        for day, group in groupby(qs, key=lambda s: timezone.localtime(s.held_at).date())
    ]


def session_for_page(user, pk, *, action: str = "view") -> GroupSession:
    """One session with what its page shows, or 404."""
    qs = GroupSession.objects.select_related("host_centre").prefetch_related("languages", "topics", "materials")
    return access.get_visible(qs, user, action=action, pk=pk)


def attendance_rows(session: GroupSession) -> list[AttendanceRow]:
    return list(session.attendance.select_related("language"))


@dataclass(frozen=True)
class Totals:
    """People reached by a session: in all, by gender and by nationality (largest first)."""

    total: int
    by_gender: list[tuple[str, int]]
    by_nationality: list[tuple[str, int]]


def attendance_totals(rows: list[AttendanceRow]) -> Totals:
    genders: Counter[str] = Counter()
    nationalities: Counter[str] = Counter()
    for row in rows:
        genders[row.gender] += row.count
        nationalities[row.nationality.code] += row.count
    gender_labels = dict(Person.Gender.choices)
    return Totals(
        total=sum(genders.values()),
        by_gender=[(str(gender_labels[g]), n) for g, n in sorted(genders.items(), key=lambda kv: (-kv[1], kv[0]))],
        by_nationality=[
            (countries.name(code), n) for code, n in sorted(nationalities.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    )


@dataclass(frozen=True)
class FollowUp:
    """A referral the session led to; ``visible`` says whether the user may open it."""

    referral: Referral
    visible: bool


def follow_ups_of(session: GroupSession, user) -> list[FollowUp]:
    referrals = [
        link.referral
        for link in session.follow_ups.select_related("referral__person").order_by("referral__received_at", "pk")
    ]
    if not referrals:
        return []
    ids = [r.pk for r in referrals]
    visible = set(access.visible(Referral.objects.filter(pk__in=ids), user).values_list("pk", flat=True))
    if not access.sees_restricted(user):  # a restricted person's case code is not shown either, not even unlinked
        shown = set(access.without_restricted(Referral.objects.filter(pk__in=ids)).values_list("pk", flat=True))
        referrals = [r for r in referrals if r.pk in shown]
    return [FollowUp(referral=r, visible=r.pk in visible) for r in referrals]
