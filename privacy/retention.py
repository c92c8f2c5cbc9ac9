"""Retention: which records each rule would act on, the nightly dry-run list, and acting on it.

Safety (decided for ceis): nothing is anonymised or deleted on the night it is found. Each night
1. the records listed at least ``RETENTION_REVIEW_DAYS`` ago, still pending (no coordinator excluded
   them), are checked again — rule still active, record still due, person not under legal hold, not
   already erased — and only then acted on; the others are marked skipped (listed again, for a
   fresh review, if they become due again);
2. a new dry-run list is stored (rule + record ids, no content) with every record newly due, and the
   coordinators are notified through the notification rows.
Records under legal hold are never listed nor touched. Audit rows are never deleted (they are immutable).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from ceis import periodic
from ceis.accounts import roles

from . import scrub
from .models import Erasure, LegalHold, RetentionCandidate, RetentionRule, RetentionRun

Kind = RetentionRule.Kind
Trigger = RetentionRule.Trigger
Action = RetentionRule.Action


@dataclass(frozen=True)
class KindSpec:
    model: str
    to_person: str | None
    triggers: dict[str, str]  # trigger -> date or datetime field
    actions: tuple[str, ...]


SPECS: dict[str, KindSpec] = {
    Kind.REFERRAL_NOT_IDENTIFIED: KindSpec(
        "referrals.Referral",
        "person",
        {Trigger.CLOSED: "closed_at", Trigger.CREATED: "received_at", Trigger.LAST_ACTIVITY: "updated_at"},
        (Action.ANONYMISE,),
    ),
    Kind.INTERVIEW: KindSpec(
        "interviews.Interview",
        "referral__person",
        {Trigger.HELD: "held_at", Trigger.CREATED: "created_at", Trigger.LAST_ACTIVITY: "updated_at"},
        (Action.ANONYMISE,),
    ),
    Kind.GROUP_SESSION: KindSpec(
        "groups.GroupSession",
        None,
        {Trigger.HELD: "held_at", Trigger.CREATED: "created_at", Trigger.LAST_ACTIVITY: "updated_at"},
        (Action.ANONYMISE,),
    ),
    Kind.PATHWAY_CLOSED: KindSpec(
        "protection.ProtectionPathway",
        "person",
        {Trigger.CLOSED: "ended_on", Trigger.LAST_ACTIVITY: "updated_at"},
        (Action.ANONYMISE,),
    ),
    Kind.NOTIFICATION: KindSpec(
        "notifications.Notification",
        None,
        {Trigger.CREATED: "created_at"},
        (Action.DELETE,),
    ),
    Kind.PERSON_INACTIVE: KindSpec(
        "referrals.Person",
        "pk",
        {Trigger.LAST_ACTIVITY: "updated_at", Trigger.CREATED: "created_at"},
        (Action.ANONYMISE,),
    ),
}

NOT_IDENTIFIED = ("not_trafficking", "declined", "unreachable")


def _months_ago(now: datetime.datetime, months: int) -> datetime.datetime:
    return now - relativedelta(months=months)


def _model(spec: KindSpec) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(spec.model)


def _cutoff_filter(spec: KindSpec, trigger: str, cutoff: datetime.datetime) -> Q:
    field_name = spec.triggers[trigger]
    field = _model(spec)._meta.get_field(field_name)
    value = (
        cutoff.date() if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) else cutoff
    )
    return Q(**{f"{field_name}__lt": value})


def due(rule: RetentionRule, now: datetime.datetime | None = None, *, include_listed: bool = False) -> models.QuerySet:
    """The records ``rule`` would act on now: past the period, closed where it matters, not on hold,
    not erased, and (unless ``include_listed``) not already on a list — pending, excluded or done."""
    from ceis.notifications.models import Notification
    from referrals.models import Person, Referral

    now = now or timezone.now()
    spec = SPECS[rule.kind]
    model = _model(spec)
    qs = model._default_manager.filter(_cutoff_filter(spec, rule.trigger, _months_ago(now, rule.months)))
    if rule.kind == Kind.REFERRAL_NOT_IDENTIFIED:
        qs = qs.filter(status=Referral.Status.CLOSED, outcome__in=NOT_IDENTIFIED)
    elif rule.kind == Kind.INTERVIEW:
        qs = qs.filter(referral__status=Referral.Status.CLOSED)
    elif rule.kind == Kind.GROUP_SESSION:
        qs = qs.exclude(notes="", mediators="")
    elif rule.kind == Kind.PATHWAY_CLOSED:
        qs = qs.filter(ended_on__isnull=False)
    elif rule.kind == Kind.PERSON_INACTIVE:
        from protection.models import ProtectionPathway

        cutoff = _months_ago(now, rule.months)
        recent = Q(updated_at__gte=cutoff)
        qs = qs.filter(merged_into__isnull=True)  # a merged record follows the record kept (erased with her)
        qs = qs.exclude(Exists(Referral.objects.filter(Q(person=OuterRef("pk")) & (~Q(status="closed") | recent))))
        qs = qs.exclude(
            Exists(
                ProtectionPathway.objects.filter(
                    Q(person=OuterRef("pk")) & (Q(ended_on__isnull=True) | Q(updated_at__gte=cutoff))
                )
            )
        )
    elif rule.kind == Kind.NOTIFICATION:
        held_codes = Person.objects.filter(Exists(LegalHold.objects.filter(person=OuterRef("pk")))).values("case_code")
        qs = qs.exclude(label__in=held_codes)
        assert model is Notification
    if spec.to_person is not None:
        qs = qs.exclude(Exists(LegalHold.objects.filter(person=OuterRef(spec.to_person))))
        qs = qs.exclude(Exists(Erasure.objects.filter(person=OuterRef(spec.to_person))))
    if include_listed:
        return qs
    listed = RetentionCandidate.objects.filter(rule=rule, object_id=OuterRef("pk")).exclude(
        state=RetentionCandidate.State.SKIPPED
    )
    return qs.exclude(Exists(listed))


def _person_ids(spec: KindSpec, ids: list[int]) -> dict[int, int | None]:
    if spec.to_person is None:
        return dict.fromkeys(ids)
    return dict(_model(spec)._default_manager.filter(pk__in=ids).values_list("pk", spec.to_person))


@transaction.atomic
def build_review_list(
    now: datetime.datetime | None = None, *, counts: periodic.Counts | None = None
) -> RetentionRun | None:
    """Store the dry-run list of every record newly due, and notify the coordinators. None if nothing is due."""
    now = now or timezone.now()
    rows = []

    def find(rule: RetentionRule) -> int:
        spec = SPECS[rule.kind]
        ids = list(due(rule, now).values_list("pk", flat=True))
        if not ids:
            return 0
        ct = ContentType.objects.get_for_model(_model(spec))
        people = _person_ids(spec, ids)
        rows.extend((rule, ct, pk, people[pk]) for pk in ids)
        return len(ids)

    # A rule whose records cannot be listed is logged (its pk) and skipped; the others list theirs.
    _fold(counts, periodic.each("retention-list", RetentionRule.objects.filter(active=True), find))
    if not rows:
        return None
    run = RetentionRun.objects.create(
        due_on=timezone.localdate(now) + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS)
    )
    RetentionCandidate.objects.bulk_create(
        RetentionCandidate(run=run, rule=rule, content_type=ct, object_id=pk, person_id=person_id)
        for rule, ct, pk, person_id in rows
    )
    _notify_coordinators(run)
    return run


def _notify_coordinators(run: RetentionRun) -> None:
    from ceis.notifications.models import Notification
    from ceis.notifications.services import notification_create

    path = reverse("privacy:run", args=[run.pk])
    for user in get_user_model().objects.filter(is_active=True, groups__name=roles.COORDINATOR):
        notification_create(
            recipient=user,
            kind=Notification.Kind.RETENTION_REVIEW,
            label=f"#{run.pk}",
            path=path,
            event_key=f"retention:{run.pk}",
        )


def _fold(counts: periodic.Counts | None, run: periodic.Counts) -> None:
    if counts is not None:
        counts.add(run)


def act_on_due_lists(now: datetime.datetime | None = None, *, counts: periodic.Counts | None = None) -> int:
    """Act on the pending records of every list whose review period is over. Returns how many were acted on.

    Each rule's records in a transaction of their own, each record on its own when the batch fails: a record
    that cannot be acted on is logged (model and pk), counted in ``counts`` and left pending for the next night.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    pending = (
        RetentionCandidate.objects.filter(state=RetentionCandidate.State.PENDING, run__due_on__lte=today)
        .select_related("rule")
        .order_by("rule_id", "pk")
    )
    by_rule: dict[int, list[RetentionCandidate]] = {}
    for candidate in pending:
        by_rule.setdefault(candidate.rule_id, []).append(candidate)
    run = periodic.each(
        "retention-act",
        by_rule.values(),
        lambda candidates: _act(candidates[0].rule, candidates, now, counts),
        describe=lambda candidates: ("privacy.RetentionRule", candidates[0].rule_id),
    )
    _fold(counts, run)
    return run.total


def _each_or_all(task: str, model, ids: list[int], operation, counts: periodic.Counts | None) -> list[int]:
    """``operation(ids)`` at once; if that fails, on each id on its own (the failures logged): the ids done."""
    try:
        with transaction.atomic():
            operation(ids)
        return ids
    except Exception:  # noqa: BLE001 - some record of the batch fails: find which, do the others
        run = periodic.each(task, ids, lambda pk: operation([pk]), model=model)
        _fold(counts, periodic.Counts(task, failed=run.failed, failed_pks=run.failed_pks))
        failed = set(run.failed_pks)
        return [pk for pk in ids if pk not in failed]


@transaction.atomic
def _act(
    rule: RetentionRule,
    candidates: list[RetentionCandidate],
    now: datetime.datetime,
    counts: periodic.Counts | None = None,
) -> int:
    from privacy.services import RightsError, person_erase
    from referrals.models import Person

    spec = SPECS[rule.kind]
    model = _model(spec)
    ids = [c.object_id for c in candidates]
    # Check again now: the rule may have changed, the record been reopened or put under legal hold.
    still_due = (
        set(due(rule, now, include_listed=True).filter(pk__in=ids).values_list("pk", flat=True))
        if rule.active
        else set()
    )
    done = [c for c in candidates if c.object_id in still_due]
    skipped = [c for c in candidates if c.object_id not in still_due]
    done_ids = [c.object_id for c in done]
    if rule.kind == Kind.PERSON_INACTIVE:
        refused = []

        def erase(person) -> None:
            try:
                person_erase(person=person, by=None, rule=rule)
            except RightsError:
                refused.append(person.pk)

        run = periodic.each("retention-erase", Person.objects.filter(pk__in=done_ids), erase, summary=False)
        _fold(counts, periodic.Counts("retention-erase", failed=run.failed, failed_pks=run.failed_pks))
        skipped += [c for c in done if c.object_id in refused]
        failed = set(run.failed_pks)
        done = [c for c in done if c.object_id not in failed and c.object_id not in refused]
    else:
        if rule.action == Action.DELETE:

            def operation(ids):
                return model._default_manager.filter(pk__in=ids).delete()

        elif rule.kind == Kind.GROUP_SESSION:

            def operation(ids):
                return model._default_manager.filter(pk__in=ids).update(notes="", mediators="")

        else:

            def operation(ids):
                return scrub.scrub_records(model, ids)

        acted = set(_each_or_all(f"retention-{rule.kind}", model, done_ids, operation, counts))
        done = [c for c in done if c.object_id in acted]  # a record that failed stays pending: tried next night
    RetentionCandidate.objects.filter(pk__in=[c.pk for c in done]).update(
        state=RetentionCandidate.State.DONE, decided_at=now
    )
    RetentionCandidate.objects.filter(pk__in=[c.pk for c in skipped]).update(
        state=RetentionCandidate.State.SKIPPED, decided_at=now
    )
    return len(done)
