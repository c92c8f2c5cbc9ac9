"""Stored dashboard figures per operator: a page of 25 operators read in one query, not counted each time.

Each operator holds the same caseload however large the service, so the dashboard's cost grows with the
operators on the page; counting 25 of them at every view was ~8x the 3 of a small service (bench/README.md).
``caseloads_for(operators, now)`` returns each operator's figures from her ``CaseloadSnapshot`` when it is up
to date and counts only the others (``selectors.count_caseloads``, passed in: four queries however many), storing them.

Up to date means: no record she holds changed since (``generation``), the thresholds are today's settings,
and ``computed_at <= now < valid_until``. ``valid_until`` is the next moment a figure changes by itself: the
first referral of hers to cross its no-interview or assessment deadline, or the next midnight (the month's
counts, permits entering their 30 days, plan goals falling due: all by date). So the figures are exact at
every view, as if counted then.

What changes them: the status, urgency or receipt of a referral she holds; an interview of one (its date,
status, referral); a group session she runs (its date); a pathway she holds (phase, end) and its permits and
plan goals; and her assignments (``ceis.access.assignments_changed``). After commit the worker (or the
request, when the broker is down) bumps the generation of the operators holding the changed records; a
deleted record or a changed case code bumps everyone's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.db.models import Case, DateTimeField, F, JSONField, Q, Value, When

from ceis.changes import MISSING, mark_after_commit, watch

from .models import CaseloadSnapshot


def _basis() -> list[int]:
    return [settings.CASELOAD_NO_INTERVIEW_DAYS, settings.CASELOAD_URGENT_NO_INTERVIEW_DAYS]


def _fresh(snapshot: CaseloadSnapshot | None, now: datetime.datetime, basis: list[int]) -> bool:
    return (
        snapshot is not None
        and snapshot.computed_generation == snapshot.generation
        and snapshot.computed_at is not None
        and snapshot.computed_at <= now < snapshot.valid_until
        and snapshot.figures.get("basis") == basis
    )


def _version(snapshot: CaseloadSnapshot) -> str:
    """Which figures a snapshot holds: a new count changes ``computed_at`` (and a mark the generation)."""
    return f"{snapshot.generation}-{snapshot.computed_at.timestamp()}"


def caseloads_for(operators: list, now: datetime.datetime, *, count: Callable, restore: Callable) -> list:
    """The dashboard figures of ``operators``, in their order: stored ones when up to date, the rest counted.

    ``count(now, operators)`` counts figures afresh and ``restore(operator, figures, stored_as=...)`` rebuilds
    them from a snapshot: both are the selectors', passed in so that this module does not import them back.
    """
    if not operators:
        return []
    basis = _basis()
    snapshots = {
        s.operator_id: s
        for s in CaseloadSnapshot.objects.filter(operator__in=[op.pk for op in operators]).only(
            "figures", "generation", "computed_generation", "computed_at", "valid_until"
        )
    }
    due = [op for op in operators if not _fresh(snapshots.get(op.pk), now, basis)]
    counted = {}
    if due:
        missing = [op.pk for op in due if op.pk not in snapshots]
        if missing:
            # The rows exist before counting starts, so that a change committed meanwhile has a row to mark.
            CaseloadSnapshot.objects.bulk_create(
                [CaseloadSnapshot(operator_id=pk) for pk in missing], ignore_conflicts=True
            )
            snapshots.update({s.operator_id: s for s in CaseloadSnapshot.objects.filter(operator__in=missing)})
        counted = count(now, due)
        _store(counted, {op.pk: snapshots[op.pk].generation for op in due}, now, basis)
    return [
        counted[op.pk][0]
        if op.pk in counted
        else restore(op, snapshots[op.pk].figures, stored_as=_version(snapshots[op.pk]))
        for op in operators
    ]


def _store(counted: dict, generations: dict[int, int], now: datetime.datetime, basis: list[int]) -> None:
    """One UPDATE for every operator counted; each is up to date only if nothing marked her meanwhile."""
    json = JSONField()
    CaseloadSnapshot.objects.filter(operator__in=list(counted)).update(
        figures=Case(
            *[
                When(operator=pk, then=Value({**c.figures(), "basis": basis}, output_field=json))
                for pk, (c, _) in counted.items()
            ],
            output_field=json,
        ),
        valid_until=Case(
            *[When(operator=pk, then=Value(until)) for pk, (_, until) in counted.items()], output_field=DateTimeField()
        ),
        computed_generation=Case(
            *[When(operator=pk, generation=generations[pk], then=Value(generations[pk])) for pk in counted],
            default=F("computed_generation"),
        ),
        computed_at=Value(now),
    )


# ---------------------------------------------------------------------------------------------- marking


def stale(*, roots: dict[str, list[int]] | None = None, users=(), everything: bool = False) -> int:
    """Bump the operators holding these records (``{"app.Model": [ids]}``), these users, or everyone."""
    from django.apps import apps

    from ceis import access

    snapshots = CaseloadSnapshot.objects.all()
    if not everything:
        condition = Q(operator__in=list(users))
        for label, ids in (roots or {}).items():
            holders = access.assignee_pairs(apps.get_model(label)).filter(content_object__in=ids).values("user")
            condition |= Q(operator__in=holders)
        snapshots = snapshots.filter(condition)
    return snapshots.update(generation=F("generation") + 1)


def changed(*, roots: dict[str, list[int]] | None = None, users=(), everything: bool = False) -> None:
    """Record that these operators' figures changed: marked once the transaction commits."""
    roots = {label: sorted(set(ids)) for label, ids in (roots or {}).items() if ids}
    users = sorted(set(users))
    if roots or users or everything:
        mark_after_commit(
            lambda: caseload_changed.delay(roots, users=users, everything=everything),
            lambda: stale(roots=roots, users=users, everything=everything),
            "caseload snapshots",
        )


# ---------------------------------------------------------------------------------------------- what is read


def _root_change(root: str, key: str, *, on_create: bool):
    """A watch callback: the record's root (``root`` via the field ``key``; "pk" for a root itself)."""

    def on_change(instance, before, after):
        if after is None and key == "pk":
            changed(everything=True)  # a deleted root: its assignment rows are gone before anyone can look
            return
        if before is None and not on_create:
            return  # a new root is nobody's yet: its assignment announces it
        values = [instance.pk] if key == "pk" else [v[key] for v in (before, after) if v is not None]
        if any(v is MISSING for v in values):
            changed(everything=True)
        else:
            changed(roots={root: [v for v in values if v is not None]})

    return on_change


def connect() -> None:
    """Called once from ``CaseloadConfig.ready``."""
    from ceis import access
    from groups.models import GroupSession
    from interviews.models import Interview
    from protection.models import PlanGoal, ProtectionPathway, ResidencePermit
    from referrals.models import Person, Referral

    # person_id: a merge of two records moves a referral or a pathway to another person (another case code)
    watch(
        Referral,
        ("status", "urgency", "received_at", "person_id"),
        _root_change("referrals.Referral", "pk", on_create=False),
    )
    watch(
        Interview,
        ("held_at", "status", "referral_id"),
        _root_change("referrals.Referral", "referral_id", on_create=True),
    )
    watch(GroupSession, ("held_at", "status"), _root_change("groups.GroupSession", "pk", on_create=False))
    watch(
        ProtectionPathway,
        ("phase", "ended_on", "person_id"),
        _root_change("protection.ProtectionPathway", "pk", on_create=False),
    )
    pathway_child = _root_change("protection.ProtectionPathway", "pathway_id", on_create=True)
    watch(ResidencePermit, ("expires_on", "pathway_id"), pathway_child)
    watch(PlanGoal, ("status", "target_date", "pathway_id"), pathway_child)
    watch(Person, ("case_code",), lambda instance, before, after: before and after and changed(everything=True))
    access.assignments_changed.connect(_on_assignment, dispatch_uid="caseload-assignments")


def _on_assignment(sender, record, users, **kwargs):
    changed(users=[u.pk for u in users])


@shared_task(name="caseload.tasks.caseload_changed", ignore_result=True)
def caseload_changed(roots: dict[str, list[int]], users=(), everything: bool = False) -> int:
    """Mark the stored dashboard figures of the operators holding these records (ids only)."""
    return stale(roots=roots, users=users, everything=everything)
