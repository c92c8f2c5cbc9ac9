from __future__ import annotations

import datetime

from django.core import mail
from django.utils import timezone

from ceis.notifications.models import Notification
from interviews.tasks import send_interview_reminders
from tests import factories


def _at(days: int, hour: int = 10):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def test_it_reminds_the_assigned_operator_the_day_before_once(operator, django_capture_on_commit_callbacks):
    referral = factories.ReferralFactory(assigned_to=[operator])
    interview = factories.InterviewFactory(referral=referral, scheduled_at=_at(1))
    factories.InterviewFactory(referral=referral, scheduled_at=_at(2))  # the day after tomorrow: not yet
    factories.InterviewFactory(referral=referral, scheduled_at=_at(0))  # today: too late

    with django_capture_on_commit_callbacks(execute=True):
        assert send_interview_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_interview_reminders() == 0

    notification = Notification.objects.get(recipient=operator)
    assert notification.kind == Notification.Kind.INTERVIEW_REMINDER
    assert notification.label == referral.person.case_code
    assert notification.path == f"/interviews/{interview.pk}/"
    assert len(mail.outbox) == 1
    assert referral.person.last_name not in mail.outbox[0].body


def test_a_rescheduled_interview_is_reminded_again(operator):
    interview = factories.InterviewFactory(
        referral=factories.ReferralFactory(assigned_to=[operator]), scheduled_at=_at(1)
    )
    send_interview_reminders()
    interview.scheduled_at = _at(1, hour=15)
    interview.save()
    assert send_interview_reminders() == 1


def test_held_interviews_and_inactive_operators_get_no_reminder(operator, operator_b):
    factories.InterviewFactory(
        referral=factories.ReferralFactory(assigned_to=[operator]),
        scheduled_at=_at(1),
        status="completed",
        held_at=timezone.now(),
        duration_minutes=60,
    )
    operator_b.is_active = False
    operator_b.save()
    factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator_b]), scheduled_at=_at(1))
    assert send_interview_reminders() == 0
    assert not Notification.objects.exists()


def test_the_reminder_runs_daily_from_beat(settings):
    from ceis.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["interview-reminders"]
    assert entry["task"] == "interviews.tasks.send_interview_reminders"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def test_the_next_appointment_is_reminded_the_day_before_once(operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    interview = factories.InterviewFactory(
        referral=referral,
        status="completed",
        held_at=timezone.now() - datetime.timedelta(days=2),
        duration_minutes=60,
        next_appointment=_at(1),
    )
    assert send_interview_reminders() == 1
    assert send_interview_reminders() == 0
    assert Notification.objects.get(recipient=operator).path == f"/interviews/{interview.pk}/"
