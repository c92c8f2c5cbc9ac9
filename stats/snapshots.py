"""Snapshots of the statistics: a period's counts kept until the data of one of its dates changes.

Statistics for a year count a year of referrals, people, interviews and pathways; at national scale that is
hundreds of milliseconds each time. ``counts_for(start, end)`` serves the stored counts of the period when
they are up to date and otherwise counts now and stores them, so every figure shown is exact and a period
viewed again costs one query.

Keeping them up to date: every save or delete of a record the statistics count (``TRACKED``) names the dates
it touches — a referral its day of receipt, a pathway the span from its start to its end (open-ended while
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

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.db.models import F, Max, Min, Q
from django.utils import timezone

from ceis import periodic
from ceis.changes import MISSING, mark_after_commit, watch

from . import counts
from .models import StatisticsSnapshot

UNUSED_DAYS = 90
REFRESH_AFTER = datetime.timedelta(hours=24)
TOUCH_AFTER = datetime.timedelta(hours=1)

Span = tuple[datetime.date | None, datetime.date | None]  # None: unbounded on that side
EVERYTHING: Span = (None, None)


# ---------------------------------------------------------------------------------------------- reading


def counts_for(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The raw counts of [start, end]: the snapshot's when up to date, else counted now (and stored)."""
    now = timezone.now()
    snapshot = StatisticsSnapshot.objects.filter(start=start, end=end).first()
    if snapshot is not None and snapshot.is_current:
        if now - snapshot.used_at > TOUCH_AFTER:
            StatisticsSnapshot.objects.filter(pk=snapshot.pk).update(used_at=now)
        return snapshot.counts
    if snapshot is None:
        # The row exists before counting starts, so that a change committed meanwhile has a row to mark.
        StatisticsSnapshot.objects.bulk_create([StatisticsSnapshot(start=start, end=end)], ignore_conflicts=True)
        snapshot = StatisticsSnapshot.objects.get(start=start, end=end)
    return _recount(snapshot, used_at=now)


def _recount(snapshot: StatisticsSnapshot, *, used_at: datetime.datetime | None = None) -> dict[str, Any]:
    generation = snapshot.generation
    raw = counts.count(snapshot.start, snapshot.end)
    # Stored only if nothing was marked meanwhile: a change committed while counting leaves it stale.
    StatisticsSnapshot.objects.filter(pk=snapshot.pk, generation=generation).update(
        counts=raw,
        computed_generation=generation,
        computed_at=timezone.now(),
        **({"used_at": used_at} if used_at else {}),
    )
    return raw


def refresh(*, limit: int = 50) -> dict[str, int]:
    """Re-count stale snapshots and those counted over a day ago (most recently used first); forget the
    ones no one has looked at for ``UNUSED_DAYS``. A re-count is not a use."""
    now = timezone.now()
    forgotten, _ = StatisticsSnapshot.objects.filter(used_at__lt=now - datetime.timedelta(days=UNUSED_DAYS)).delete()
    due = list(
        StatisticsSnapshot.objects.filter(
            ~Q(computed_generation=F("generation")) | Q(computed_at__lt=now - REFRESH_AFTER)
        ).order_by("-used_at")[:limit]
    )
    # A period that cannot be counted is logged (model and pk) and skipped: the others are still re-counted.
    counts = periodic.each("refresh_statistics", due, _recount)
    return {"refreshed": counts.done, "failed": counts.failed, "forgotten": forgotten}


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
        return [_point(v["received_at"])] if v["received_at"] else []

    def held(v):
        return [_point(v["held_at"])] if v["held_at"] else []

    def span(start, end):
        return lambda v: [_interval(v[start], v[end])] if v[start] else [EVERYTHING]

    return {
        Referral: Tracked(("received_at", "referring_body_id", "channel", "urgency", "outcome", "person_id"), received),
        Person: Tracked(("gender", "birth_year", "nationality", "minor"), by="person", created_counts=False),
        Interview: Tracked(("held_at", "status"), held),
        GroupSession: Tracked(("held_at", "host_centre_id"), held),
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


@shared_task(name="caseload.tasks.refresh_statistics", ignore_result=True)
def refresh_statistics() -> dict[str, int]:
    """Periodic: re-count stale or day-old statistics snapshots, forget those unused for 90 days."""
    return refresh()
