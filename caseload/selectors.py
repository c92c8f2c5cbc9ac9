"""Reads of the caseload dashboard and its export: aggregated per operator in a bounded number of queries.

Every figure is grouped by the assignee in SQL through the direct-FK permission tables
(``ceis.access.assignee_pairs``); nothing is counted row by row in Python. Overdue records are listed by
case code, never by name.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ceis import access
from groups.models import GroupSession
from interviews.models import Interview
from protection.models import PlanGoal, ProtectionPathway, ResidencePermit
from referrals.models import Referral

from . import caseload_snapshots

ASSESSMENT_DAYS = 30
OVERDUE_SHOWN = 5  # overdue records listed per operator on the dashboard; the rest on her own page
PERMIT_DAYS = 30


class Overdue:
    NO_INTERVIEW = "no_interview"
    LONG_ASSESSMENT = "long_assessment"
    PERMIT_EXPIRING = "permit_expiring"
    GOAL_OVERDUE = "goal_overdue"

    LABELS = {
        NO_INTERVIEW: _("no interview yet"),
        LONG_ASSESSMENT: _("in assessment for more than 30 days"),
        PERMIT_EXPIRING: _("permit expiring within 30 days"),
        GOAL_OVERDUE: _("plan goal overdue"),
    }


@dataclass
class OverdueItem:
    kind: str
    model: str  # "referral" or "pathway": what a coordinator reassigns
    pk: int
    case_code: str

    @property
    def label(self) -> str:
        return _labels(get_language())[self.kind]


@dataclass
class OperatorCaseload:
    operator: object
    referrals: dict[tuple[str, str], int] = field(default_factory=dict)  # (status, urgency) -> count
    interviews_this_month: int = 0
    sessions_this_month: int = 0
    pathways: dict[str, int] = field(default_factory=dict)  # phase -> count
    # Counted: every overdue record. Stored (``from_figures``): the first OVERDUE_SHOWN, which is all the
    # dashboard lists, with the counts by kind and in all (the rest are on her own page).
    overdue: list[OverdueItem] = field(default_factory=list)
    overdue_kinds: dict[str, int] | None = None
    overdue_total: int | None = None
    stored_as: str = ""  # the version of the stored figures these come from ("" when counted now)

    def figures(self) -> dict:
        """Everything the dashboard shows but the operator, as JSON (``CaseloadSnapshot.figures``)."""
        return {
            "referrals": [[s, u, n] for (s, u), n in self.referrals.items()],
            "interviews": self.interviews_this_month,
            "sessions": self.sessions_this_month,
            "pathways": self.pathways,
            "overdue": [[i.kind, i.model, i.pk, i.case_code] for i in self.overdue_first()],
            "overdue_kinds": [[kind, n] for kind, n in self._kinds().items()],
            "overdue_total": self.overdue_count,
        }

    @classmethod
    def from_figures(cls, operator, figures: dict, *, stored_as: str = "") -> OperatorCaseload:
        return cls(
            stored_as=stored_as,
            operator=operator,
            referrals={(s, u): n for s, u, n in figures["referrals"]},
            interviews_this_month=figures["interviews"],
            sessions_this_month=figures["sessions"],
            pathways=dict(figures["pathways"]),
            overdue=[OverdueItem(kind=k, model=m, pk=pk, case_code=c) for k, m, pk, c in figures["overdue"]],
            overdue_kinds=dict(figures["overdue_kinds"]),
            overdue_total=figures["overdue_total"],
        )

    @property
    def overdue_count(self) -> int:
        return len(self.overdue) if self.overdue_total is None else self.overdue_total

    def _kinds(self) -> dict[str, int]:
        if self.overdue_kinds is not None:
            return self.overdue_kinds
        counts: dict[str, int] = {}
        for item in self.overdue:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return counts

    @property
    def open_referrals(self) -> int:
        return sum(self.referrals.values())

    @property
    def active_pathways(self) -> int:
        return sum(self.pathways.values())

    def referral_rows(self) -> list[tuple[str, list[int]]]:
        """(status label, counts by urgency) in the order of their choices."""
        labels = _labels(get_language())
        return [(labels[s], [self.referrals.get((s, u), 0) for u in URGENCIES]) for s in OPEN_STATUSES]

    def overdue_counts(self) -> list[tuple[str, int]]:
        """(label, number of records) for each kind of overdue item this operator has."""
        labels = _labels(get_language())
        return [(labels[kind], n) for kind, n in self._kinds().items()]

    def overdue_first(self) -> list[OverdueItem]:
        return self.overdue[:OVERDUE_SHOWN]

    def overdue_more(self) -> int:
        return max(0, self.overdue_count - OVERDUE_SHOWN)

    def pathway_cells(self) -> list[int]:
        return [self.pathways.get(p, 0) for p in PHASES]


OPEN_STATUSES = [s for s in Referral.Status.values if s != Referral.Status.CLOSED]
URGENCIES = list(Referral.Urgency.values)  # ``.values`` walks the enum at every call: once here, not per cell
PHASES = list(ProtectionPathway.Phase.values)
HELD_STATUSES = [s for s in Interview.Status.values if s != Interview.Status.SCHEDULED]


@functools.lru_cache(maxsize=8)
def _labels(language: str | None) -> dict[str, str]:
    """Open statuses and overdue kinds, translated once per language rather than once per operator's card."""
    with translation.override(language):
        return {
            **{s: str(Referral.Status(s).label) for s in OPEN_STATUSES},
            **{kind: str(label) for kind, label in Overdue.LABELS.items()},
        }


def _month_bounds(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def _held_interviews() -> QuerySet:
    return Interview.objects.exclude(status=Interview.Status.SCHEDULED).filter(held_at__isnull=False)


def _scheduled_interviews() -> QuerySet:
    """Interviews booked and not yet recorded: a referral with one is not "without interview" (issue 15). Read
    from the index on (referral, held_at), which carries the status."""
    return Interview.objects.filter(status=Interview.Status.SCHEDULED)


def open_referrals() -> QuerySet[Referral]:
    # IN (the open statuses) rather than <> 'closed': the index on status serves an IN list, not a <>.
    return Referral.objects.filter(status__in=OPEN_STATUSES)


def referrals_without_interview(now: datetime.datetime | None = None) -> QuerySet[Referral]:
    """Open referrals with no interview held nor scheduled after N days (after fewer when in immediate danger)."""
    now = now or timezone.now()
    late = now - datetime.timedelta(days=settings.CASELOAD_NO_INTERVIEW_DAYS)
    urgent_late = now - datetime.timedelta(days=settings.CASELOAD_URGENT_NO_INTERVIEW_DAYS)
    return (
        open_referrals()
        .filter(~Exists(_held_interviews().filter(referral=OuterRef("pk"))))
        .filter(~Exists(_scheduled_interviews().filter(referral=OuterRef("pk"))))
        .filter(Q(received_at__lt=late) | Q(urgency=Referral.Urgency.IMMEDIATE, received_at__lt=urgent_late))
    )


def referrals_long_in_assessment(now: datetime.datetime | None = None) -> QuerySet[Referral]:
    """In assessment for more than 30 days, counted from the first interview held (which moved it there)."""
    now = now or timezone.now()
    return (
        Referral.objects.filter(status=Referral.Status.IN_ASSESSMENT)
        .annotate(assessed_since=Min("interviews__held_at", filter=~Q(interviews__status=Interview.Status.SCHEDULED)))
        .filter(assessed_since__lt=now - datetime.timedelta(days=ASSESSMENT_DAYS))
    )


def pathways_with_permit_expiring(today: datetime.date | None = None) -> QuerySet[ProtectionPathway]:
    today = today or timezone.localdate()
    permits = ResidencePermit.objects.filter(
        pathway=OuterRef("pk"), expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=PERMIT_DAYS)
    )
    return ProtectionPathway.objects.filter(ended_on__isnull=True).filter(Exists(permits))


def pathways_with_goal_overdue(today: datetime.date | None = None) -> QuerySet[ProtectionPathway]:
    today = today or timezone.localdate()
    goals = PlanGoal.objects.filter(pathway=OuterRef("pk"), status=PlanGoal.Status.OPEN, target_date__lt=today)
    return ProtectionPathway.objects.filter(ended_on__isnull=True).filter(Exists(goals))


def caseload_by_operator(now: datetime.datetime | None = None, operators=None) -> list[OperatorCaseload]:
    """One row per operator (``operators``: a page of them; default every assignable operator), each from
    her stored figures when up to date, else counted now (``caseload_snapshots``)."""
    now = now or timezone.now()
    if operators is None:
        operators = access.operators_assignable()
    return caseload_snapshots.caseloads_for(
        list(operators), now, count=lambda *args: count_caseloads(*args), restore=OperatorCaseload.from_figures
    )


def count_caseloads(now: datetime.datetime, operators) -> dict[int, tuple[OperatorCaseload, datetime.datetime]]:
    """Each operator's figures counted now, with the moment they would next change by themselves.

    Four queries whatever the number of operators and records. Each starts from the page's assignment rows
    (the guardian unique index starts with ``user_id``) and hashes them against a small set read from an
    index alone: the service's open referrals, the month's held interviews, its open pathways. Only the
    page's open records are probed further (first interview held, case code); closed ones are never touched,
    though they are most of an operator's assignment rows (bench/README.md).
    """
    today = timezone.localdate(now)
    start, end = _month_bounds(now)
    rows = {op.pk: OperatorCaseload(operator=op) for op in operators}
    if not rows:
        return {}
    # Permits, plan goals and the month's counts change by date: at the next midnight at the latest.
    until = dict.fromkeys(
        rows, timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))
    )

    referral_rows = access.assignee_pairs(Referral).filter(user__in=list(rows))
    pathway_rows = access.assignee_pairs(ProtectionPathway).filter(user__in=list(rows))

    # Open referrals, one row each with its first interview held: the counts by status and urgency, the
    # overdue ones and the moment each would turn overdue come from the same rows. A referral with no
    # interview held is overdue N days after receipt (fewer in immediate danger); one in assessment, 30 days
    # after its first interview held (which moved it there).
    first_held = (
        _held_interviews()
        .filter(referral=OuterRef("content_object"))
        .order_by()
        .values("referral")
        .annotate(first=Min("held_at"))
        .values("first")
    )
    no_interview = datetime.timedelta(days=settings.CASELOAD_NO_INTERVIEW_DAYS)
    urgent_no_interview = datetime.timedelta(days=settings.CASELOAD_URGENT_NO_INTERVIEW_DAYS)
    assessment = datetime.timedelta(days=ASSESSMENT_DAYS)
    referral_items = []
    for user_pk, pk, status, urgency, received_at, first, booked, code in (
        referral_rows.filter(content_object__status__in=OPEN_STATUSES)
        .annotate(
            first_held=Subquery(first_held),
            booked=Exists(_scheduled_interviews().filter(referral=OuterRef("content_object"))),
        )
        .values_list(
            "user",
            "content_object",
            "content_object__status",
            "content_object__urgency",
            "content_object__received_at",
            "first_held",
            "booked",
            "content_object__person__case_code",
        )
    ):
        counts = rows[user_pk].referrals
        counts[(status, urgency)] = counts.get((status, urgency), 0) + 1
        if first is None and booked:
            continue  # an interview is scheduled: not late for want of one (a status change refreshes this)
        if first is None:
            kind, deadline = Overdue.NO_INTERVIEW, received_at + no_interview
            if urgency == Referral.Urgency.IMMEDIATE:
                deadline = min(deadline, received_at + urgent_no_interview)
        elif status == Referral.Status.IN_ASSESSMENT:
            kind, deadline = Overdue.LONG_ASSESSMENT, first + assessment
        else:
            continue
        if deadline < now:
            referral_items.append((kind != Overdue.NO_INTERVIEW, code, kind, user_pk, pk))
        else:
            until[user_pk] = min(until[user_pk], deadline)
    for _order, code, kind, user_pk, pk in sorted(referral_items):
        rows[user_pk].overdue.append(OverdueItem(kind=kind, model="referral", pk=pk, case_code=code))

    # The month's held interviews of the page's referrals, closed ones included: the interviews come from the
    # covering index on held_at and are hashed against the assignment rows (one probe per assignment row into
    # the interviews read ~8x more index pages at N = 100 000 for a page of 25).
    for user_pk, n in (
        referral_rows.filter(
            content_object__interviews__held_at__gte=start,
            content_object__interviews__held_at__lt=end,
            content_object__interviews__status__in=HELD_STATUSES,
        )
        .values("user")
        .annotate(n=Count("*"))
        .values_list("user", "n")
    ):
        rows[user_pk].interviews_this_month = n

    for r in (
        access.assignee_pairs(GroupSession)
        .filter(
            user__in=list(rows),
            content_object__status=GroupSession.Status.HELD,
            content_object__held_at__gte=start,
            content_object__held_at__lt=end,
        )
        .values("user")
        .annotate(n=Count("content_object", distinct=True))
    ):
        rows[r["user"]].sessions_this_month = r["n"]

    # Open pathways, one row each with its two overdue flags. Each flag is the first matching row (a scalar
    # subquery) rather than an EXISTS: PostgreSQL may hash an EXISTS by reading every overdue goal of the
    # service; a scalar subquery is one index probe per open pathway of the page.
    permit = (
        ResidencePermit.objects.filter(
            pathway=OuterRef("content_object"),
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=PERMIT_DAYS),
        )
        .order_by()
        .values("pk")[:1]
    )
    goal = (
        PlanGoal.objects.filter(pathway=OuterRef("content_object"), status=PlanGoal.Status.OPEN, target_date__lt=today)
        .order_by()
        .values("pk")[:1]
    )
    pathway_items = []
    for user_pk, pk, phase, due_permit, due_goal, code in (
        pathway_rows.filter(content_object__ended_on__isnull=True)
        .annotate(due_permit=Subquery(permit), due_goal=Subquery(goal))
        .values_list(
            "user",
            "content_object",
            "content_object__phase",
            "due_permit",
            "due_goal",
            "content_object__person__case_code",
        )
    ):
        counts = rows[user_pk].pathways
        counts[phase] = counts.get(phase, 0) + 1
        for kind, due in ((Overdue.PERMIT_EXPIRING, due_permit), (Overdue.GOAL_OVERDUE, due_goal)):
            if due is not None:
                pathway_items.append((kind != Overdue.PERMIT_EXPIRING, code, kind, user_pk, pk))
    for _order, code, kind, user_pk, pk in sorted(pathway_items):
        rows[user_pk].overdue.append(OverdueItem(kind=kind, model="pathway", pk=pk, case_code=code))
    return {pk: (caseload, until[pk]) for pk, caseload in rows.items()}


@dataclass
class CaseloadLine:
    referral: Referral
    operators: list[str]
    flags: list[str]


def caseload_lines(now: datetime.datetime | None = None) -> list[CaseloadLine]:
    """Open referrals for the CSV export, with their operators and overdue flags (five queries)."""
    now = now or timezone.now()
    referrals = list(open_referrals().select_related("person").order_by("received_at", "pk"))
    no_interview = set(referrals_without_interview(now).values_list("pk", flat=True))
    long_assessment = set(referrals_long_in_assessment(now).values_list("pk", flat=True))
    operators: dict[int, list[str]] = defaultdict(list)
    for pk, first, last, username in (
        access.assignee_pairs(Referral)
        .filter(content_object__in=open_referrals().values("pk"))
        .values_list("content_object", "user__first_name", "user__last_name", "user__username")
        .order_by("user__last_name", "user__first_name", "user__username")
    ):
        operators[pk].append(f"{first} {last}".strip() or username)
    lines = []
    for r in referrals:
        flags = [
            kind
            for kind, pks in ((Overdue.NO_INTERVIEW, no_interview), (Overdue.LONG_ASSESSMENT, long_assessment))
            if r.pk in pks
        ]
        lines.append(CaseloadLine(referral=r, operators=operators[r.pk], flags=flags))
    return lines


@dataclass
class AssignedRecord:
    model: str
    pk: int
    case_code: str
    detail: str


def records_of(operator) -> list[AssignedRecord]:
    """The operator's open referrals and active pathways, by case code (two queries)."""
    referrals = (
        access.assigned_to(Referral, operator)
        .exclude(status=Referral.Status.CLOSED)
        .select_related("person")
        .order_by("person__case_code")
    )
    pathways = (
        access.assigned_to(ProtectionPathway, operator)
        .filter(ended_on__isnull=True)
        .select_related("person")
        .order_by("person__case_code")
    )
    return [
        *(AssignedRecord("referral", r.pk, r.person.case_code, r.get_status_display()) for r in referrals),
        *(AssignedRecord("pathway", p.pk, p.person.case_code, p.get_phase_display()) for p in pathways),
    ]
