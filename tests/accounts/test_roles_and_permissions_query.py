"""Roles, permissions and the unread count of the signed-in user: one query, the same answers as Django's."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ceis.accounts import backends, roles
from ceis.accounts.models import User
from ceis.notifications.models import Notification
from tests import factories


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_roles_permissions_and_unread_count_come_in_one_query(operator):
    Notification.objects.create(recipient=operator, kind=Notification.Kind.values[0])
    Notification.objects.create(recipient=operator, kind=Notification.Kind.values[0])
    extra = Permission.objects.get(codename="add_exploitationform")
    operator.user_permissions.add(extra)
    user = _fresh(operator)
    with CaptureQueriesContext(connection) as queries:
        assert user.is_operator and not user.is_coordinator
        assert user.has_perm("referrals.add_referral")
        assert user.has_perm("referrals.add_exploitationform")
        assert not user.has_perm("referrals.assign_referral")
    assert len(queries) == 1
    assert user.__dict__["_unread_notifications"] == 2

    reference = _fresh(operator)
    django = DjangoModelBackend()
    assert user.get_all_permissions() == django.get_all_permissions(reference)
    assert backends.ModelBackend().get_user_permissions(user) == {"referrals.add_exploitationform"}
    assert backends.ModelBackend().get_group_permissions(user) == django.get_group_permissions(_fresh(operator))


def test_the_unread_count_in_the_navigation_bar(op_client, operator):
    Notification.objects.create(recipient=operator, kind=Notification.Kind.values[0])
    with CaptureQueriesContext(connection) as queries:
        response = op_client.get("/referrals/")
    assert response.context["unread_notifications"] == 1
    assert 'id="unread-count"' not in response.text or ">1<" in response.text
    counts = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "UNION ALL" in counts[0]  # read with her roles, not on its own


def test_a_change_of_role_is_seen_after_forget(operator):
    user = _fresh(operator)
    assert user.is_operator
    user.groups.set([Group.objects.get(name=roles.COORDINATOR)])
    assert user.is_operator  # cached for the request, as before
    backends.forget(user)
    assert user.is_coordinator and not user.is_operator
    assert user.has_perm("referrals.assign_referral")


def test_inactive_users_and_superusers_keep_django_answers(db):
    inactive = factories.OperatorFactory(is_active=False)
    assert not _fresh(inactive).has_perm("referrals.add_referral")
    root = User.objects.create_superuser("root-test", "root@example.org", "x" * 16)
    assert _fresh(root).has_perm("referrals.assign_referral")
