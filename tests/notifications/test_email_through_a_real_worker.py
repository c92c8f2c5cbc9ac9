"""The assignment e-mail through a real Celery worker and Redis, and through a broker outage.

These tests commit (``transaction=True``) and run Celery's in-process test worker on the app of
``ceis.celery``; see ``conftest.py`` for the broker, the worker and the caches they need.
"""

from __future__ import annotations

import base64
import json
import logging
import time

import pytest
from django.core import mail
from django.urls import reverse

from ceis.notifications import tasks
from ceis.notifications.models import Notification
from referrals import services
from referrals.models import Referral
from tests import factories

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("roles_present"),  # before any user is created with a role
]

SEND_EMAIL = tasks.send_email.name
SEND_PENDING = tasks.send_pending_emails.name


def test_a_real_worker_delivers_the_assignment_e_mail(
    broker, celery_worker, coordinator, sensitive_referral, assert_no_personal_data
):
    operator = factories.OperatorFactory(language="en")
    broker.up()

    assert services.referral_assign(referral=sensitive_referral, operator=operator, by=coordinator)  # commits

    notification = Notification.objects.get(recipient=operator)
    queued = broker.queued()  # published on commit; waits in Redis for a worker
    (message,) = [m for m in queued if m["headers"]["task"] == SEND_EMAIL]
    body = base64.b64decode(message["body"]).decode()
    args, kwargs, _ = json.loads(body)
    assert (args, kwargs) == ([notification.pk], {}), "tasks take ids only"
    for m in queued:  # the e-mail's and the others of the same commit (the dashboard's mark)
        assert_no_personal_data(base64.b64decode(m["body"]).decode(), json.dumps(m["headers"]))
    assert mail.outbox == []

    with celery_worker() as runs:
        assert runs.wait_for(SEND_EMAIL) == [True]

    (email,) = mail.outbox
    assert email.to == [operator.email]
    assert sensitive_referral.person.case_code in email.subject
    assert "assigned to you" in email.subject
    assert_no_personal_data(email.subject, email.body)
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert broker.queued() == []


def test_with_the_broker_down_the_assignment_saves_and_the_e_mail_follows_once(
    broker, celery_worker, coord_client, operator, caplog
):
    referral = factories.ReferralFactory()
    waiting = broker.queued()  # what the referral's creation published (the statistics' marks)
    broker.down()

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="ceis.notifications.services"):
        response = coord_client.post(reverse("referrals:assign", args=[referral.pk]), {"operator": operator.pk})
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 5, f"publishing to a dead broker held the request for {elapsed:.1f}s"
    assert "stays in the outbox" in caplog.text, "the publish was attempted and failed"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ASSIGNED
    notification = Notification.objects.get(recipient=operator)
    assert notification.emailed_at is None
    assert mail.outbox == []
    assert broker.queued() == waiting, "nothing reached Redis while it was unreachable"

    with celery_worker() as runs:  # the broker is back
        tasks.send_pending_emails.delay()
        assert runs.wait_for(SEND_PENDING) == [1]
        assert len(mail.outbox) == 1
        tasks.send_pending_emails.delay()
        assert runs.wait_for(SEND_PENDING, count=2) == [1, 0]

    (email,) = mail.outbox
    assert email.to == [operator.email]
    assert referral.person.case_code in email.subject
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert runs.results(SEND_EMAIL) == [], "the lost message never came back: the periodic resend sent it"


def test_the_task_on_commit_and_the_periodic_resend_send_it_once(broker, celery_worker, coordinator, operator):
    referral = factories.ReferralFactory()
    broker.up()
    services.referral_assign(referral=referral, operator=operator, by=coordinator)
    tasks.send_pending_emails.delay()  # the beat fires before the worker has taken the first task
    # Other tasks of the same commits (the dashboard's and the statistics' marks) are queued beside them.
    assert [m["headers"]["task"] for m in broker.queued() if m["headers"]["task"] in (SEND_EMAIL, SEND_PENDING)] == [
        SEND_EMAIL,
        SEND_PENDING,
    ]

    with celery_worker() as runs:
        runs.wait_for(SEND_PENDING)

    assert runs.results(SEND_EMAIL) == [True]
    assert runs.results(SEND_PENDING) == [0]
    assert len(mail.outbox) == 1
