"""E-mail delivery from notification rows. Tasks take ids only, never personal data."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_email(notification_id: int) -> bool:
    """Send one notification by e-mail, once: the row is locked and marked sent in one transaction."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        recipient = notification.recipient
        if not recipient.email or not recipient.is_active:
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            return False
        notification.email_attempts += 1
        with translation.override(recipient.language or settings.LANGUAGE_CODE):
            context = {"notification": notification, "site_url": settings.SITE_URL.rstrip("/")}
            subject = render_to_string("notifications/email_subject.txt", context).strip()
            body = render_to_string("notifications/email_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "email_attempts"])
    logger.info("Notification %s e-mailed", notification_id)
    return True


@shared_task(ignore_result=True)
def send_pending_emails() -> int:
    """Periodic: send what the broker could not take at the time (nothing lost, nothing twice)."""
    pending = Notification.objects.filter(emailed_at__isnull=True).order_by("created_at").values_list("pk", flat=True)
    sent = 0
    for notification_id in list(pending[:500]):
        try:
            sent += bool(send_email(notification_id))
        except Exception:  # noqa: BLE001 - one bad row must not block the rest; it stays unsent
            logger.exception("Could not e-mail notification %s", notification_id)
    return sent
