"""Writes on partner bodies and their contacts. Each service is one transaction.

Changes are audited by django-auditlog (both models are registered); ``by`` is recorded as the actor
also when a service runs outside a request (shell, data fixes, tasks). Bodies are never deleted:
referrals and people point at them with PROTECT foreign keys, so they are deactivated instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ceis.audit.services import acting_as

from .models import PartnerBody, PartnerContact
from .selectors import partner_body_name_taken

BODY_FIELDS = (
    "name",
    "kind",
    "role",
    "municipality",
    "address",
    "phone",
    "email",
    "agreement_from",
    "agreement_to",
    "notes",
)
CONTACT_FIELDS = ("name", "role", "phone", "email")

NAME_TAKEN = _("A partner body with this name already exists.")


def _apply(instance, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for field, value in data.items():
        setattr(instance, field, value)


def _save_body(body: PartnerBody) -> PartnerBody:
    """Validate and save; a duplicate name is a clear error on the name field, even when two saves race."""
    if partner_body_name_taken(body.name, exclude_pk=body.pk):
        raise ValidationError({"name": NAME_TAKEN})
    body.full_clean()
    try:
        with transaction.atomic():
            body.save()
    except IntegrityError as exc:
        if partner_body_name_taken(body.name, exclude_pk=body.pk):
            raise ValidationError({"name": NAME_TAKEN}) from exc
        raise
    return body


@transaction.atomic
def partner_body_create(*, data: Mapping[str, Any], by) -> PartnerBody:
    """Add a body to the network. ``data`` holds fields of ``BODY_FIELDS``; ``name`` and ``kind`` are required."""
    body = PartnerBody(active=True)
    _apply(body, data, BODY_FIELDS)
    with acting_as(by):
        return _save_body(body)


@transaction.atomic
def partner_body_update(*, body: PartnerBody, data: Mapping[str, Any], by) -> PartnerBody:
    _apply(body, data, BODY_FIELDS)
    with acting_as(by):
        return _save_body(body)


@transaction.atomic
def partner_body_set_active(*, body: PartnerBody, active: bool, by) -> bool:
    """Deactivate or reactivate a body; False when it already was. An inactive body is no longer offered
    as a referring body or reception centre, while the records that name it keep it."""
    current = PartnerBody.objects.select_for_update().get(pk=body.pk)
    if current.active == active:
        body.active = active
        return False
    current.active = active
    with acting_as(by):
        current.save(update_fields=["active"])
    body.active = active
    return True


@transaction.atomic
def partner_contact_save(
    *, body: PartnerBody, data: Mapping[str, Any], by, contact: PartnerContact | None = None
) -> PartnerContact:
    """Add a contact person to ``body`` (``contact`` None) or change one of its contacts."""
    if contact is None:
        contact = PartnerContact(body=body, active=True)
    elif contact.body_id != body.pk:
        raise ValueError("The contact belongs to another body.")
    _apply(contact, data, CONTACT_FIELDS)
    contact.full_clean()
    with acting_as(by):
        contact.save()
    return contact


@transaction.atomic
def partner_contact_set_active(*, contact: PartnerContact, active: bool, by) -> bool:
    """Deactivate or reactivate a contact; False when it already was. Referrals that name it keep it."""
    current = PartnerContact.objects.select_for_update().get(pk=contact.pk)
    if current.active == active:
        contact.active = active
        return False
    current.active = active
    with acting_as(by):
        current.save(update_fields=["active"])
    contact.active = active
    return True
