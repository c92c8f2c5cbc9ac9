"""An operator's closure of a protection pathway becomes a request too."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from ceis.approvals.models import ClosureRequest
from ceis.notifications.models import Notification


def _close(client, pathway, *, follow=False, **data):
    data = {"ended_on": timezone.localdate().isoformat(), "closure_reason": "autonomy", **data}
    return client.post(reverse("protection:close", args=[pathway.pk]), data, follow=follow)


def test_it_records_a_request_and_leaves_the_pathway_open(op_client, operator, coordinator, pathway):
    response = _close(op_client, pathway)
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.is_open and pathway.closure_reason == ""
    request = ClosureRequest.objects.get()
    assert (request.pathway, request.requested_by, request.outcome) == (pathway, operator, "autonomy")
    assert request.ended_on == timezone.localdate()
    page = op_client.get(response["Location"]).text
    assert 'id="closure-requested"' in page and 'id="close-pathway"' not in page
    assert Notification.objects.filter(recipient=coordinator, kind=Notification.Kind.CLOSURE_REQUESTED).exists()


def test_an_end_date_in_the_future_is_refused_at_once(op_client, pathway):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = _close(op_client, pathway, ended_on=tomorrow)
    assert response.status_code == 200
    assert not ClosureRequest.objects.exists()


def test_a_second_request_is_refused(op_client, pathway):
    _close(op_client, pathway)
    response = _close(op_client, pathway, closure_reason="left", follow=True)
    assert ClosureRequest.objects.count() == 1
    assert "Closure has already been requested" in response.text


def test_a_coordinator_still_closes_directly(coord_client, pathway):
    assert _close(coord_client, pathway).status_code == 302
    pathway.refresh_from_db()
    assert not pathway.is_open and pathway.closure_reason == "autonomy"
    assert not ClosureRequest.objects.exists()
