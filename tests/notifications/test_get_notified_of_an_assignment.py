"""An assignment notifies the operator: a row in the same transaction, the count in the bar, the list."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from ceis import access
from ceis.audit.models import Event
from ceis.notifications.models import Notification
from referrals import services
from referrals.models import Referral

UNREAD = re.compile(r'id="unread-count">(\d+)<')


def unread_count(response) -> int | None:
    match = UNREAD.search(response.text)
    return int(match.group(1)) if match else None


def test_it_writes_the_notification_with_the_assignment(
    coordinator, operator, sensitive_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.referral_assign(referral=sensitive_referral, operator=operator, by=coordinator)

        notification = Notification.objects.get()
        assert notification.recipient == operator
        assert notification.kind == Notification.Kind.ASSIGNED
        assert notification.label == sensitive_referral.person.case_code
        assert notification.path == reverse("referrals:detail", args=[sensitive_referral.pk])
        assert (notification.read_at, notification.emailed_at) == (None, None)
        assert mail.outbox == [], "no e-mail before the transaction commits"

    # One e-mail queued on commit (the other callbacks mark the dashboard's stored figures).
    assert [c.__qualname__ for c in callbacks].count("notification_create.<locals>.<lambda>") == 1


def test_a_rolled_back_assignment_leaves_no_notification_and_sends_nothing(
    coordinator, operator, sensitive_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.referral_assign(referral=sensitive_referral, operator=operator, by=coordinator)
            assert Notification.objects.filter(recipient=operator).exists()
            raise RuntimeError("something later in the same transaction fails")

    assert not Notification.objects.exists()
    assert not access.is_assigned(sensitive_referral, operator)
    assert callbacks == []
    assert mail.outbox == []


def test_a_failing_notification_rolls_back_the_assignment(
    coordinator, operator, sensitive_referral, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("notification could not be written")

    monkeypatch.setattr(services, "notification_create", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.referral_assign(referral=sensitive_referral, operator=operator, by=coordinator)

    sensitive_referral.refresh_from_db()
    assert sensitive_referral.status == Referral.Status.NEW
    assert not access.is_assigned(sensitive_referral, operator)
    assert not Event.objects.filter(kind=Event.Kind.ASSIGN).exists()
    assert mail.outbox == []


def test_the_operator_sees_the_count_and_the_list_and_opens_it(
    coord_client, op_client, operator, sensitive_referral, django_capture_on_commit_callbacks, assert_no_personal_data
):
    code = sensitive_referral.person.case_code
    before = op_client.get(reverse("home"), follow=True)
    assert reverse("notifications:list") in before.text
    assert unread_count(before) is None

    with django_capture_on_commit_callbacks(execute=True):
        response = coord_client.post(
            reverse("referrals:assign", args=[sensitive_referral.pk]), {"operator": operator.pk}
        )
    assert response.status_code == 302

    home = op_client.get(reverse("home"), follow=True)
    assert unread_count(home) == 1
    listing = op_client.get(reverse("notifications:list"))
    assert unread_count(listing) == 1
    assert code in listing.text
    assert_no_personal_data(listing.text)

    notification = Notification.objects.get(recipient=operator)
    opened = op_client.post(reverse("notifications:open", args=[notification.pk]))

    assert opened.status_code == 302
    assert opened.url == reverse("referrals:detail", args=[sensitive_referral.pk])
    assert op_client.get(opened.url).status_code == 200
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert unread_count(op_client.get(reverse("notifications:list"))) is None


def test_the_embedded_default_e_mails_on_commit(
    coordinator, operator, sensitive_referral, django_capture_on_commit_callbacks, assert_no_personal_data
):
    """Celery eager (no broker): the e-mail goes out as the assignment commits."""
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_assign(referral=sensitive_referral, operator=operator, by=coordinator)

    (message,) = mail.outbox
    assert message.to == [operator.email]
    assert sensitive_referral.person.case_code in message.subject
    assert_no_personal_data(message.subject, message.body)
    assert Notification.objects.get().emailed_at is not None
