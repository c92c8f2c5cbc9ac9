"""Daily reminders of tomorrow's interviews, through notification rows. Tasks take no personal data."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ceis import access, periodic
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create

from .models import Interview


@shared_task(ignore_result=True)
def send_interview_reminders() -> int:
    """Remind the assigned operators (and those present) of each interview, or next appointment, tomorrow, once."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    interviews = list(
        access.without_restricted(Interview)  # restricted people (GDPR art. 18): no reminders
        .filter(
            status=Interview.Status.SCHEDULED,
            scheduled_at__gte=start,
            scheduled_at__lt=start + datetime.timedelta(days=1),
        )
        .select_related("referral__person")
        .prefetch_related("operators_present")
    )
    # Next appointments set in a held interview (draft or completed) are reminded the same way.
    appointments = list(
        access.without_restricted(Interview)
        .filter(next_appointment__gte=start, next_appointment__lt=start + datetime.timedelta(days=1))
        .exclude(status=Interview.Status.SCHEDULED)
        .select_related("referral__person")
        .prefetch_related("operators_present")
    )
    assigned = access.assignees([i.referral for i in interviews + appointments])
    due = [(i, f"interview:{i.pk}:{i.scheduled_at:%Y-%m-%dT%H:%M}") for i in interviews]
    due += [(i, f"appointment:{i.pk}:{i.next_appointment:%Y-%m-%dT%H:%M}") for i in appointments]

    def remind(item) -> int:
        interview, event_key = item
        recipients = {u for u in assigned.get(interview.referral_id, []) if u.is_active}
        recipients |= {u for u in interview.operators_present.all() if u.is_active}
        written = 0
        for user in recipients:
            with transaction.atomic():
                created = notification_create(
                    recipient=user,
                    kind=Notification.Kind.INTERVIEW_REMINDER,
                    label=interview.referral.person.case_code,
                    path=reverse("interviews:detail", args=[interview.pk]),
                    event_key=event_key,
                )
            written += created is not None
        return written

    # One interview that fails is logged and skipped; the others are reminded (ceis/periodic.py).
    return periodic.each(
        "interview-reminders", due, remind, describe=lambda item: ("interviews.Interview", item[0].pk)
    ).total
