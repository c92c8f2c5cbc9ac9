"""Writes of service referrals: the request (through the consent gate) and each change of status.

Each service is one transaction, audited with ``by`` as the actor (the outcome note is excluded from the diff).
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.audit.services import acting_as
from ceis.consent.models import Disclosure, Purpose
from ceis.consent.services import share_guard

from .models import ServiceReferral, ServiceStatus, ServiceStatusChange

PATHWAY_CLOSED = _("This pathway is closed.")
NOT_A_NEXT_STATUS = _("A service cannot move from “%(from)s” to “%(to)s”.")
BEFORE_LAST_CHANGE = _("The date cannot come before the last change of status.")
NOT_IN_FUTURE = _("The date cannot be in the future.")


def accepts_changes_from(pathway, user) -> bool:
    """Beneath a closed pathway only coordinators change services (late corrections); beneath a referral, anyone
    who may change the referral."""
    return pathway is None or pathway.ended_on is None or user.is_coordinator


@transaction.atomic
def service_request(
    *,
    service: ServiceReferral,
    by,
    pathway=None,
    referral=None,
    form_token: uuid.UUID | None = None,
) -> ServiceReferral:
    """Record a service requested for the person beneath ``pathway`` or ``referral``.

    When her data go to the provider, the request passes the consent gate first (purpose "referral to
    another body", the provider as recipient) and lands in the register of sharing; a refusal
    (:class:`ceis.consent.services.SharingRefused`) leaves nothing saved. A second submission of the same
    rendered form (``form_token``) returns the first row.
    """
    if form_token is not None:
        existing = ServiceReferral.objects.filter(form_token=form_token).first()
        if existing is not None:
            return existing
    if (pathway is None) == (referral is None):
        raise ValueError("a service hangs beneath exactly one pathway or one referral")
    anchor = pathway or referral
    if not accepts_changes_from(pathway, by):
        raise ValidationError(PATHWAY_CLOSED)
    service.pathway, service.referral, service.person_id = pathway, referral, anchor.person_id
    service.status = ServiceStatus.REQUESTED
    service.status_changed_on = service.requested_on
    service.created_by = by
    service.form_token = form_token
    service.full_clean()
    with acting_as(by):
        service.save()
        ServiceStatusChange.objects.create(
            service=service, status=ServiceStatus.REQUESTED, changed_on=service.requested_on, created_by=by
        )
        if service.shares_data:
            share_guard(
                person=anchor.person,
                purpose=Purpose.REFERRAL,
                recipient=service.provider,
                action=Disclosure.Action.SERVICE_REQUESTED,
                target=service,
                by=by,
                shared_on=service.requested_on,
            )
    return service


@transaction.atomic
def service_change_status(
    *, service: ServiceReferral, status: str, changed_on: datetime.date, outcome_note: str | None = None, by
) -> ServiceStatusChange:
    """Move a service to its next status on a date (never before the last change, never in the future)."""
    # Lock the service row alone (its pathway is a nullable join, which PostgreSQL cannot lock).
    service = ServiceReferral.objects.select_for_update(of=("self",)).select_related("pathway").get(pk=service.pk)
    if not accepts_changes_from(service.pathway, by):
        raise ValidationError(PATHWAY_CLOSED)
    errors: dict[str, list] = {}
    if status not in service.next_statuses:
        errors.setdefault("status", []).append(
            NOT_A_NEXT_STATUS % {"from": service.get_status_display(), "to": ServiceStatus(status).label}
            if status in ServiceStatus.values
            else _("Choose a status.")
        )
    if changed_on > timezone.localdate():
        errors.setdefault("changed_on", []).append(NOT_IN_FUTURE)
    elif changed_on < service.status_changed_on:
        errors.setdefault("changed_on", []).append(BEFORE_LAST_CHANGE)
    if errors:
        raise ValidationError(errors)
    with acting_as(by):
        change = ServiceStatusChange.objects.create(
            service=service, status=status, changed_on=changed_on, created_by=by
        )
        service.status, service.status_changed_on = status, changed_on
        fields = ["status", "status_changed_on", "updated_at"]
        if outcome_note is not None:
            service.outcome_note = outcome_note.strip()
            fields.append("outcome_note")
        service.save(update_fields=fields)
    return change
