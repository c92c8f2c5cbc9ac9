"""Reads on protection pathways, always through ``ceis.access``."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ceis import access

from .models import (
    Accommodation,
    DiaryEntry,
    JobPlacement,
    LiteracyCourse,
    PhaseChange,
    PlanGoal,
    ProtectionPathway,
    ResidencePermit,
    Training,
)
from .timeline import TimelineItem

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
    coming_permits = _coming_permits(today)
    last_entry = DiaryEntry.objects.filter(pathway=OuterRef("pk")).order_by("-written_on").values("written_on")[:1]
    overdue_goals = PlanGoal.objects.filter(pathway=OuterRef("pk"), status=PlanGoal.Status.OPEN, target_date__lt=today)
    is_open = Q(ended_on__isnull=True)
    return (
        qs.annotate(
            next_permit_expiry=Subquery(coming_permits),
            last_diary_on=Subquery(last_entry),
            phase_rank=PHASE_RANK,
            first_overdue_goal=Subquery(overdue_goals.order_by().values("pk")[:1]),  # any one: no sort
        )
        .annotate(
            diary_since=Coalesce("last_diary_on", "started_on"),
        )
        .annotate(
            due_permit=ExpressionWrapper(
                is_open & Q(next_permit_expiry__lte=today + datetime.timedelta(days=PERMIT_DUE_DAYS)),
                output_field=BooleanField(),
            ),
            # A scalar subquery rather than ``Exists``: PostgreSQL would hash every overdue goal of the service to
            # answer it for a page of 25 pathways (its row estimate ignores the LIMIT); this probes the
            # (pathway, status, target date) index once per row it returns.
            due_goal=ExpressionWrapper(
                is_open & Q(first_overdue_goal__isnull=False),
                output_field=BooleanField(),
            ),
            due_diary=ExpressionWrapper(
                is_open & Q(diary_since__lte=today - datetime.timedelta(days=DIARY_QUIET_DAYS)),
                output_field=BooleanField(),
            ),
        )
    )


def _coming_permits(today: datetime.date) -> QuerySet[ResidencePermit]:
    """The earliest coming expiry of a permit of the pathway not yet renewed nor converted."""
    return (
        ResidencePermit.objects.filter(pathway=OuterRef("pk"), expires_on__gte=today, converted_to="")
        .exclude(Exists(ResidencePermit.objects.filter(renewal_of=OuterRef("pk"))))
        .order_by("expires_on")
        .values("expires_on")[:1]
    )


def with_permit_due(qs: QuerySet[ProtectionPathway]) -> QuerySet[ProtectionPathway]:
    """``with_due``'s ``next_permit_expiry`` and ``due_permit`` alone, for the pathway's page (the only ones it
    shows): the database plans two subqueries instead of six."""
    today = timezone.localdate()
    return qs.annotate(next_permit_expiry=Subquery(_coming_permits(today))).annotate(
        due_permit=ExpressionWrapper(
            Q(ended_on__isnull=True, next_permit_expiry__lte=today + datetime.timedelta(days=PERMIT_DUE_DAYS)),
            output_field=BooleanField(),
        )
    )


def pathways_for(user, *, mine: bool) -> QuerySet[ProtectionPathway]:
    """Pathways for a list page: the user's own (``mine``) or all she may see, with what is due."""
    qs = access.mine(ProtectionPathway, user) if mine else access.visible(ProtectionPathway, user)
    # Of the person, only her case code: her other columns are encrypted, and decrypting them for every row
    # would cost more than the whole query.
    return with_due(qs.select_related("person").only(*LISTED, "person__case_code"))


def assignee_names(pathways) -> dict[int, list[str]]:
    """The names of the operators assigned to each pathway (full name, else username), by username, in one
    query: ``access.assignees`` with names only, no user built per row (the lists show nothing else of them)."""
    rows = (
        access.assignee_pairs(ProtectionPathway)
        .filter(content_object__in=[p.pk for p in pathways])
        .order_by("user__username")
        .values_list("content_object_id", "user__first_name", "user__last_name", "user__username")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for pk, first, last, username in rows:
        names[pk].append(f"{first} {last}".strip() or username)
    return names


# What the lists show of a pathway (and ``with_due`` reads).
LISTED = ("person", "legal_basis", "phase", "started_on", "ended_on")


# --- the timeline ------------------------------------------------------------------------------------


def _d(value: datetime.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "…"


def _span(start, end) -> str:
    return (
        _("from %(start)s to %(end)s") % {"start": _d(start), "end": _d(end)}
        if end
        else _("from %(start)s") % {"start": _d(start)}
    )


def _phase_items(changes) -> list[TimelineItem]:
    items, previous = [], None
    order = ProtectionPathway.Phase.values
    for change in sorted(changes, key=lambda c: (c["d1"], c["pk"])):
        phase = change["s1"]
        label = ProtectionPathway.Phase(phase).label if phase in order else phase
        if previous is None:
            summary = _("Pathway opened in phase: %(phase)s") % {"phase": label}
        elif order.index(phase) < order.index(previous):
            summary = _("Phase moved back to: %(phase)s (correction)") % {"phase": label}
        else:
            summary = _("Phase: %(phase)s") % {"phase": label}
        previous = phase
        items.append(TimelineItem(change["d1"], "phase", _("phase change"), summary, pk=change["pk"], rank=0))
    return items


def _goal_and_review_items(pathway) -> list[TimelineItem]:
    """Plan goals and their reviews in one query (a goal row per review, or one with no review)."""
    items, goals = [], {}
    rows = (
        PlanGoal.objects.filter(pathway=pathway)
        .values("pk", "area", "goal", "agreed", "target_date", "status", "created_at", "approved_at")
        .annotate(
            review_pk=F("reviews__pk"),
            reviewed_on=F("reviews__reviewed_on"),
            review_note=F("reviews__note"),
            approver_first=F("approved_by__first_name"),
            approver_last=F("approved_by__last_name"),
            approver_username=F("approved_by__username"),
        )
        .order_by("pk", "review_pk")
    )
    for row in rows:
        goal = goals.get(row["pk"])
        if goal is None:
            goal = goals[row["pk"]] = PlanGoal(
                pk=row["pk"],
                area=row["area"],
                goal=row["goal"],
                agreed=row["agreed"],
                target_date=row["target_date"],
                status=row["status"],
                created_at=row["created_at"],
            )
            parts = [f"{goal.get_area_display()}: “{truncatechars(goal.goal, 120)}”"]
            if goal.target_date:
                parts.append(_("target %(date)s") % {"date": _d(goal.target_date)})
            parts.append(goal.get_status_display())
            if not goal.agreed:
                parts.append(_("not agreed with her"))
            if goal.is_overdue:
                parts.append(_("past its target date"))
            if row["approved_at"] is not None:
                approver = f"{row['approver_first']} {row['approver_last']}".strip() or row["approver_username"]
                parts.append(
                    _("approved by the coordinator %(name)s on %(date)s")
                    % {"name": approver, "date": _d(timezone.localdate(row["approved_at"]))}
                )
            items.append(
                TimelineItem(
                    timezone.localdate(goal.created_at),
                    "goal",
                    _("plan goal"),
                    " · ".join(parts),
                    "goal",
                    goal.pk,
                    rank=1,
                    approved=row["approved_at"] is not None,
                )
            )
        if row["review_pk"] is not None:
            summary = _("Review of the goal on %(area)s: %(note)s") % {
                "area": goal.get_area_display(),
                "note": truncatechars(row["review_note"], 160),
            }
            items.append(TimelineItem(row["reviewed_on"], "review", _("goal review"), summary, "goal", goal.pk, rank=2))
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


def _literacy_items(courses) -> list[TimelineItem]:
    items = []
    levels = dict(LiteracyCourse.Level.choices)
    for course in courses:
        parts = [
            f"{course['s1']}: {levels.get(course['s2'], course['s2'])} → {levels.get(course['s3'], course['s3'])}",
            _span(course["d1"], course["d2"]),
        ]
        if course["n1"] is not None:
            parts.append(_("attendance %(n)s%%") % {"n": course["n1"]})
        if course["b1"]:
            parts.append(_("certificate obtained"))
        items.append(
            TimelineItem(
                course["d1"], "literacy", _("literacy course"), " · ".join(parts), "literacy", course["pk"], rank=4
            )
        )
    return items


def _training_items(trainings) -> list[TimelineItem]:
    items = []
    kinds, outcomes = dict(Training.Kind.choices), dict(Training.Outcome.choices)
    for t in trainings:
        parts = [
            f"{kinds.get(t['s1'], t['s1'])}: {t['s2']}",
            t["s3"],
            _span(t["d1"], t["d2"]),
            str(outcomes.get(t["s4"], t["s4"])),
        ]
        if t["s5"]:
            parts.append(t["s5"])
        items.append(TimelineItem(t["d1"], "training", _("training"), " · ".join(parts), "training", t["pk"], rank=5))
    return items


def _job_items(jobs) -> list[TimelineItem]:
    items = []
    kinds, outcomes = dict(JobPlacement.Kind.choices), dict(JobPlacement.Outcome.choices)
    for job in jobs:
        parts = [f"{kinds.get(job['s1'], job['s1'])}: {job['s2']}"]
        if job["s3"]:
            parts.append(job["s3"])
        if job["n1"]:
            hours = int(job["n1"])
            parts.append(ngettext("%(n)s hour a week", "%(n)s hours a week", hours) % {"n": hours})
        parts += [_span(job["d1"], job["d2"]), str(outcomes.get(job["s4"], job["s4"]))]
        items.append(TimelineItem(job["d1"], "job", _("job placement"), " · ".join(parts), "job", job["pk"], rank=6))
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


def _diary_items(entries) -> list[TimelineItem]:
    return [
        TimelineItem(
            entry["d1"], "diary", _("diary entry"), truncatechars(entry["t"], 200), "diary", entry["pk"], rank=8
        )
        for entry in entries
    ]


# The records of a pathway whose columns fit one shape, read in one UNION ALL query: the diary first, so that
# the text column is read (decrypted) as the diary's encrypted field; the others put an empty string there.
_SHAPE = ("x_kind", "pk", "d1", "d2", "s1", "s2", "s3", "s4", "s5", "n1", "b1", "t")


# The columns a record does not have; built once (annotating copies them), not five times a page.
_BLANK = {
    # typed NULLs: PostgreSQL resolves the branches of a UNION pairwise, an untyped NULL would become text
    "d1": Cast(Value(None), DateField()),
    "d2": Cast(Value(None), DateField()),
    **{f"s{i}": Value("", output_field=CharField()) for i in range(1, 6)},
    "n1": Cast(Value(None), IntegerField()),
    "b1": Value(False, output_field=BooleanField()),
    "t": Value("", output_field=TextField()),
}
_KIND_FIELD = CharField()


def _shaped(qs, kind: str, **columns) -> QuerySet:
    blank = {**_BLANK, **columns}
    fields = {"x_kind": Value(kind, output_field=_KIND_FIELD), "x_pk": F("pk"), **{k: blank[k] for k in _SHAPE[2:]}}
    return qs.order_by().annotate(**fields).values_list(*fields)


def _simple_union(pathway_pk: int) -> QuerySet:
    union = _shaped(DiaryEntry.objects.filter(pathway=pathway_pk), "diary", d1=F("written_on"), t=F("text")).union(
        _shaped(PhaseChange.objects.filter(pathway=pathway_pk), "phase", d1=F("changed_on"), s1=F("phase")),
        _shaped(
            LiteracyCourse.objects.filter(pathway=pathway_pk),
            "literacy",
            d1=F("start"),
            d2=F("end"),
            s1=F("provider"),
            s2=F("level_start"),
            s3=F("level_now"),
            n1=F("attendance_percent"),
            b1=F("certificate"),
        ),  # fmt: skip
        _shaped(
            Training.objects.filter(pathway=pathway_pk),
            "training",
            d1=F("start"),
            d2=F("end"),
            s1=F("kind"),
            s2=F("title"),
            s3=F("provider"),
            s4=F("outcome"),
            s5=F("qualification"),
        ),  # fmt: skip
        _shaped(
            JobPlacement.objects.filter(pathway=pathway_pk),
            "job",
            d1=F("start"),
            d2=F("end"),
            s1=F("kind"),
            s2=F("employer"),
            s3=F("sector"),
            s4=F("outcome"),
            n1=F("hours_per_week"),
        ),  # fmt: skip
        all=True,
    )
    return union


# The UNION above compiled once per process and database (building and compiling its five branches cost more
# than running it): its SQL with a stand-in for the pathway's key, and the compiler that knows its converters.
_STAND_IN = -2_091_735_317  # no key is negative; within a 32-bit integer
_COMPILED: dict[str, tuple] = {}


def _simple_rows(pathway_pk: int) -> list[tuple]:
    connection = connections[router.db_for_read(DiaryEntry)]
    compiled = _COMPILED.get(connection.alias)
    if compiled is None:
        compiler = _simple_union(_STAND_IN).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        compiled = _COMPILED[connection.alias] = (sql, params, compiler.get_converters(fields))
    sql, params, converters = compiled
    params = tuple(pathway_pk if type(p) is int and p == _STAND_IN else p for p in params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for position, (functions, expression) in converters.items():
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(tuple(row))
    return converted


def _simple_records(pathway) -> dict[str, list[dict]]:
    records: dict[str, list[dict]] = {"diary": [], "phase": [], "literacy": [], "training": [], "job": []}
    for row in _simple_rows(pathway.pk):
        record = dict(zip(_SHAPE, row, strict=True))
        records[record["x_kind"]].append(record)
    for rows in records.values():
        rows.sort(key=lambda r: r["pk"])
    return records


def timeline(pathway: ProtectionPathway, *, show_secret: bool = False) -> list[TimelineItem]:
    """Everything beneath the pathway, merged in date order, in a fixed number of queries whatever the number of
    records (four, and one for the services requested and their changes).

    The caller has already fetched ``pathway`` through ``ceis.access``; ``show_secret`` is true only
    for the pathway's assigned operators, and only then is an accommodation's secret address read.
    """
    from .service_referrals.selectors import timeline_items as service_timeline_items

    today = timezone.localdate()
    simple = _simple_records(pathway)
    items = [
        *_phase_items(simple["phase"]),
        *_goal_and_review_items(pathway),
        *_accommodation_items(pathway, show_secret=show_secret),
        *_literacy_items(simple["literacy"]),
        *_training_items(simple["training"]),
        *_job_items(simple["job"]),
        *_permit_items(pathway, today=today),
        *_diary_items(simple["diary"]),
        *service_timeline_items(pathway),
    ]
    return sorted(items, key=lambda item: item.sort_key)
