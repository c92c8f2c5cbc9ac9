"""The day-before reminder of a planned group session, through notification rows. Tasks take no personal data."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ceis import access, periodic
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create

from .models import GroupSession


@shared_task(ignore_result=True)
def send_session_reminders() -> int:
    """Remind the active facilitators of each session planned for tomorrow, once (cancelled ones: never)."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    sessions = list(
        GroupSession.objects.filter(
            status=GroupSession.Status.PLANNED,
            held_at__gte=start,
            held_at__lt=start + datetime.timedelta(days=1),
        ).select_related("host_centre")
    )
    facilitators = access.assignees(sessions)

    def remind(session: GroupSession) -> int:
        # The label is the host centre (a partner body, not a person) and the time; the event key changes
        # with the time, so a session moved to another hour of tomorrow is reminded again.
        local = timezone.localtime(session.held_at)
        label = f"{local:%H:%M} · {session.host_centre.name}"[:50]
        written = 0
        for user in facilitators.get(session.pk, []):
            if not user.is_active:
                continue
            with transaction.atomic():
                created = notification_create(
                    recipient=user,
                    kind=Notification.Kind.SESSION_REMINDER,
                    label=label,
                    path=reverse("groups:detail", args=[session.pk]),
                    event_key=f"session:{session.pk}:{session.held_at:%Y-%m-%dT%H:%M}",
                )
            written += created is not None
        return written

    # One session that fails is logged and skipped; the others are reminded (ceis/periodic.py).
    return periodic.each("session-reminders", sessions, remind).total
