"""Writes on accounts: admins create and change them; nobody but the person chooses her password."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from . import backends, roles

User = get_user_model()


def user_end_sessions(*, user) -> None:
    """Every session of this user ends at its next request: the epoch is part of the session hash."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def _queue_set_password_link(user) -> None:
    from .tasks import send_set_password_link

    transaction.on_commit(lambda: send_set_password_link.delay(user.pk))


def _partner_body_for(role: str, partner_body):
    """The body a partner account belongs to (required, active); no body for any other role."""
    if role != roles.PARTNER:
        return None
    if partner_body is None:
        raise ValidationError(_("A partner account needs the partner body it works for."))
    return partner_body


@transaction.atomic
def user_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    language: str,
    role: str,
    by,
    sex: str = "",
    partner_body=None,
) -> User:
    """A new account with no password: an e-mail brings its owner a one-time link to choose one."""
    if role not in roles.ALL:
        raise ValidationError(_("Unknown role."))
    partner_body = _partner_body_for(role, partner_body)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
        sex=sex,
        partner_body=partner_body,
        is_active=True,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    _queue_set_password_link(user)
    return user


@transaction.atomic
def user_update(
    *,
    user,
    first_name: str,
    last_name: str,
    email: str,
    language: str,
    role: str,
    by,
    sex: str | None = None,
    partner_body=None,
) -> User:
    if role not in roles.ALL:
        raise ValidationError(_("Unknown role."))
    partner_body = _partner_body_for(role, partner_body)
    if user.pk == by.pk and role != roles.ADMIN and not by.is_superuser:
        raise ValidationError(_("You cannot take the admin role away from your own account."))
    user.first_name, user.last_name, user.email, user.language = first_name, last_name, email, language
    if sex is not None:
        user.sex = sex
    # Read from the database: a model form has already put the new body on the instance.
    stored = User.objects.filter(pk=user.pk).values_list("partner_body_id", flat=True).get()
    moved = stored != (partner_body.pk if partner_body else None)
    user.partner_body = partner_body
    user.save(update_fields=["first_name", "last_name", "email", "language", "sex", "partner_body"])
    if moved and user.pk != by.pk:
        user_end_sessions(user=user)  # a partner account moved to another body starts again from the login
    user.groups.set([Group.objects.get(name=role)])
    backends.forget(user)
    return user


@transaction.atomic
def user_set_active(*, user, active: bool, by) -> User:
    """Deactivate (every session ends at once) or reactivate an account; accounts are never deleted."""
    if user.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user_end_sessions(user=user)
    return user


@transaction.atomic
def user_send_set_password_link(*, user, by) -> User:
    """A fresh one-time link by e-mail; the current password and earlier links stop working, sessions end."""
    if not user.is_active:
        raise ValidationError(_("Reactivate the account before sending it a link."))
    if not user.email:
        raise ValidationError(_("The account has no e-mail address to send the link to."))
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user_end_sessions(user=user)
    _queue_set_password_link(user)
    return user


@transaction.atomic
def user_reset_two_factor(*, user, by) -> User:
    """Remove the account's authenticator and backup codes (a lost phone); it sets up a new one at next login."""
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=None):
        device.delete()
    user_end_sessions(user=user)
    return user
