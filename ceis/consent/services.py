"""Writes of consents, withdrawals and legal bases, and the gate on sharing a person's data.

Each service is one transaction; django-auditlog records the new row with the operator as actor
(ids, codes and dates only: the free-text fields are excluded from the audit diff).
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.audit.services import acting_as
from ceis.partners.models import PartnerBody

from . import selectors
from .models import PURPOSES_WITH_RECIPIENT, Consent, ConsentWithdrawal, Disclosure, InformationNotice, LegalBasis

NOT_IN_FUTURE = _("The date cannot be in the future.")
ALREADY_WITHDRAWN = _("This consent has already been withdrawn.")
WITHDRAWN_BEFORE_GIVEN = _("A consent cannot be withdrawn before the date it was given.")
NO_RECIPIENT_FOR_PURPOSE = _("A recipient applies only to referral or to sharing with police or judicial authority.")
EXPLANATION_REQUIRED = _("Explain why this legal basis applies.")
NOTICE_INACTIVE = _("Choose an information notice in use.")


class SharingRefused(ValidationError):
    """Sharing a person's data was refused: no valid consent and no legal basis for the purpose and recipient.

    Carries what a form needs to offer the way out (record a consent or a legal basis): the person,
    the purpose and the recipient. ``kept`` names what was saved all the same (a report, saved but neither
    printed nor sent): the message then says so, instead of "nothing has been saved".
    """

    def __init__(self, *, person, purpose: str, recipient: PartnerBody | None, kept: str = ""):
        from .models import Purpose

        if kept == "report":
            text = _(
                "%(code)s has given no valid consent for “%(purpose)s” to %(recipient)s, and no legal basis is "
                "recorded for it: the report is saved, but it cannot be printed or sent. Record the consent or "
                "the legal basis first."
            )
        else:
            text = _(
                "%(code)s has given no valid consent for “%(purpose)s” to %(recipient)s, and no legal basis is "
                "recorded for it: nothing has been saved. Record the consent or the legal basis first."
            )
        message = text % {
            "code": person.case_code,
            "purpose": Purpose(purpose).label,
            "recipient": recipient.name if recipient is not None else _("any recipient"),
        }
        super().__init__(message, code="consent_required")
        self.person = person
        self.purpose = purpose
        self.recipient = recipient


def share_guard(
    *,
    person,
    purpose: str,
    recipient: PartnerBody,
    action: str,
    target: models.Model,
    by,
    shared_on: datetime.date | None = None,
) -> Disclosure:
    """The gate in front of every sharing of a person's data with another body: allow and record, or refuse.

    Raises :class:`SharingRefused` (a ``ValidationError``) unless the person has a valid consent for
    ``purpose`` and ``recipient`` (or any recipient), or a legal basis is recorded for it
    (:func:`ceis.consent.selectors.may_share`). When allowed, writes a :class:`Disclosure` naming the
    consent or legal basis relied on. Call it inside the sharing service's transaction, before it saves:
    a refusal then leaves nothing saved. The consent relied on is locked, so a withdrawal recorded at
    the same moment waits for this transaction.

    Not for the data subject's own access request (GDPR art. 15): that is her right, not a sharing.
    """
    with transaction.atomic():
        basis = selectors._basis(person, purpose, recipient, lock=True)
        if basis is None:
            raise SharingRefused(person=person, purpose=purpose, recipient=recipient)
        with acting_as(by):
            return Disclosure.objects.create(
                person=person,
                purpose=purpose,
                recipient=recipient,
                action=action,
                target_type=ContentType.objects.get_for_model(target),
                target_id=target.pk,
                consent=basis if isinstance(basis, Consent) else None,
                legal_basis=basis if isinstance(basis, LegalBasis) else None,
                shared_on=shared_on or timezone.localdate(),
                recorded_by=by,
            )


def _check_date(day: datetime.date | None, field: str, errors: dict) -> None:
    if day and day > timezone.localdate():
        errors.setdefault(field, []).append(NOT_IN_FUTURE)


@transaction.atomic
def consent_record(
    *,
    person,
    purpose: str,
    notice: InformationNotice,
    language: str,
    given_on: datetime.date,
    recipient: PartnerBody | None = None,
    recipient_note: str = "",
    interpreter: str = "",
    by,
) -> Consent:
    errors: dict[str, list] = {}
    _check_date(given_on, "given_on", errors)
    if (recipient is not None or recipient_note) and purpose not in PURPOSES_WITH_RECIPIENT:
        errors.setdefault("recipient", []).append(NO_RECIPIENT_FOR_PURPOSE)
    if not notice.active:
        errors.setdefault("notice", []).append(NOTICE_INACTIVE)
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        person=person,
        purpose=purpose,
        recipient=recipient,
        recipient_note=recipient_note,
        notice=notice,
        language=language,
        interpreter=interpreter,
        given_on=given_on,
        recorded_by=by,
    )
    consent.full_clean()
    with acting_as(by):
        consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_on: datetime.date, by) -> ConsentWithdrawal:
    """Record that the person withdrew this consent; the consent row itself is never touched."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if ConsentWithdrawal.objects.filter(consent=locked).exists():
        raise ValidationError(ALREADY_WITHDRAWN)
    errors: dict[str, list] = {}
    _check_date(withdrawn_on, "withdrawn_on", errors)
    if withdrawn_on and withdrawn_on < locked.given_on:
        errors.setdefault("withdrawn_on", []).append(WITHDRAWN_BEFORE_GIVEN)
    if errors:
        raise ValidationError(errors)
    with acting_as(by):
        return ConsentWithdrawal.objects.create(consent=locked, withdrawn_on=withdrawn_on, recorded_by=by)


@transaction.atomic
def legal_basis_record(
    *,
    person,
    purpose: str,
    basis: str,
    explanation: str,
    decided_on: datetime.date,
    recipient: PartnerBody | None = None,
    by,
) -> LegalBasis:
    errors: dict[str, list] = {}
    _check_date(decided_on, "decided_on", errors)
    if not (explanation or "").strip():
        errors.setdefault("explanation", []).append(EXPLANATION_REQUIRED)
    if recipient is not None and purpose not in PURPOSES_WITH_RECIPIENT:
        errors.setdefault("recipient", []).append(NO_RECIPIENT_FOR_PURPOSE)
    if errors:
        raise ValidationError(errors)
    record = LegalBasis(
        person=person,
        purpose=purpose,
        basis=basis,
        recipient=recipient,
        explanation=explanation.strip(),
        decided_on=decided_on,
        recorded_by=by,
    )
    record.full_clean()
    with acting_as(by):
        record.save()
    return record
