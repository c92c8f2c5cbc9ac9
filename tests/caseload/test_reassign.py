"""A coordinator reassigns records from the dashboard: access moves at once, audited and notified."""

from __future__ import annotations

from ceis.audit.models import Event
from ceis.notifications.models import Notification
from tests import factories

URL = "/caseload/reassign/"


def test_it_reassigns_referrals_and_pathways(coord_client, coordinator, caseload, op_client, op_b_client):
    a, b = caseload.a, caseload.b
    response = coord_client.post(
        URL,
        {
            "referrals": [caseload.late.pk, caseload.urgent.pk],
            "pathways": [caseload.permit.pk],
            "operator": b.pk,
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/caseload/"

    for url in (
        f"/referrals/{caseload.late.pk}/",
        f"/referrals/{caseload.urgent.pk}/",
        f"/protection/{caseload.permit.pk}/",
    ):
        assert op_client.get(url).status_code == 404, url
        assert op_b_client.get(url).status_code == 200, url

    caseload.late.refresh_from_db()
    assert caseload.late.status == "assigned"
    assert Event.objects.filter(kind=Event.Kind.UNASSIGN, actor=coordinator, subject=a).count() == 3
    assert Event.objects.filter(kind=Event.Kind.ASSIGN, actor=coordinator, subject=b).count() == 3
    assert Notification.objects.filter(recipient=a, kind=Notification.Kind.UNASSIGNED).count() == 2
    assert Notification.objects.filter(recipient=b, kind=Notification.Kind.ASSIGNED).count() == 2
    assert Notification.objects.filter(recipient=a, kind=Notification.Kind.PATHWAY_UNASSIGNED).count() == 1


def test_it_keeps_a_shared_record_with_the_new_operator_only(coord_client, caseload, op_client):
    coord_client.post(URL, {"referrals": [caseload.long.pk], "operator": caseload.b.pk, "confirm": "on"})
    assert op_client.get(f"/referrals/{caseload.long.pk}/").status_code == 404


def test_it_requires_confirmation_and_a_record(coord_client, caseload, op_client):
    response = coord_client.post(URL, {"referrals": [caseload.late.pk], "operator": caseload.b.pk})
    assert response.status_code == 400
    assert op_client.get(f"/referrals/{caseload.late.pk}/").status_code == 200
    assert coord_client.post(URL, {"operator": caseload.b.pk, "confirm": "on"}).status_code == 400


def test_it_rejects_a_target_who_is_not_an_operator(coord_client, coordinator, caseload):
    response = coord_client.post(URL, {"referrals": [caseload.late.pk], "operator": coordinator.pk, "confirm": "on"})
    assert response.status_code == 400


def test_it_rejects_get(coord_client):
    assert coord_client.get(URL).status_code == 405


def test_it_is_404_to_operators_and_admins(op_client, admin_client_role, operator):
    r = factories.ReferralFactory(assigned_to=[operator])
    for client in (op_client, admin_client_role):
        assert client.get(URL).status_code == 404
        assert client.post(URL, {"referrals": [r.pk], "operator": operator.pk, "confirm": "on"}).status_code == 404


def test_it_lists_every_open_record_of_an_operator(coord_client, caseload, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = coord_client.get(f"/caseload/operator/{caseload.a.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("CL-LATE", "CL-URGENT", "CL-FRESH", "CL-LONG", "CL-PERMIT", "CL-GOAL"):
        assert code in page
    assert "CL-CLOSED" not in page
    assert "CL-RECENT" not in page
    assert f'name="referrals" value="{caseload.fresh.pk}"' in page
    assert f'name="pathways" value="{caseload.goal.pk}"' in page


def test_it_is_404_for_a_user_who_is_not_an_operator(coord_client, coordinator):
    assert coord_client.get(f"/caseload/operator/{coordinator.pk}/").status_code == 404
    assert coord_client.get("/caseload/operator/999999/").status_code == 404
