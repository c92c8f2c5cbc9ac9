"""The periodic task that sends what the broker could not take at the time, and its beat entry."""

from __future__ import annotations

import json
import smtplib
import subprocess
import sys

from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem

from ceis.notifications import tasks
from ceis.notifications.models import Notification
from tests import factories


def test_it_sends_every_unsent_row_once(notify, operator, operator_b):
    first, second = notify(operator, label="LU-2026-0001"), notify(operator_b, label="LU-2026-0002")

    assert tasks.send_pending_emails() == 2
    assert tasks.send_pending_emails() == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted([operator.email, operator_b.email])
    assert not Notification.objects.filter(pk__in=[first.pk, second.pk], emailed_at__isnull=True).exists()


def test_it_leaves_rows_already_sent_alone(notify, operator):
    sent = notify(operator)
    tasks.send_email(sent.pk)
    mail.outbox.clear()

    assert tasks.send_pending_emails() == 0
    assert mail.outbox == []


def test_one_undeliverable_row_does_not_block_the_rest(notify, operator, monkeypatch):
    bouncing = factories.OperatorFactory(email="bounces@example.org")
    stuck = notify(bouncing, label="LU-2026-0001")
    fine = notify(operator, label="LU-2026-0002")
    real_send = locmem.EmailBackend.send_messages

    def refuse_one(self, messages):
        if any("bounces@example.org" in m.to for m in messages):
            raise smtplib.SMTPRecipientsRefused({"bounces@example.org": (550, b"No such user")})
        return real_send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse_one)

    assert tasks.send_pending_emails() == 1

    assert [m.to for m in mail.outbox] == [[operator.email]]
    stuck.refresh_from_db()
    fine.refresh_from_db()
    assert (stuck.emailed_at, stuck.email_attempts) == (None, 1)
    assert fine.emailed_at is not None


def test_rows_that_failed_least_go_first(notify, operator, operator_b, monkeypatch):
    """A batch full of undeliverable rows must not starve a fresh notification."""
    old_failure = notify(operator_b, label="LU-2026-0001")
    Notification.objects.filter(pk=old_failure.pk).update(email_attempts=3)
    fresh = notify(operator, label="LU-2026-0002")
    monkeypatch.setattr(tasks, "PENDING_BATCH", 1)

    assert tasks.send_pending_emails() == 1

    assert [m.to for m in mail.outbox] == [[operator.email]]
    fresh.refresh_from_db()
    assert fresh.emailed_at is not None


def test_the_beat_schedule_names_a_task_a_fresh_worker_registers():
    """In a new interpreter, as ``celery -A ceis worker`` starts: nothing imported by the tests helps."""
    script = (
        "import json\n"
        "from ceis.celery import app\n"
        "import django\n"
        "django.setup()\n"
        "app.loader.import_default_modules()\n"
        "print(json.dumps({name: entry['task'] in app.tasks for name, entry in app.conf.beat_schedule.items()}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)

    registered = json.loads(done.stdout.strip().splitlines()[-1])
    assert registered == dict.fromkeys(settings.CELERY_BEAT_SCHEDULE, True)
    assert "resend-unsent-notifications" in registered
    entry = settings.CELERY_BEAT_SCHEDULE["resend-unsent-notifications"]
    assert entry["task"] == tasks.send_pending_emails.name == "ceis.notifications.tasks.send_pending_emails"
    assert 0 < float(entry["schedule"]) <= 15 * 60, "unsent e-mail should not wait more than a quarter of an hour"
