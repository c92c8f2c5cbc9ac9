"""Reads on protection pathways, always through ``ceis.access``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ceis import access

from .models import (
    Accommodation,
    DiaryEntry,
    GoalReview,
    JobPlacement,
    LiteracyCourse,
    PhaseChange,
    PlanGoal,
    ProtectionPathway,
    ResidencePermit,
    Training,
)

PERMIT_DUE_DAYS = 60
DIARY_QUIET_DAYS = 30

PHASE_RANK = Case(
    *[When(phase=code, then=Value(i)) for i, code in enumerate(ProtectionPathway.Phase.values)],
    default=Value(0),
    output_field=IntegerField(),
)


def with_due(qs: QuerySet[ProtectionPathway], *, today: datetime.date | None = None) -> QuerySet[ProtectionPathway]:
    """Annotate what is due on each pathway, with subqueries (a constant number of queries per page).

    ``next_permit_expiry``: the earliest coming expiry of a permit not yet renewed nor converted;
    ``last_diary_on``: the date of the latest diary entry; and three flags, true on open pathways only:
    ``due_permit`` (a permit expiring within 60 days), ``due_goal`` (an open goal past its target
    date), ``due_diary`` (no diary entry for 30 days, counting from the start when there is none).
    """
    today = today or timezone.localdate()
    coming_permits = (
        ResidencePermit.objects.filter(pathway=OuterRef("pk"), expires_on__gte=today, converted_to="")
        .exclude(Exists(ResidencePermit.objects.filter(renewal_of=OuterRef("pk"))))
        .order_by("expires_on")
        .values("expires_on")[:1]
    )
    last_entry = DiaryEntry.objects.filter(pathway=OuterRef("pk")).order_by("-written_on").values("written_on")[:1]
    overdue_goals = PlanGoal.objects.filter(pathway=OuterRef("pk"), status=PlanGoal.Status.OPEN, target_date__lt=today)
    is_open = Q(ended_on__isnull=True)
    return (
        qs.annotate(
            next_permit_expiry=Subquery(coming_permits),
            last_diary_on=Subquery(last_entry),
            phase_rank=PHASE_RANK,
        )
        .annotate(
            diary_since=Coalesce("last_diary_on", "started_on"),
        )
        .annotate(
            due_permit=ExpressionWrapper(
                is_open & Q(next_permit_expiry__lte=today + datetime.timedelta(days=PERMIT_DUE_DAYS)),
                output_field=BooleanField(),
            ),
            due_goal=ExpressionWrapper(is_open & Exists(overdue_goals), output_field=BooleanField()),
            due_diary=ExpressionWrapper(
                is_open & Q(diary_since__lte=today - datetime.timedelta(days=DIARY_QUIET_DAYS)),
                output_field=BooleanField(),
            ),
        )
    )


def pathways_for(user, *, mine: bool) -> QuerySet[ProtectionPathway]:
    """Pathways for a list page: the user's own (``mine``) or all she may see, with what is due."""
    qs = access.assigned_to(ProtectionPathway, user) if mine else access.visible(ProtectionPathway, user)
    if mine:
        qs = access.visible(qs, user)
    return with_due(qs).select_related("person")


# --- the timeline ------------------------------------------------------------------------------------


@dataclass
class TimelineItem:
    date: datetime.date
    kind: str
    kind_label: str
    summary: str
    part: str = ""  # the part's name in ``pathway_parts`` URLs ("" when not editable there)
    pk: int | None = None  # the record the edit link opens
    secret_address: str = ""  # set only for the pathway's assigned operators
    rank: int = 0
    edit_url: str = ""  # set by the view for users who may change the pathway
    review_url: str = ""  # for a plan goal: add a dated review

    @property
    def sort_key(self):
        return (self.date, self.rank, self.pk or 0)


def _d(value: datetime.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "…"


def _span(start, end) -> str:
    return (
        _("from %(start)s to %(end)s") % {"start": _d(start), "end": _d(end)}
        if end
        else _("from %(start)s") % {"start": _d(start)}
    )


def _phase_items(pathway) -> list[TimelineItem]:
    items, previous = [], None
    order = ProtectionPathway.Phase.values
    for change in PhaseChange.objects.filter(pathway=pathway).order_by("changed_on", "id"):
        label = ProtectionPathway.Phase(change.phase).label if change.phase in order else change.phase
        if previous is None:
            summary = _("Pathway opened in phase: %(phase)s") % {"phase": label}
        elif order.index(change.phase) < order.index(previous):
            summary = _("Phase moved back to: %(phase)s (correction)") % {"phase": label}
        else:
            summary = _("Phase: %(phase)s") % {"phase": label}
        previous = change.phase
        items.append(TimelineItem(change.changed_on, "phase", _("phase change"), summary, pk=change.pk, rank=0))
    return items


def _goal_items(pathway) -> list[TimelineItem]:
    items = []
    for goal in PlanGoal.objects.filter(pathway=pathway).order_by("id"):
        parts = [f"{goal.get_area_display()}: “{truncatechars(goal.goal, 120)}”"]
        if goal.target_date:
            parts.append(_("target %(date)s") % {"date": _d(goal.target_date)})
        parts.append(goal.get_status_display())
        if not goal.agreed:
            parts.append(_("not agreed with her"))
        if goal.is_overdue:
            parts.append(_("past its target date"))
        items.append(
            TimelineItem(
                timezone.localdate(goal.created_at), "goal", _("plan goal"), " · ".join(parts), "goal", goal.pk, rank=1
            )
        )
    return items


def _review_items(pathway) -> list[TimelineItem]:
    items = []
    reviews = GoalReview.objects.filter(goal__pathway=pathway).select_related("goal").order_by("id")
    for review in reviews:
        summary = _("Review of the goal on %(area)s: %(note)s") % {
            "area": review.goal.get_area_display(),
            "note": truncatechars(review.note, 160),
        }
        items.append(
            TimelineItem(review.reviewed_on, "review", _("goal review"), summary, "goal", review.goal_id, rank=2)
        )
    return items


def _accommodation_items(pathway, *, show_secret: bool) -> list[TimelineItem]:
    qs = Accommodation.objects.filter(pathway=pathway).select_related("facility").order_by("id")
    if not show_secret:
        qs = qs.defer("secret_address")  # never decrypted for anyone else
    items = []
    for stay in qs:
        where = stay.facility.name if stay.facility else stay.facility_name
        summary = " · ".join(p for p in (stay.get_type_display(), where, _span(stay.start, stay.end)) if p)
        item = TimelineItem(stay.start, "accommodation", _("accommodation"), summary, "accommodation", stay.pk, rank=3)
        if show_secret:
            item.secret_address = stay.secret_address
        items.append(item)
    return items


def _literacy_items(pathway) -> list[TimelineItem]:
    items = []
    for course in LiteracyCourse.objects.filter(pathway=pathway).order_by("id"):
        parts = [
            f"{course.provider}: {course.get_level_start_display()} → {course.get_level_now_display()}",
            _span(course.start, course.end),
        ]
        if course.attendance_percent is not None:
            parts.append(_("attendance %(n)s%%") % {"n": course.attendance_percent})
        if course.certificate:
            parts.append(_("certificate obtained"))
        items.append(
            TimelineItem(
                course.start, "literacy", _("literacy course"), " · ".join(parts), "literacy", course.pk, rank=4
            )
        )
    return items


def _training_items(pathway) -> list[TimelineItem]:
    items = []
    for training in Training.objects.filter(pathway=pathway).order_by("id"):
        parts = [
            f"{training.get_kind_display()}: {training.title}",
            training.provider,
            _span(training.start, training.end),
            training.get_outcome_display(),
        ]
        if training.qualification:
            parts.append(training.qualification)
        items.append(
            TimelineItem(training.start, "training", _("training"), " · ".join(parts), "training", training.pk, rank=5)
        )
    return items


def _job_items(pathway) -> list[TimelineItem]:
    items = []
    for job in JobPlacement.objects.filter(pathway=pathway).order_by("id"):
        parts = [f"{job.get_kind_display()}: {job.employer}"]
        if job.sector:
            parts.append(job.sector)
        if job.hours_per_week:
            parts.append(_("%(n)s hours a week") % {"n": job.hours_per_week})
        parts += [_span(job.start, job.end), job.get_outcome_display()]
        items.append(TimelineItem(job.start, "job", _("job placement"), " · ".join(parts), "job", job.pk, rank=6))
    return items


def _permit_items(pathway, *, today: datetime.date) -> list[TimelineItem]:
    items = []
    for permit in ResidencePermit.objects.filter(pathway=pathway).select_related("proposing_body").order_by("id"):
        what = permit.get_type_display()
        if permit.route:
            what = f"{what}, {permit.get_route_display()}"
        if permit.proposing_body:
            what = _("%(permit)s, proposed by %(body)s") % {"permit": what, "body": permit.proposing_body.name}
        expired = bool(permit.expires_on) and permit.expires_on < today
        events = [
            (permit.applied_on, _("%(permit)s: applied for") % {"permit": what}),
            (
                permit.issued_on,
                " · ".join(
                    [_("%(permit)s: issued") % {"permit": what}] + ([_("renewal")] if permit.renewal_of_id else [])
                ),
            ),
            (
                permit.expires_on,
                " · ".join(
                    [(_("%(permit)s: expired") if expired else _("%(permit)s: expires")) % {"permit": what}]
                    + ([_("converted to %(what)s") % {"what": permit.converted_to}] if permit.converted_to else [])
                ),
            ),
        ]
        for date, summary in events:
            if date:
                items.append(TimelineItem(date, "permit", _("residence permit"), summary, "permit", permit.pk, rank=7))
    return items


def _diary_items(pathway) -> list[TimelineItem]:
    return [
        TimelineItem(
            entry.written_on, "diary", _("diary entry"), truncatechars(entry.text, 200), "diary", entry.pk, rank=8
        )
        for entry in DiaryEntry.objects.filter(pathway=pathway).order_by("id")
    ]


def timeline(pathway: ProtectionPathway, *, show_secret: bool = False) -> list[TimelineItem]:
    """Everything beneath the pathway, merged in date order: one query per kind of record.

    The caller has already fetched ``pathway`` through ``ceis.access``; ``show_secret`` is true only
    for the pathway's assigned operators, and only then is an accommodation's secret address read.
    """
    today = timezone.localdate()
    items = [
        *_phase_items(pathway),
        *_goal_items(pathway),
        *_review_items(pathway),
        *_accommodation_items(pathway, show_secret=show_secret),
        *_literacy_items(pathway),
        *_training_items(pathway),
        *_job_items(pathway),
        *_permit_items(pathway, today=today),
        *_diary_items(pathway),
    ]
    return sorted(items, key=lambda item: item.sort_key)
