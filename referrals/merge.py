"""Merging two records of the same person, and undoing it the same day.

A coordinator keeps one case code (the survivor); every record beneath the other person (the absorbed one) is
re-pointed to the survivor, and the absorbed row stays as the alias of its case code (``Person.merged_into``),
so that old links lead to the survivor. What moved is written down by id (``PersonMerge.moved``): an undo moves
exactly those rows back, however many were added to the survivor since.

Every relation to ``Person`` has a line in ``POLICY``, so that a new one cannot be forgotten (a test compares
this table with ``Person._meta``). The rows are re-pointed with plain ``UPDATE`` statements: their contents,
encrypted fields included, are not read nor rewritten, and the append-only consent records keep their evidence
unchanged (only the person they hang on is re-pointed, as erasure rewrites their text through a plain queryset).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import Enum

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.audit.models import Event
from ceis.audit.services import acting_as, batched_log_entries, event_record
from ceis.consent.models import AppendOnly

from .models import Person, PersonMerge


class Policy(Enum):
    MOVE = "move"  # the rows go to the survivor (and come back on undo)
    CARRY = "carry"  # a one-per-person flag: the survivor gets one too if she has none (removed on undo)
    KEEP = "keep"  # stays with the absorbed row (its name keys, the history of merges)
    REFUSE = "refuse"  # a merge is refused while either side has one


# (model label, field name) of every foreign key or one-to-one field that points to Person.
POLICY: dict[tuple[str, str], Policy] = {
    ("referrals.Referral", "person"): Policy.MOVE,
    ("protection.ProtectionPathway", "person"): Policy.MOVE,
    ("protection.ServiceReferral", "person"): Policy.MOVE,
    ("documents.Document", "person"): Policy.MOVE,
    ("consent.Consent", "person"): Policy.MOVE,
    ("consent.LegalBasis", "person"): Policy.MOVE,
    ("consent.Disclosure", "person"): Policy.MOVE,
    ("privacy.RetentionCandidate", "person"): Policy.MOVE,
    # records merged earlier into the absorbed one now lead to the survivor (no chains of aliases)
    ("referrals.Person", "merged_into"): Policy.MOVE,
    ("privacy.Restriction", "person"): Policy.CARRY,
    ("privacy.LegalHold", "person"): Policy.CARRY,
    # an anonymised person (GDPR art. 17) holds nothing left to join
    ("privacy.Erasure", "person"): Policy.REFUSE,
    # the name keys stay with the alias: a search by the absorbed name finds it, and its link leads on
    ("referrals.PersonNameKey", "person"): Policy.KEEP,
    # so do the blind match keys: a match on the absorbed names is offered as the survivor (referrals.matching)
    ("referrals.PersonMatchKey", "person"): Policy.KEEP,
    ("referrals.PersonMerge", "survivor"): Policy.KEEP,
    ("referrals.PersonMerge", "absorbed"): Policy.KEEP,
}


class MergeRefused(Exception):
    """A merge or an undo the rules refuse; the message is shown to the coordinator."""


def person_relations() -> list[tuple[str, str]]:
    """Every (model label, field) pointing to Person, hidden ones (``related_name="+"``) included."""
    return sorted(
        (f.related_model._meta.label, f.field.name)
        for f in Person._meta.get_fields(include_hidden=True)
        if f.is_relation and f.auto_created and not f.concrete
    )


def _relations(policy: Policy) -> list[tuple[type[models.Model], str]]:
    return [(apps.get_model(label), field) for (label, field), p in POLICY.items() if p is policy]


def _rows(model: type[models.Model]) -> models.QuerySet:
    # A plain queryset: it bypasses managers that refuse updates (the append-only consent records).
    return models.QuerySet(model)


def _repoint(model: type[models.Model], field: str, ids: list[int], to: Person) -> None:
    """Point the rows ``ids`` to ``to``.

    Each row is saved with only that column (``update_fields``): the snapshots that follow a record's person
    (statistics, caseload figures) are marked, and django-auditlog records the move of each record. Evidence
    that refuses a save (the append-only consent records) and aliases are re-pointed by one ``UPDATE``.
    """
    if model is Person or issubclass(model, AppendOnly):
        _rows(model).filter(pk__in=ids).update(**{field: to})
        return
    for row in model._default_manager.filter(pk__in=ids).order_by("pk"):
        setattr(row, field, to)
        row.save(update_fields=[field])


@dataclass(frozen=True)
class Side:
    """What a person holds, for the confirmation page: counts by kind of record, and her flags."""

    person: Person
    counts: list[tuple[str, int]]
    flags: list[str]
    refused: list[str]


def side(person: Person) -> Side:
    counts = []
    for model, field in _relations(Policy.MOVE):
        if model is Person:  # the aliases of records merged into her earlier: nothing to show
            continue
        n = _rows(model).filter(**{field: person}).count()
        if n:
            counts.append((str(model._meta.verbose_name_plural), n))
    Interview = apps.get_model("interviews.Interview")
    interviews = Interview.objects.filter(referral__person=person).count()
    if interviews:
        counts.append((str(Interview._meta.verbose_name_plural), interviews))
    flags = [str(model._meta.verbose_name) for model, field in _relations(Policy.CARRY) if _flag(model, field, person)]
    refused = [
        str(model._meta.verbose_name)
        for model, field in _relations(Policy.REFUSE)
        if _rows(model).filter(**{field: person}).exists()
    ]
    return Side(person=person, counts=counts, flags=flags, refused=refused)


def _flag(model, field, person):
    return _rows(model).filter(**{field: person}).first()


def _check(survivor: Person, absorbed: Person) -> None:
    if survivor.pk == absorbed.pk:
        raise MergeRefused(_("A record cannot be merged with itself."))
    if survivor.merged_into_id or absorbed.merged_into_id:
        raise MergeRefused(_("One of the two records has already been merged into another."))
    for model, field in _relations(Policy.REFUSE):
        if _rows(model).filter(**{f"{field}__in": [survivor.pk, absorbed.pk]}).exists():
            raise MergeRefused(
                _("One of the two records carries a %(what)s: it cannot be merged.")
                % {"what": model._meta.verbose_name}
            )


@transaction.atomic
def merge_people(*, survivor: Person, absorbed: Person, by) -> PersonMerge:
    """Move everything beneath ``absorbed`` to ``survivor`` and leave ``absorbed`` as an alias of it."""
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, absorbed.pk])}
    survivor, absorbed = locked[survivor.pk], locked[absorbed.pk]
    _check(survivor, absorbed)
    moved: dict[str, list[int]] = {}
    carried: dict[str, int] = {}
    with acting_as(by), batched_log_entries():
        for model, field in _relations(Policy.MOVE):
            ids = list(_rows(model).filter(**{field: absorbed}).order_by("pk").values_list("pk", flat=True))
            if ids:
                _repoint(model, field, ids, survivor)
                moved[f"{model._meta.label}.{field}"] = ids
        for model, field in _relations(Policy.CARRY):
            theirs = _flag(model, field, absorbed)
            if theirs is not None and _flag(model, field, survivor) is None:
                carried[model._meta.label] = model.objects.create(**{field: survivor}, reason=theirs.reason, by=by).pk
    Person.objects.filter(pk=absorbed.pk).update(merged_into=survivor)
    merge = PersonMerge.objects.create(survivor=survivor, absorbed=absorbed, by=by, moved=moved, carried=carried)
    counts = {key: len(ids) for key, ids in moved.items()}
    for target, other, role in ((survivor, absorbed, "survivor"), (absorbed, survivor, "absorbed")):
        event_record(
            kind=Event.Kind.MERGE,
            actor=by,
            target=target,
            details={"merge": merge.pk, "side": role, "other": other.case_code, "moved": counts, "carried": [*carried]},
        )
    return merge


def undo_deadline(merge: PersonMerge) -> datetime.datetime:
    """The end of the Italian calendar day (Europe/Rome) on which the merge was made."""
    day = timezone.localtime(merge.at).date() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def undo_refusal(merge: PersonMerge, *, now: datetime.datetime | None = None) -> str | None:
    """Why this merge can no longer be undone, or None when it can."""
    now = now or timezone.now()
    if merge.undone_at is not None:
        return str(_("This merge has already been undone."))
    if now >= undo_deadline(merge):
        return str(_("A merge can be undone only on the day it was made."))
    if merge.survivor.merged_into_id:
        return str(_("The record kept has since been merged into another: undo that merge first."))
    return None


@transaction.atomic
def merge_undo(*, merge: PersonMerge, by, now: datetime.datetime | None = None) -> PersonMerge:
    """Move back exactly the rows that moved, remove the flags carried over, and revive the absorbed record."""
    merge = PersonMerge.objects.select_for_update().select_related("survivor", "absorbed").get(pk=merge.pk)
    list(Person.objects.select_for_update().filter(pk__in=[merge.survivor_id, merge.absorbed_id]).values("pk"))
    refusal = undo_refusal(merge, now=now)
    if refusal:
        raise MergeRefused(refusal)
    survivor, absorbed = merge.survivor, merge.absorbed
    with acting_as(by), batched_log_entries():
        for key, ids in merge.moved.items():
            label, field = key.rsplit(".", 1)
            model = apps.get_model(label)
            still = list(_rows(model).filter(pk__in=ids, **{field: survivor}).values_list("pk", flat=True))
            if still:
                _repoint(model, field, still, absorbed)
        for label, pk in merge.carried.items():
            flag = apps.get_model(label).objects.filter(pk=pk, person=survivor).first()
            if flag is not None:
                flag.delete()
    Person.objects.filter(pk=absorbed.pk).update(merged_into=None)
    merge.undone_at = now or timezone.now()
    merge.undone_by = by
    merge.save(update_fields=["undone_at", "undone_by"])
    for target, other, role in ((survivor, absorbed, "survivor"), (absorbed, survivor, "absorbed")):
        event_record(
            kind=Event.Kind.MERGE_UNDO,
            actor=by,
            target=target,
            details={"merge": merge.pk, "side": role, "other": other.case_code},
        )
    return merge


def undoable_merges(person: Person, *, now: datetime.datetime | None = None) -> list[PersonMerge]:
    """Today's merges into ``person`` that may still be undone (one query)."""
    now = now or timezone.now()
    start = timezone.make_aware(datetime.datetime.combine(timezone.localtime(now).date(), datetime.time.min))
    if person.merged_into_id:
        return []
    return list(
        PersonMerge.objects.filter(survivor=person, undone_at__isnull=True, at__gte=start, at__lte=now)
        .select_related("absorbed")
        .order_by("-at")
    )
