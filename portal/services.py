"""A partner body's referral through the portal: the same intake as a phone call, recorded "new" and "from the
portal", with the coordinators notified; the referrer gets nothing back but a receipt."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.accounts import roles
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create
from referrals.models import ExploitationForm, Person, Referral
from referrals.services import referral_intake

NAME_REQUIRED = _("Give at least a name, a surname or the name the person is known by.")
REASON_REQUIRED = _("Tell us what happened or what worries you.")
NO_BODY = _("This account is not linked to an active partner body: ask the service to check it.")


def _exploitation_forms(values: Iterable[Any]) -> list[ExploitationForm]:
    """Forms of exploitation given as instances or as their codes (the API sends codes)."""
    values = list(values or ())
    codes = [v for v in values if isinstance(v, str)]
    forms = [v for v in values if isinstance(v, ExploitationForm)]
    if codes:
        found = list(ExploitationForm.objects.filter(code__in=codes))
        if len(found) != len(set(codes)):
            raise ValidationError({"exploitation_forms": _("Unknown form of exploitation.")})
        forms += found
    return forms


def _text(data: Mapping[str, Any], key: str) -> str:
    return (data.get(key) or "").strip()


@transaction.atomic
def submit_referral(user, cleaned_data: Mapping[str, Any]) -> Referral:
    """Record a referral from a partner account for its own body, "new" and from the portal; notify coordinators.

    ``cleaned_data`` holds the portal form's fields (``portal.forms.PortalReferralForm``): ``first_name``,
    ``last_name``, ``aliases``, ``gender``, ``birth_year``, ``phone``, ``urgency``, ``reason``,
    ``exploitation_forms`` (instances or codes), and optionally ``submission`` (a UUID):
    the same submission again returns the referral it created instead of a second one.

    The duplicate check runs as at the phone, but only the coordinators see its answer (a flag on the
    referral): the portal tells nobody whether a person is already known to the service.
    """
    if not (user.is_authenticated and user.is_active and user.has_role(roles.PARTNER)):
        raise PermissionDenied
    body = user.partner_body
    if body is None or not body.active:
        raise ValidationError(NO_BODY)
    submission = cleaned_data.get("submission")
    if submission is not None:
        submission = submission if isinstance(submission, uuid.UUID) else uuid.UUID(str(submission))
        earlier = Referral.objects.filter(submission=submission).first()
        if earlier is not None:
            if earlier.referring_body_id != body.pk or earlier.channel != Referral.Channel.PORTAL:
                raise ValidationError(_("This form has already been used."))
            return earlier

    person = Person(
        first_name=_text(cleaned_data, "first_name"),
        last_name=_text(cleaned_data, "last_name"),
        aliases=_text(cleaned_data, "aliases"),
        gender=cleaned_data.get("gender") or Person.Gender.NOT_STATED,
        birth_year=cleaned_data.get("birth_year") or None,
        phone=_text(cleaned_data, "phone"),
    )
    if not (person.first_name or person.last_name or person.aliases):
        raise ValidationError({"last_name": NAME_REQUIRED})
    reason = _text(cleaned_data, "reason")
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    referral = Referral(
        referring_body=body,
        referrer_name=(user.get_full_name() or user.username)[:150],
        channel=Referral.Channel.PORTAL,
        received_at=timezone.now(),
        urgency=cleaned_data.get("urgency") or Referral.Urgency.ROUTINE,
        reason=reason,
        submission=submission,
    )
    forms = _exploitation_forms(cleaned_data.get("exploitation_forms"))
    try:
        with transaction.atomic():
            referral = referral_intake(
                person=person,
                referral=referral,
                exploitation_forms=forms,
                by=user,
            )
    except IntegrityError:
        # The same form sent twice at once: the first one won.
        if submission is not None:
            earlier = Referral.objects.filter(submission=submission, referring_body=body).first()
            if earlier is not None:
                return earlier
        raise
    _notify_coordinators(referral)
    return referral


def _notify_coordinators(referral: Referral) -> None:
    path = reverse("referrals:detail", args=[referral.pk])
    coordinators = get_user_model().objects.filter(is_active=True, groups__name=roles.COORDINATOR).distinct()
    for coordinator in coordinators:
        notification_create(
            recipient=coordinator,
            kind=Notification.Kind.PORTAL_REFERRAL,
            label=referral.person.case_code,
            path=path,
        )
