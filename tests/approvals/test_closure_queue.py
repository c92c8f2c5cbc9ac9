"""The coordinator's queue of closures to approve, and the operator's own requests: within each reader's access."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ceis.approvals.models import ClosureRequest
from ceis.approvals.services import closure_request
from privacy.models import Restriction
from tests import factories

URL = reverse("approvals:list")


def _request(operator, *, minutes_ago=0, **kwargs):
    referral = factories.ReferralFactory(assigned_to=[operator], **kwargs)
    request = closure_request(record=referral, outcome="unreachable", by=operator)
    ClosureRequest.objects.filter(pk=request.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return request


def _codes(page) -> list[str]:
    return [r.target.person.case_code for r in page.context["page"].object_list]


def test_the_queue_lists_pending_requests_oldest_first(coord_client, operator, pathway):
    newer = _request(operator, minutes_ago=5)
    older = _request(operator, minutes_ago=50)
    on_pathway = closure_request(record=pathway, outcome="left", ended_on=timezone.localdate(), by=operator)
    decided = _request(operator, minutes_ago=90)
    ClosureRequest.objects.filter(pk=decided.pk).update(status="sent_back")
    response = coord_client.get(URL)
    assert response.status_code == 200
    assert _codes(response) == [c.target.person.case_code for c in (older, newer, on_pathway)]
    assert "3 requests waiting, oldest first" in response.text


def test_the_nav_counts_them_for_coordinators(coord_client, op_client, operator):
    _request(operator)
    _request(operator)
    page = coord_client.get(reverse("referrals:all")).text
    assert 'id="pending-closures">2<' in page
    assert 'id="pending-closures"' not in op_client.get(reverse("referrals:mine")).text


def test_it_is_paginated_and_survives_a_bad_page(coord_client, operator, settings):
    from ceis.approvals import views

    for i in range(views.PAGE_SIZE + 2):
        _request(operator, minutes_ago=100 - i)
    first = coord_client.get(URL)
    assert len(first.context["page"].object_list) == views.PAGE_SIZE
    assert len(coord_client.get(URL, {"page": 2}).context["page"].object_list) == 2
    for junk in ("x", "-1", "99999", "1'--"):
        assert coord_client.get(URL, {"page": junk}).status_code == 200


def test_the_queue_takes_a_fixed_number_of_queries(coord_client, operator, django_assert_max_num_queries):
    for i in range(3):
        _request(operator, minutes_ago=i)
    with django_assert_max_num_queries(12) as few:
        coord_client.get(URL)
    for i in range(10):
        _request(operator, minutes_ago=20 + i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        coord_client.get(URL)


def test_an_operator_sees_only_her_own_requests(op_client, operator, operator_b):
    mine = _request(operator)
    shared = factories.ReferralFactory(assigned_to=[operator, operator_b])
    theirs = closure_request(record=shared, outcome="unreachable", by=operator_b)
    response = op_client.get(URL)
    assert _codes(response) == [mine.target.person.case_code]
    assert shared.person.case_code not in response.text
    assert op_client.get(reverse("approvals:detail", args=[theirs.pk])).status_code == 404
    assert op_client.get(reverse("approvals:detail", args=[mine.pk])).status_code == 200


def test_an_operator_loses_her_request_with_the_record(op_client, operator, coordinator):
    from ceis import access

    request = _request(operator)
    access.unassign(request.referral, operator, by=coordinator)
    assert _codes(op_client.get(URL)) == []
    assert op_client.get(reverse("approvals:detail", args=[request.pk])).status_code == 404


def test_a_restricted_person_vanishes_for_the_operator_not_for_coordinators(
    op_client, coord_client, operator, coordinator
):
    request = _request(operator)
    Restriction.objects.create(person=request.referral.person, reason="art. 18", by=coordinator)
    assert _codes(op_client.get(URL)) == []
    assert op_client.get(reverse("approvals:detail", args=[request.pk])).status_code == 404
    assert _codes(coord_client.get(URL)) == [request.referral.person.case_code]


def test_unknown_ids_are_404(coord_client):
    assert coord_client.get(reverse("approvals:detail", args=[999999])).status_code == 404
    assert coord_client.post(reverse("approvals:approve", args=[999999])).status_code == 404


def test_reading_a_request_is_audited(coord_client, coordinator, operator):
    from auditlog.models import LogEntry

    request = _request(operator)
    coord_client.get(reverse("approvals:detail", args=[request.pk]))
    assert LogEntry.objects.get_for_object(request.referral).filter(action=LogEntry.Action.ACCESS).exists()


def test_admins_get_404(admin_client_role):
    assert admin_client_role.get(URL).status_code == 404


def test_login_is_required(db):
    response = Client().get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
