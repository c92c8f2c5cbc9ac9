from __future__ import annotations

from django.urls import reverse

from ceis import access
from ceis.audit.models import Event
from ceis.notifications.models import Notification
from referrals.models import Referral
from tests import factories


def _assign(client, referral, user):
    return client.post(reverse("referrals:assign", args=[referral.pk]), {"operator": user.pk})


def test_it_assigns_grants_access_audits_and_notifies(coord_client, coordinator, op_client, operator):
    referral = factories.ReferralFactory()
    detail = reverse("referrals:detail", args=[referral.pk])
    assert op_client.get(detail).status_code == 404

    response = _assign(coord_client, referral, operator)

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ASSIGNED
    assert op_client.get(detail).status_code == 200
    event = Event.objects.get(kind=Event.Kind.ASSIGN)
    assert (event.actor, event.subject, event.target_id) == (coordinator, operator, str(referral.pk))
    notification = Notification.objects.get(recipient=operator)
    assert notification.label == referral.person.case_code
    assert notification.path == detail


def test_unassigning_removes_access_on_the_next_request(coord_client, coordinator, op_client, operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    detail = reverse("referrals:detail", args=[referral.pk])
    assert op_client.get(detail).status_code == 200

    confirm = coord_client.get(reverse("referrals:unassign", args=[referral.pk, operator.pk]))
    assert confirm.status_code == 200
    assert not Event.objects.filter(kind=Event.Kind.UNASSIGN).exists()  # GET only asks
    response = coord_client.post(reverse("referrals:unassign", args=[referral.pk, operator.pk]))

    assert response.status_code == 302
    assert op_client.get(detail).status_code == 404
    assert op_client.get(reverse("referrals:person", args=[referral.person.pk])).status_code == 404
    assert op_client.post(reverse("referrals:edit", args=[referral.pk]), {}).status_code == 404
    assert Event.objects.filter(kind=Event.Kind.UNASSIGN, subject=operator, actor=coordinator).exists()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.NEW


def test_only_coordinators_assign(op_client, operator, operator_b):
    referral = factories.ReferralFactory(assigned_to=[operator])
    assert _assign(op_client, referral, operator_b).status_code == 404
    assert not access.is_assigned(referral, operator_b)
    url = reverse("referrals:unassign", args=[referral.pk, operator.pk])
    assert op_client.get(url).status_code == 404
    assert op_client.post(url).status_code == 404
    assert access.is_assigned(referral, operator)


def test_only_active_operators_can_be_assigned(coord_client, coordinator, admin_user):
    referral = factories.ReferralFactory()
    inactive = factories.OperatorFactory(is_active=False)
    for user in (admin_user, coordinator, inactive):
        _assign(coord_client, referral, user)
    assert access.assignees([referral]) == {}


def test_assigning_twice_changes_nothing(coord_client, operator):
    referral = factories.ReferralFactory()
    _assign(coord_client, referral, operator)
    _assign(coord_client, referral, operator)
    assert Event.objects.filter(kind=Event.Kind.ASSIGN).count() == 1
    assert Notification.objects.filter(recipient=operator).count() == 1


def test_unassigning_someone_not_assigned_is_404(coord_client, operator):
    referral = factories.ReferralFactory()
    assert coord_client.post(reverse("referrals:unassign", args=[referral.pk, operator.pk])).status_code == 404


def test_two_operators_can_share_a_referral(coord_client, operator, operator_b, op_b_client):
    referral = factories.ReferralFactory(assigned_to=[operator])
    _assign(coord_client, referral, operator_b)
    assert op_b_client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    assert [u.pk for u in access.assignees([referral])[referral.pk]] == sorted([operator.pk, operator_b.pk])
