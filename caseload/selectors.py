"""Reads of the caseload dashboard and its export: aggregated per operator in a bounded number of queries.

Every figure is grouped by the assignee in SQL through the direct-FK permission tables
(``ceis.access.assignee_pairs``); nothing is counted row by row in Python. Overdue records are listed by
case code, never by name.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis import access
from groups.models import GroupSession
from interviews.models import Interview
from protection.models import PlanGoal, ProtectionPathway, ResidencePermit
from referrals.models import Referral

ASSESSMENT_DAYS = 30
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
    def label(self):
        return Overdue.LABELS[self.kind]


@dataclass
class OperatorCaseload:
    operator: object
    referrals: dict[tuple[str, str], int] = field(default_factory=dict)  # (status, urgency) -> count
    interviews_this_month: int = 0
    sessions_this_month: int = 0
    pathways: dict[str, int] = field(default_factory=dict)  # phase -> count
    overdue: list[OverdueItem] = field(default_factory=list)

    @property
    def open_referrals(self) -> int:
        return sum(self.referrals.values())

    @property
    def active_pathways(self) -> int:
        return sum(self.pathways.values())

    def referral_rows(self) -> list[tuple[str, list[int]]]:
        """(status label, counts by urgency) in the order of their choices."""
        return [
            (Referral.Status(s).label, [self.referrals.get((s, u), 0) for u in Referral.Urgency.values])
            for s in OPEN_STATUSES
        ]

    def pathway_cells(self) -> list[int]:
        return [self.pathways.get(p, 0) for p in ProtectionPathway.Phase.values]


OPEN_STATUSES = [s for s in Referral.Status.values if s != Referral.Status.CLOSED]


def _month_bounds(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, end


def _held_interviews() -> QuerySet:
    return Interview.objects.exclude(status=Interview.Status.SCHEDULED).filter(held_at__isnull=False)


def open_referrals() -> QuerySet[Referral]:
    # IN (the open statuses) rather than <> 'closed': the index on status serves an IN list, not a <>.
    return Referral.objects.filter(status__in=OPEN_STATUSES)


def referrals_without_interview(now: datetime.datetime | None = None) -> QuerySet[Referral]:
    """Open referrals with no interview held after N days (after fewer when in immediate danger)."""
    now = now or timezone.now()
    late = now - datetime.timedelta(days=settings.CASELOAD_NO_INTERVIEW_DAYS)
    urgent_late = now - datetime.timedelta(days=settings.CASELOAD_URGENT_NO_INTERVIEW_DAYS)
    return (
        open_referrals()
        .filter(~Exists(_held_interviews().filter(referral=OuterRef("pk"))))
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


def caseload_by_operator(now: datetime.datetime | None = None) -> list[OperatorCaseload]:
    """One row per assignable operator; seven queries whatever the number of operators and records."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = _month_bounds(now)
    rows = {op.pk: OperatorCaseload(operator=op) for op in access.operators_assignable()}

    referral_rows = access.assignee_pairs(Referral).filter(user__in=rows.keys())
    pathway_rows = access.assignee_pairs(ProtectionPathway).filter(user__in=rows.keys())

    for r in (
        referral_rows.filter(content_object__status__in=OPEN_STATUSES)
        .values("user", "content_object__status", "content_object__urgency")
        .annotate(n=Count("content_object", distinct=True))
    ):
        rows[r["user"]].referrals[(r["content_object__status"], r["content_object__urgency"])] = r["n"]

    # Driven from the month's interviews (index on held_at), then the assignment rows of their referrals: joining
    # every assignment row to its interviews instead reads the whole permission table (see bench/README.md).
    held = _held_interviews().filter(held_at__gte=start, held_at__lt=end)
    per_referral = (
        held.filter(referral=OuterRef("content_object"))
        .order_by()
        .values("referral")
        .annotate(c=Count("pk"))
        .values("c")
    )
    for r in (
        referral_rows.filter(content_object__in=held.values("referral"))
        .annotate(c=Subquery(per_referral))
        .values("user")
        .annotate(n=Sum("c"))
    ):
        rows[r["user"]].interviews_this_month = r["n"]

    for r in (
        access.assignee_pairs(GroupSession)
        .filter(user__in=rows.keys(), content_object__held_at__gte=start, content_object__held_at__lt=end)
        .values("user")
        .annotate(n=Count("content_object", distinct=True))
    ):
        rows[r["user"]].sessions_this_month = r["n"]

    for r in (
        pathway_rows.filter(content_object__ended_on__isnull=True)
        .values("user", "content_object__phase")
        .annotate(n=Count("content_object", distinct=True))
    ):
        rows[r["user"]].pathways[r["content_object__phase"]] = r["n"]

    # Two queries, one per kind of record, each driven by the (few) overdue records: an IN over a UNION, where
    # an OR of two INs made PostgreSQL filter every assignment row against both lists (bench/README.md). a referral with no interview held cannot be long in assessment
    # (that counts from the first interview held), so one CASE names its reason; a pathway may have both.
    no_interview = referrals_without_interview(now).order_by().values("pk")
    long_assessment = referrals_long_in_assessment(now).order_by().values("pk")
    referral_items = []
    for user_pk, pk, code, no_interview_yet in (
        referral_rows.filter(content_object__in=no_interview.union(long_assessment, all=True))
        .annotate(no_interview_yet=Q(content_object__in=no_interview))
        .values_list("user", "content_object", "content_object__person__case_code", "no_interview_yet")
    ):
        kind = Overdue.NO_INTERVIEW if no_interview_yet else Overdue.LONG_ASSESSMENT
        referral_items.append((not no_interview_yet, code, kind, user_pk, pk))
    for _order, code, kind, user_pk, pk in sorted(referral_items):
        rows[user_pk].overdue.append(OverdueItem(kind=kind, model="referral", pk=pk, case_code=code))
    permit = pathways_with_permit_expiring(today).order_by().values("pk")
    goal = pathways_with_goal_overdue(today).order_by().values("pk")
    pathway_items = []
    for user_pk, pk, code, due_permit, due_goal in (
        pathway_rows.filter(content_object__in=permit.union(goal, all=True))
        .annotate(due_permit=Q(content_object__in=permit), due_goal=Q(content_object__in=goal))
        .values_list("user", "content_object", "content_object__person__case_code", "due_permit", "due_goal")
    ):
        for kind, due in ((Overdue.PERMIT_EXPIRING, due_permit), (Overdue.GOAL_OVERDUE, due_goal)):
            if due:
                pathway_items.append((kind, code, user_pk, pk))
    for kind, code, user_pk, pk in sorted(
        pathway_items, key=lambda item: (item[0] != Overdue.PERMIT_EXPIRING, item[1])
    ):
        rows[user_pk].overdue.append(OverdueItem(kind=kind, model="pathway", pk=pk, case_code=code))
    return list(rows.values())


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
    for pk, username in (
        access.assignee_pairs(Referral)
        .filter(content_object__in=open_referrals().values("pk"))
        .values_list("content_object", "user__username")
        .order_by("user__username")
    ):
        operators[pk].append(username)
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
