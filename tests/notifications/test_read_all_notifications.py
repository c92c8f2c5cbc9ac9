from __future__ import annotations

from django.urls import reverse

from ceis.notifications.models import Notification


def test_it_marks_all_her_notifications_read(op_client, operator, notify):
    notify(operator)
    notify(operator)

    response = op_client.post(reverse("notifications:read_all"))

    assert response.status_code == 302
    assert response.url == reverse("notifications:list")
    assert not Notification.objects.filter(recipient=operator, read_at__isnull=True).exists()


def test_it_leaves_other_users_notifications_unread(op_client, operator, operator_b, notify):
    notify(operator)
    theirs = notify(operator_b)

    op_client.post(reverse("notifications:read_all"))

    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_rejects_get(op_client, operator, notify):
    notification = notify(operator)

    assert op_client.get(reverse("notifications:read_all")).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None
