"""Writes of the data-protection workspace: restriction, legal hold, erasure, retention decisions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.audit.models import Event
from ceis.audit.services import acting_as, event_record

from . import export, scrub
from .models import Erasure, LegalHold, Restriction, RetentionCandidate, RetentionRule


class RightsError(Exception):
    """A request the rules refuse; the message is shown to the coordinator."""


@transaction.atomic
def restriction_set(*, person, reason: str, by) -> Restriction:
    if Restriction.objects.filter(person=person).exists():
        raise RightsError(_("Processing of this person is already restricted."))
    with acting_as(by):
        return Restriction.objects.create(person=person, reason=reason, by=by)


@transaction.atomic
def restriction_lift(*, person, by) -> None:
    restriction = Restriction.objects.filter(person=person).first()
    if restriction is None:
        raise RightsError(_("Processing of this person is not restricted."))
    with acting_as(by):
        restriction.delete()


@transaction.atomic
def legal_hold_set(*, person, reason: str, by) -> LegalHold:
    if LegalHold.objects.filter(person=person).exists():
        raise RightsError(_("This person is already under legal hold."))
    with acting_as(by):
        return LegalHold.objects.create(person=person, reason=reason, by=by)


@transaction.atomic
def legal_hold_lift(*, person, by) -> None:
    hold = LegalHold.objects.filter(person=person).first()
    if hold is None:
        raise RightsError(_("This person is not under legal hold."))
    with acting_as(by):
        hold.delete()


@transaction.atomic
def person_erase(*, person, by, rule: RetentionRule | None = None) -> Erasure:
    """Anonymise the person and every record of hers (GDPR art. 17). Refused under legal hold.

    Audit rows are never updated or deleted: they hold ids only. The person keeps her case code, ids,
    dates, codes and counts, so the statistics still add up.
    """
    from referrals.models import Person

    person = Person.objects.select_for_update().get(pk=person.pk)
    if LegalHold.objects.filter(person=person).exists():
        raise RightsError(_("This person is under legal hold: her records cannot be erased until the hold is lifted."))
    if Erasure.objects.filter(person=person).exists():
        raise RightsError(_("This person has already been erased."))
    scrub.scrub_person(person)
    # The records merged into hers (aliases of their case codes) still hold her other names.
    for alias in Person.objects.filter(merged_into=person):
        scrub.scrub_person(alias)
    # The reasons of a restriction may name her too: keep the flag, drop the words.
    Restriction.objects.filter(person=person).update(reason=scrub.PLACEHOLDER)
    with acting_as(by):
        return Erasure.objects.create(person=person, by=by, rule=rule)


def person_export(*, person, by, fmt: str) -> dict:
    """Everything held about the person (GDPR art. 15), with an audit event for the export."""
    data = export.collect(person, with_files=fmt == "json", viewer=by)
    event_record(kind=Event.Kind.EXPORT, actor=by, target=person, details={"what": "art15", "format": fmt})
    return data


@transaction.atomic
def candidate_exclude(*, candidate: RetentionCandidate, by) -> bool:
    """Keep this record: the rule will not act on it (nor list it again)."""
    updated = RetentionCandidate.objects.filter(pk=candidate.pk, state=RetentionCandidate.State.PENDING).update(
        state=RetentionCandidate.State.EXCLUDED, decided_by=by, decided_at=timezone.now()
    )
    return bool(updated)


@transaction.atomic
def rule_update(*, rule: RetentionRule, by) -> RetentionRule:
    rule.updated_by = by
    with acting_as(by):
        rule.save()
    return rule
