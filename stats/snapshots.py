"""Snapshots of the statistics: a calendar month's counts kept until the data of one of its dates changes.

Every period served is a run of whole months of one year and every measure is a monthly flow within the year
(``stats.counts.count_months``), so a snapshot is one month's raw counts and a quarter or a year is read from
its months. ``months_for(year, last)`` serves the stored counts of months 1..last when they are up to date and
otherwise counts the stale or missing ones now, in one pass grouped by month, and stores them; so a period
viewed again costs one query, and a year never counted costs one pass over its data.

Keeping them up to date: every save or delete of a record the statistics count (``TRACKED``) names the dates
it touches — a referral its day of receipt to the end of that year (it may move the month of a person's first
referral of the year), a pathway the span from its start to its end (open-ended while
open), before and after the change — and, once the transaction commits, ``stale(...)`` bumps the generation
of every snapshot whose period overlaps them. That runs in the Celery worker (``statistics_changed``,
ids and dates only), or at once when the broker is down. Changes that are not counted (a referral's reason,
a person's name) mark nothing. Every ten minutes Celery beat (``refresh``) re-counts what is stale, so that
the next view is quick, and what was counted over a day ago, so that even a change lost between commit and
marking (a crash in that instant) is corrected within a day; it forgets periods unused for 90 days.

Bulk writes that send no signal (``QuerySet.update``, ``bulk_create``) bypass this: the services use them
only for columns the statistics do not read, or for rows whose parent's save marks the same dates (the forms
of exploitation of a new referral). ``seed_scale`` clears the snapshots after loading.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.db.models import Case, F, IntegerField, JSONField, Max, Min, Q, Value, When
from django.utils import timezone

from ceis import periodic
from ceis.changes import MISSING, mark_after_commit, watch

from . import counts
from .models import StatisticsSnapshot

logger = logging.getLogger(__name__)

UNUSED_DAYS = 90
REFRESH_AFTER = datetime.timedelta(hours=24)
TOUCH_AFTER = datetime.timedelta(hours=1)

Span = tuple[datetime.date | None, datetime.date | None]  # None: unbounded on that side
EVERYTHING: Span = (None, None)


# ---------------------------------------------------------------------------------------------- reading


def months_for(year: int, last: int) -> dict[int, dict[str, Any]]:
    """The raw counts of months 1..``last`` of ``year``: from their snapshots when up to date, else counted
    now (the stale or missing ones together, in one pass) and stored. One query when all are up to date."""
    now = timezone.now()
    wanted = {m: datetime.date(year, m, 1) for m in range(1, last + 1)}
    found = _month_rows(year, last)
    if len(found) < last:
        # The rows exist before counting starts, so that a change committed meanwhile has a row to mark.
        StatisticsSnapshot.objects.bulk_create(
            [StatisticsSnapshot(start=wanted[m], end=_month_end(wanted[m])) for m in wanted if m not in found],
            ignore_conflicts=True,
        )
        found = _month_rows(year, last)
    stale = sorted(m for m, s in found.items() if not s.is_current)
    counts_by_month = {m: s.counts for m, s in found.items()}
    if stale:
        counts_by_month.update(_recount(year, [found[m] for m in stale], used_at=now))
    idle = [s.pk for m, s in found.items() if m not in stale and now - s.used_at > TOUCH_AFTER]
    if idle:
        StatisticsSnapshot.objects.filter(pk__in=idle).update(used_at=now)
    return counts_by_month


def _month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _month_rows(year: int, last: int) -> dict[int, StatisticsSnapshot]:
    rows = StatisticsSnapshot.objects.filter(
        start__gte=datetime.date(year, 1, 1), start__lte=datetime.date(year, last, 1)
    ).defer("computed_at")
    return {s.start.month: s for s in rows if s.start.day == 1 and s.end == _month_end(s.start)}


def _recount(
    year: int, snapshots: list[StatisticsSnapshot], *, used_at: datetime.datetime | None = None
) -> dict[int, dict[str, Any]]:
    """Count the months of these snapshots of ``year`` in one pass and store each that nothing marked meanwhile
    (one UPDATE for them all: a row whose generation moved keeps its old counts and stays stale)."""
    months = sorted(s.start.month for s in snapshots)
    counted = counts.count_months(year, months[0], months[-1])
    generations = {s.pk: (s.generation, s.start.month) for s in snapshots}
    unchanged = [When(pk=pk, generation=g, then=Value(g)) for pk, (g, _m) in generations.items()]
    StatisticsSnapshot.objects.filter(pk__in=generations).update(
        counts=Case(
            *[
                When(pk=pk, generation=g, then=Value(counted[m], output_field=JSONField()))
                for pk, (g, m) in generations.items()
            ],
            default=F("counts"),
            output_field=JSONField(),
        ),
        computed_generation=Case(*unchanged, default=F("computed_generation"), output_field=IntegerField()),
        computed_at=timezone.now(),
        **({"used_at": used_at} if used_at else {}),
    )
    return {m: counted[m] for m in months}


def refresh(*, limit: int = 50) -> dict[str, int]:
    """Re-count stale snapshots and those counted over a day ago (most recently used first, a year's in one
    pass); forget the ones no one has looked at for ``UNUSED_DAYS``, except the months ``prepare`` keeps
    counted ahead (from the first year with data to this month). A re-count is not a use."""
    now = timezone.now()
    unused = StatisticsSnapshot.objects.filter(used_at__lt=now - datetime.timedelta(days=UNUSED_DAYS))
    first_year = first_year_with_data()
    if first_year is not None:
        unused = unused.exclude(start__gte=datetime.date(first_year, 1, 1), start__lte=timezone.localdate())
    forgotten, _ = unused.delete()
    due = list(
        StatisticsSnapshot.objects.filter(
            ~Q(computed_generation=F("generation")) | Q(computed_at__lt=now - REFRESH_AFTER)
        ).order_by("-used_at")[:limit]
    )
    by_year: dict[int, list[StatisticsSnapshot]] = {}
    for snapshot in due:
        if snapshot.start.day == 1 and snapshot.end == _month_end(snapshot.start):
            by_year.setdefault(snapshot.start.year, []).append(snapshot)
        else:  # a period that is not a calendar month (left by an older version): no longer served
            snapshot.delete()
    # A year that cannot be counted is logged and skipped (``ceis.periodic``): the other years are still re-counted.
    done = periodic.each(
        "refresh_statistics",
        sorted(by_year.items()),
        lambda item: _recount(*item),
        describe=lambda item: ("stats.StatisticsSnapshot year", item[0]),
    )
    failed_years = set(done.failed_pks)
    refreshed = sum(len(rows) for year, rows in by_year.items() if year not in failed_years)
    return {"refreshed": refreshed, "failed": done.failed, "forgotten": forgotten}


def first_year_with_data() -> int | None:
    """The first calendar year in which something the statistics count happened (a referral received, a
    session held, a pathway begun); None on an empty database. Three index reads."""
    from groups.models import GroupSession
    from protection.models import ProtectionPathway
    from referrals.models import Referral

    firsts = [
        Referral.objects.aggregate(first=Min("received_at"))["first"],
        GroupSession.objects.aggregate(first=Min("held_at"))["first"],
        ProtectionPathway.objects.aggregate(first=Min("started_on"))["first"],
    ]
    days = [_day(value) for value in firsts if value is not None]
    return min(days).year if days else None


def prepare(*, years: int = 2) -> dict[str, int]:
    """Count ahead the months no one has viewed yet, so that the first view of any period reads snapshots.

    Every calendar month from the first year with data to the current month gets a snapshot; the years that
    miss some are counted, the most recent first, at most ``years`` of them per run (a year is one pass over its
    data, ~1-3 s at N = 100 000: beat's run every ten minutes catches up a few years at a time). The rows are
    then kept up to date like any other (``stale`` marks them, ``refresh`` re-counts them) and are not
    forgotten while unused. Preparing is not a use (``used_at`` stays at creation)."""
    first_year = first_year_with_data()
    if first_year is None:
        return {"prepared": 0, "failed": 0}
    today = timezone.localdate()
    have = set(
        StatisticsSnapshot.objects.filter(start__gte=datetime.date(first_year, 1, 1), start__day=1).values_list(
            "start", flat=True
        )
    )
    missing: list[tuple[int, list[datetime.date]]] = []
    for year in range(today.year, first_year - 1, -1):
        last = today.month if year == today.year else 12
        months = [datetime.date(year, m, 1) for m in range(1, last + 1) if datetime.date(year, m, 1) not in have]
        if months:
            missing.append((year, months))

    def count_year(item: tuple[int, list[datetime.date]]) -> int:
        year, months = item
        StatisticsSnapshot.objects.bulk_create(
            [StatisticsSnapshot(start=first, end=_month_end(first)) for first in months], ignore_conflicts=True
        )
        rows = list(StatisticsSnapshot.objects.filter(start__in=months).defer("computed_at"))
        # Only the rows still never counted: a view may have counted some meanwhile.
        todo = [row for row in rows if row.end == _month_end(row.start) and row.computed_generation < 0]
        if todo:
            _recount(year, todo)
        return len(todo)

    done = periodic.each(
        "prepare_statistics",
        missing[:years],
        count_year,
        describe=lambda item: ("stats.StatisticsSnapshot year", item[0]),
    )
    return {"prepared": done.total, "failed": done.failed}


# ---------------------------------------------------------------------------------------------- marking


def stale(spans: list[Span], *, person_ids=(), session_ids=()) -> int:
    """Bump every snapshot whose period overlaps a span, or the dates of the given people's referrals or
    of the given sessions; the number of snapshots marked."""
    from groups.models import GroupSession
    from referrals.models import Referral

    spans = list(spans)
    if person_ids:
        bounds = Referral.objects.filter(person__in=person_ids).aggregate(lo=Min("received_at"), hi=Max("received_at"))
        if bounds["lo"] is not None:
            spans.append((_day(bounds["lo"]), _day(bounds["hi"])))
    if session_ids:
        spans.extend(
            _point(d) for d in GroupSession.objects.filter(pk__in=session_ids).values_list("held_at", flat=True)
        )
    if not spans:
        return 0
    snapshots = StatisticsSnapshot.objects.all()
    if EVERYTHING not in spans:
        overlap = Q()
        for lo, hi in spans:
            # An empty Q() would vanish from the OR: each span here has at least one bound.
            overlap |= Q(start__lte=hi or datetime.date.max) & Q(end__gte=lo or datetime.date.min)
        snapshots = snapshots.filter(overlap)
    return snapshots.update(generation=F("generation") + 1)


def changed(spans: list[Span] = (), *, person_ids=(), session_ids=()) -> None:
    """Record that data of these dates changed: the snapshots overlapping them are marked once committed."""
    spans, person_ids, session_ids = sorted(set(spans), key=_span_order), list(person_ids), list(session_ids)
    if spans or person_ids or session_ids:
        mark_after_commit(
            lambda: statistics_changed.delay(
                [[_iso(lo), _iso(hi)] for lo, hi in spans], person_ids=person_ids, session_ids=session_ids
            ),
            lambda: stale(spans, person_ids=person_ids, session_ids=session_ids),
            "statistics snapshots",
        )


def _span_order(span: Span):
    lo, hi = span
    return (lo or datetime.date.min, hi or datetime.date.max)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _point(value) -> Span:
    day = _day(value)
    return (day, day)


def _interval(start, end) -> Span:
    return (_day(start), _day(end))  # an open record (no end) reaches every later period


# ---------------------------------------------------------------------------------------------- what is counted


@dataclass(frozen=True)
class Tracked:
    """A model the statistics count: the fields they read and the dates a record's values touch."""

    fields: tuple[str, ...]
    spans: Callable[[dict], list[Span]] | None = None  # None: resolved by id after commit (``by``)
    by: str = ""  # "person" or "session": the dates are those of the person's referrals / the session
    created_counts: bool = True  # a new record changes the figures (a new person has no referral yet)


def _tracked() -> dict[type, Tracked]:
    from ceis.partners.models import PartnerBody
    from groups.models import AttendanceRow, GroupSession
    from interviews.models import Interview
    from protection.models import Accommodation, JobPlacement, LiteracyCourse, ProtectionPathway, Training
    from protection.service_referrals import figures as service_stats
    from referrals.models import ExploitationForm, Person, Referral

    def received(v):
        # To the end of its year: a person is counted in the month of her first referral of the year, which a
        # referral can move to or from a later month of that year.
        if not v["received_at"]:
            return []
        day = _day(v["received_at"])
        return [(day, datetime.date(day.year, 12, 31))]

    def held(v):
        return [_point(v["held_at"])] if v["held_at"] else []

    def span(start, end):
        return lambda v: [_interval(v[start], v[end])] if v[start] else [EVERYTHING]

    return {
        Referral: Tracked(("received_at", "referring_body_id", "channel", "urgency", "outcome", "person_id"), received),
        Person: Tracked(("gender", "birth_year", "nationality", "minor"), by="person", created_counts=False),
        Interview: Tracked(("held_at", "status"), held),
        GroupSession: Tracked(("held_at", "host_centre_id", "status"), held),
        AttendanceRow: Tracked(("count", "session_id"), by="session"),
        ProtectionPathway: Tracked(
            ("started_on", "ended_on", "phase", "legal_basis", "closure_reason"), span("started_on", "ended_on")
        ),
        Accommodation: Tracked(("type", "start", "end"), span("start", "end")),
        LiteracyCourse: Tracked(("certificate", "start", "end"), span("start", "end")),
        Training: Tracked(("outcome", "start", "end"), span("start", "end")),
        JobPlacement: Tracked(("outcome", "start", "end"), span("start", "end")),
        # Reference data shown by name or kind in every period: a change marks everything.
        PartnerBody: Tracked(("kind", "name"), lambda v: [EVERYTHING], created_counts=False),
        ExploitationForm: Tracked(("code",), lambda v: [EVERYTHING], created_counts=False),
        **service_stats.tracked(Tracked, _point),
    }


TRACKED: dict[type, Tracked] = {}


def _touched(tracked: Tracked, instance, values: dict) -> None:
    if tracked.by == "person":
        changed(person_ids=[instance.pk])
    elif tracked.by == "session":
        changed(session_ids=[values["session_id"]])
    elif any(v is MISSING for v in values.values()):
        changed([EVERYTHING])
    else:
        changed(tracked.spans(values))


def _on_change(instance, before: dict | None, after: dict | None) -> None:
    """A counted field of a record changed: the dates of its old values and of its new ones."""
    tracked = TRACKED[type(instance)]
    if before is None:
        if tracked.created_counts:
            _touched(tracked, instance, after)
    elif after is None:
        if tracked.by != "person":  # a person's referrals are deleted with her, each marking its own date
            _touched(tracked, instance, before)
    else:
        _touched(tracked, instance, before)
        if tracked.by != "person":
            _touched(tracked, instance, after)


def _on_forms_changed(sender, instance, action, reverse, **kwargs):
    from referrals.models import Referral

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse or not isinstance(instance, Referral):
        changed([EVERYTHING])  # a form's referrals changed: which dates is not worth a query here
    else:
        changed(TRACKED[Referral].spans({"received_at": instance.received_at}))


def connect() -> None:
    """Called once from ``CaseloadConfig.ready``."""
    from django.db.models.signals import m2m_changed

    from referrals.models import Referral

    TRACKED.update(_tracked())
    for model, tracked in TRACKED.items():
        watch(model, tracked.fields, _on_change)
    m2m_changed.connect(
        _on_forms_changed, sender=Referral.exploitation_forms.through, dispatch_uid="stats-exploitation-forms"
    )


# ---------------------------------------------------------------------------------------------- tasks
# Named as when they lived in ``caseload.tasks``: queued messages and beat's schedule still find them.


@shared_task(name="caseload.tasks.statistics_changed", ignore_result=True)
def statistics_changed(spans: list[list[str | None]], person_ids=(), session_ids=()) -> int:
    """Mark the statistics snapshots that data changed under (dates as ISO strings, ids only)."""

    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    return stale([(day(lo), day(hi)) for lo, hi in spans], person_ids=person_ids, session_ids=session_ids)


@shared_task(name="stats.tasks.prepare_statistics", ignore_result=True)
def prepare_statistics() -> dict[str, int]:
    """Periodic: count ahead the months never counted (``prepare``), so that no first view waits for a count."""
    return prepare()


@shared_task(name="caseload.tasks.refresh_statistics", ignore_result=True)
def refresh_statistics() -> dict[str, int]:
    """Periodic: re-count stale or day-old statistics snapshots, forget those unused for 90 days."""
    return refresh()
