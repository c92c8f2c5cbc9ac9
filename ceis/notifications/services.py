from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


def _enqueue_email(notification_id: int) -> None:
    from .tasks import send_email

    try:
        send_email.delay(notification_id)
    except Exception:  # noqa: BLE001 - any broker failure: the periodic task will resend from the row
        logger.warning("Broker unavailable; notification %s stays in the outbox", notification_id)


def notification_create(
    *, recipient, kind: str, label: str = "", path: str = "", event_key: str = ""
) -> Notification | None:
    """Write the row now; queue the e-mail only once the surrounding transaction commits.

    With an ``event_key`` the notification is written once per recipient and event: a second call
    (a re-run of a daily reminder, say) returns None and sends nothing.
    """
    if event_key and Notification.objects.filter(recipient=recipient, event_key=event_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, label=label, path=path, event_key=event_key
            )
    except IntegrityError:
        if not event_key:
            raise
        return None  # a concurrent run wrote it first
    transaction.on_commit(lambda: _enqueue_email(notification.pk))
    return notification


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
