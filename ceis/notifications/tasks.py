"""E-mail delivery from notification rows. Tasks take ids only, never personal data.

Each row is e-mailed once: it is locked while it is sent and marked sent in the same transaction, so
the task queued on commit and the periodic resend can race without sending twice (the one window for a
repeat is a crash after the mail server accepted and before the commit). A failure to send leaves the
row unsent, its attempt counted, for the next periodic run.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ceis import periodic

from .models import Notification

logger = logging.getLogger(__name__)

# Rows the periodic task takes per run; the rest wait for the next run.
PENDING_BATCH = 500


def _message(notification: Notification) -> EmailMessage:
    recipient = notification.recipient
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"notification": notification, "site_url": settings.SITE_URL.rstrip("/")}
        subject = " ".join(render_to_string("notifications/email_subject.txt", context).split())
        body = render_to_string("notifications/email_body.txt", context)
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        # RFC 3834: no auto-replies (out-of-office) to a machine; and say which language this is in.
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )


@shared_task(ignore_result=True)
def send_email(notification_id: int) -> bool:
    """Send one notification by e-mail, once. True if an e-mail went out."""
    with transaction.atomic():
        # Lock the notification only (not the joined user row, which logins update).
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        recipient = notification.recipient
        if not recipient.email or not recipient.is_active:
            # Nobody to write to: done with this row (it stays in the in-app inbox).
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            return False
        notification.email_attempts += 1
        try:
            _message(notification).send()
        except Exception:  # noqa: BLE001 - SMTP or any backend failure: keep the row for the periodic resend
            logger.warning(
                "Could not e-mail notification %s (attempt %s)",
                notification_id,
                notification.email_attempts,
                exc_info=True,
            )
            notification.save(update_fields=["email_attempts"])
            return False
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "email_attempts"])
    logger.info("Notification %s e-mailed", notification_id)
    return True


@shared_task(ignore_result=True)
def send_pending_emails() -> int:
    """Periodic: send what the broker could not take at the time (nothing lost, nothing twice).

    Rows that failed least go first, so a few undeliverable ones never hold back the fresh ones.
    """
    pending = (
        Notification.objects.filter(emailed_at__isnull=True)
        .order_by("email_attempts", "created_at", "pk")
        .values_list("pk", flat=True)
    )
    counts = periodic.each(
        "send_pending_emails", list(pending[:PENDING_BATCH]), send_email, model=Notification
    )  # a row that fails stays unsent, for the next run
    return counts.total
