"""E-mail of the one-time set-password link. The task takes the user's id only; the token is made when sending."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def set_password_url(user) -> str:
    """Absolute one-time link: it stops working once a password is set, and after PASSWORD_RESET_TIMEOUT."""
    path = reverse(
        "set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


@shared_task(ignore_result=True)
def send_set_password_link(user_id: int) -> bool:
    """E-mail the link to an active account that has no password yet. True if an e-mail went out."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or user.has_usable_password():
        return False
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": user,
            "url": set_password_url(user),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        subject = " ".join(render_to_string("accounts/email/set_password_subject.txt", context).split())
        body = render_to_string("accounts/email/set_password_body.txt", context)
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    ).send()
    return True
