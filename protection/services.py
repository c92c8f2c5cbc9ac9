"""Writes on protection pathways. Each service is one transaction and records its audit and notifications.

The parts beneath a pathway (goals, stays, courses, ...) have their own services next to their forms.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ceis import access
from ceis.audit.services import acting_as
from ceis.consent.models import Disclosure
from ceis.consent.selectors import may_share, purpose_for
from ceis.consent.services import SharingRefused, share_guard
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create
from ceis.partners.models import PartnerBody
from referrals.models import Person, Referral

from .models import PhaseChange, ProtectionPathway

NOT_TAKEN_IN_CHARGE = _(
    "A pathway opens from a referral closed as “presumed victim taken in charge”: close the referral with that "
    "outcome first."
)
ALREADY_OPENED = _("A protection pathway has already been opened from this referral.")
ALREADY_OPEN_FOR_PERSON = _("This person already has an open protection pathway.")
LEGAL_BASIS_REQUIRED = _("Choose the legal basis of the pathway.")
TRANSFER_BODY_REQUIRED = _("Give the project the person was transferred from.")
OPERATOR_REQUIRED = _("Choose at least one operator to follow the pathway.")
ONLY_OPERATORS = _("Only active operators can be assigned.")
START_IN_FUTURE = _("The pathway cannot start in the future.")
START_BEFORE_REFERRAL = _("The pathway cannot start before the referral was received.")
PATHWAY_CLOSED = _("This pathway is closed.")
INVALID_PHASE = _("Choose one of the phases of the programme.")
SAME_PHASE = _("The pathway is already in this phase.")
PHASE_DATE_IN_FUTURE = _("A phase change cannot be dated in the future.")
PHASE_DATE_BEFORE_START = _("A phase change cannot come before the pathway started.")
PHASE_DATE_BEFORE_LAST = _("A phase change cannot come before the last one (%(date)s).")
END_REQUIRED = _("Give the date the pathway ended.")
END_IN_FUTURE = _("The pathway cannot end in the future.")
END_BEFORE_START = _("The pathway cannot end before it started.")
END_BEFORE_LAST_PHASE = _("The pathway cannot end before its last phase change (%(date)s).")
REASON_REQUIRED = _("Give the reason the pathway closed.")
RECEIVING_BODY_REQUIRED = _("Give the body the person is referred or transferred to.")

PHASE_ORDER = list(ProtectionPathway.Phase.values)


def _date(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _notify_assigned(pathway: ProtectionPathway, operator) -> None:
    notification_create(
        recipient=operator,
        kind=Notification.Kind.PATHWAY_ASSIGNED,
        label=pathway.person.case_code,
        path=reverse("protection:detail", args=[pathway.pk]),
    )


@transaction.atomic
def pathway_open(
    *,
    person: Person,
    referral: Referral | None = None,
    transferred_from: PartnerBody | None = None,
    legal_basis: str,
    started_on: datetime.date,
    operators: Iterable = (),
    phase: str = ProtectionPathway.Phase.EMERGENCY,
    by,
) -> ProtectionPathway:
    """Open a pathway, from a referral taken in charge or for a person transferred from another project.

    A new (unsaved) ``person`` is recorded first. The opener, when an operator, is assigned; the
    others chosen are assigned and notified. The first phase is recorded as the first phase change.
    Raises ValidationError (and writes nothing) when the pathway may not open.
    """
    with acting_as(by):
        return _pathway_open(
            person=person,
            referral=referral,
            transferred_from=transferred_from,
            legal_basis=legal_basis,
            started_on=started_on,
            operators=list(operators),
            phase=phase,
            by=by,
        )


def _pathway_open(*, person, referral, transferred_from, legal_basis, started_on, operators, phase, by):
    errors: dict[str, list] = {}
    if phase not in PHASE_ORDER:
        errors["phase"] = [INVALID_PHASE]
    if legal_basis not in ProtectionPathway.LegalBasis.values:
        errors["legal_basis"] = [LEGAL_BASIS_REQUIRED]
    if referral is not None:
        # Locked, so that two people opening from the same referral at once cannot both succeed.
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != Referral.Status.CLOSED or referral.outcome != Referral.Outcome.TAKEN_IN_CHARGE:
            raise ValidationError(NOT_TAKEN_IN_CHARGE)
        if ProtectionPathway.objects.filter(referral=referral).exists():
            raise ValidationError(ALREADY_OPENED)
        if person.pk != referral.person_id:
            raise ValueError("The pathway's person is the referral's person.")
        if started_on and started_on < timezone.localdate(referral.received_at):
            errors.setdefault("started_on", []).append(START_BEFORE_REFERRAL)
    elif transferred_from is None:
        errors.setdefault("transferred_from", []).append(TRANSFER_BODY_REQUIRED)
    if started_on and started_on > timezone.localdate():
        errors.setdefault("started_on", []).append(START_IN_FUTURE)
    assignable = access.operators_assignable()
    if by.is_operator and by not in operators:
        operators = [by, *operators]
    if not operators:
        errors.setdefault("operators", []).append(OPERATOR_REQUIRED)
    elif assignable.filter(pk__in=[o.pk for o in operators]).count() != len({o.pk for o in operators}):
        errors.setdefault("operators", []).append(ONLY_OPERATORS)
    if person.pk is not None and ProtectionPathway.objects.filter(person=person, ended_on__isnull=True).exists():
        raise ValidationError(ALREADY_OPEN_FOR_PERSON)
    if errors:
        raise ValidationError(errors)

    if person.pk is None:
        person.created_by = by
        person.full_clean()
        person.save()
    pathway = ProtectionPathway(
        person=person,
        origin=ProtectionPathway.Origin.REFERRAL if referral else ProtectionPathway.Origin.TRANSFER,
        referral=referral,
        transferred_from=None if referral else transferred_from,
        legal_basis=legal_basis,
        phase=phase,
        started_on=started_on,
        created_by=by,
    )
    pathway.full_clean()
    pathway.save()
    PhaseChange.objects.create(pathway=pathway, phase=phase, changed_on=started_on, created_by=by)
    for operator in operators:
        access.assign(pathway, operator, by=by)
        if operator != by:
            _notify_assigned(pathway, operator)
    return pathway


def _last_change(pathway: ProtectionPathway) -> PhaseChange | None:
    return pathway.phase_changes.order_by("-changed_on", "-id").first()


@transaction.atomic
def pathway_change_phase(*, pathway: ProtectionPathway, phase: str, changed_on: datetime.date, by) -> PhaseChange:
    """Record a move to another phase on a date. Forward is the rule; a move back is a dated correction."""
    pathway = ProtectionPathway.objects.select_for_update().get(pk=pathway.pk)
    if not pathway.is_open:
        raise ValidationError(PATHWAY_CLOSED)
    errors: dict[str, list] = {}
    if phase not in PHASE_ORDER:
        errors["phase"] = [INVALID_PHASE]
    elif phase == pathway.phase:
        errors["phase"] = [SAME_PHASE]
    if changed_on > timezone.localdate():
        errors.setdefault("changed_on", []).append(PHASE_DATE_IN_FUTURE)
    elif changed_on < pathway.started_on:
        errors.setdefault("changed_on", []).append(PHASE_DATE_BEFORE_START)
    else:
        last = _last_change(pathway)
        if last and changed_on < last.changed_on:
            errors.setdefault("changed_on", []).append(PHASE_DATE_BEFORE_LAST % {"date": _date(last.changed_on)})
    if errors:
        raise ValidationError(errors)
    with acting_as(by):
        change = PhaseChange.objects.create(pathway=pathway, phase=phase, changed_on=changed_on, created_by=by)
        pathway.phase = phase
        pathway.save(update_fields=["phase", "updated_at"])
    return change


def is_backwards(current: str, new: str) -> bool:
    return PHASE_ORDER.index(new) < PHASE_ORDER.index(current)


@transaction.atomic
def pathway_close(
    *,
    pathway: ProtectionPathway,
    ended_on: datetime.date | None,
    closure_reason: str,
    receiving_body: PartnerBody | None = None,
    by,
):
    """Close an open pathway with its end date and the reason, both required.

    Closing by transfer names the receiving body and passes the consent gate
    (``ceis.consent.services.share_guard``): without her consent or a legal basis nothing is saved.
    """
    pathway = ProtectionPathway.objects.select_for_update().get(pk=pathway.pk)
    _check_closure(pathway, ended_on=ended_on, closure_reason=closure_reason, receiving_body=receiving_body)
    if closure_reason == ProtectionPathway.ClosureReason.TRANSFERRED:
        share_guard(
            person=pathway.person,
            purpose=purpose_for(receiving_body),
            recipient=receiving_body,
            action=Disclosure.Action.PATHWAY_CLOSED,
            target=pathway,
            by=by,
            shared_on=ended_on,
        )
    pathway.ended_on = ended_on
    pathway.closure_reason = closure_reason
    with acting_as(by):
        pathway.full_clean()
        pathway.save(update_fields=["ended_on", "closure_reason", "updated_at"])
    return pathway


def _check_closure(
    pathway: ProtectionPathway,
    *,
    ended_on: datetime.date | None,
    closure_reason: str,
    receiving_body: PartnerBody | None,
) -> None:
    if not pathway.is_open:
        raise ValidationError(PATHWAY_CLOSED)
    errors: dict[str, list] = {}
    if not ended_on:
        errors["ended_on"] = [END_REQUIRED]
    elif ended_on > timezone.localdate():
        errors["ended_on"] = [END_IN_FUTURE]
    elif ended_on < pathway.started_on:
        errors["ended_on"] = [END_BEFORE_START]
    else:
        last = _last_change(pathway)
        if last and ended_on < last.changed_on:
            errors["ended_on"] = [END_BEFORE_LAST_PHASE % {"date": _date(last.changed_on)}]
    if closure_reason not in ProtectionPathway.ClosureReason.values:
        errors["closure_reason"] = [REASON_REQUIRED]
    elif closure_reason == ProtectionPathway.ClosureReason.TRANSFERRED and receiving_body is None:
        errors["receiving_body"] = [RECEIVING_BODY_REQUIRED]
    if errors:
        raise ValidationError(errors)


def pathway_close_check(
    pathway: ProtectionPathway,
    *,
    outcome: str,
    ended_on: datetime.date | None,
    receiving_body: PartnerBody | None = None,
    **_entered,
) -> None:
    """What ``pathway_close`` would refuse, checked without saving anything: for a closure request
    (``ceis.approvals``), so that the operator learns now of a wrong date or a missing consent."""
    fresh = ProtectionPathway.objects.select_related("person").get(pk=pathway.pk)
    _check_closure(fresh, ended_on=ended_on, closure_reason=outcome, receiving_body=receiving_body)
    if outcome == ProtectionPathway.ClosureReason.TRANSFERRED:
        purpose = purpose_for(receiving_body)
        if may_share(fresh.person, purpose, receiving_body) is None:
            raise SharingRefused(person=fresh.person, purpose=purpose, recipient=receiving_body)


def pathway_close_approved(
    pathway: ProtectionPathway,
    *,
    outcome: str,
    ended_on: datetime.date | None,
    receiving_body: PartnerBody | None = None,
    by,
    **_entered,
) -> ProtectionPathway:
    """A closure request approved (``ceis.approvals``): the closure with what the operator entered."""
    return pathway_close(
        pathway=pathway, ended_on=ended_on, closure_reason=outcome, receiving_body=receiving_body, by=by
    )


@transaction.atomic
def pathway_assign(*, pathway: ProtectionPathway, operator, by) -> bool:
    """Assign an operator: grant access, audit, notify (all or nothing). False if already assigned."""
    if not access.operators_assignable().filter(pk=operator.pk).exists():
        raise ValidationError(ONLY_OPERATORS)
    if not access.assign(pathway, operator, by=by):
        return False
    _notify_assigned(pathway, operator)
    return True


@transaction.atomic
def pathway_unassign(*, pathway: ProtectionPathway, operator, by) -> bool:
    if not access.unassign(pathway, operator, by=by):
        return False
    notification_create(recipient=operator, kind=Notification.Kind.PATHWAY_UNASSIGNED, label=pathway.person.case_code)
    return True
