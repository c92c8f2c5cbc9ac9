"""An operator's closure of a referral becomes a request: the referral stays open, marked "closure requested"."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from ceis.approvals.models import ClosureRequest
from ceis.approvals.services import closure_request
from ceis.consent.models import Disclosure
from ceis.notifications.models import Notification
from referrals.models import Referral
from tests import factories

NOTE = "Accolta in casa di fuga, debito con la madame"


def _close(client, referral, *, follow=False, **data):
    data = {"outcome": Referral.Outcome.TAKEN_IN_CHARGE, "closure_note": NOTE, **data}
    return client.post(reverse("referrals:close", args=[referral.pk]), data, follow=follow)


def test_it_says_a_coordinator_approves(op_client, referral_a):
    page = op_client.get(reverse("referrals:close", args=[referral_a.pk])).text
    assert "Request closure of the referral" in page
    assert "A coordinator approves the closure before it takes effect" in page


def test_it_records_a_request_and_leaves_the_referral_open(op_client, operator, coordinator, referral_a):
    response = _close(op_client, referral_a)
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.status != Referral.Status.CLOSED and referral_a.closed_at is None
    request = ClosureRequest.objects.get()
    assert (request.referral, request.requested_by, request.status) == (referral_a, operator, "pending")
    assert (request.outcome, request.note) == (Referral.Outcome.TAKEN_IN_CHARGE, NOTE)
    page = op_client.get(response["Location"]).text
    assert f"Closure of {referral_a.person.case_code} requested: a coordinator will approve it." in page
    assert 'id="closure-requested"' in page
    assert 'id="close-referral"' not in page


def test_the_note_is_encrypted_at_rest(op_client, referral_a):
    _close(op_client, referral_a)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {ClosureRequest._meta.db_table}")
        (raw,) = cursor.fetchone()
    assert raw and NOTE not in raw and "madame" not in raw


def test_coordinators_are_notified(op_client, coordinator, referral_a):
    other = factories.CoordinatorFactory(username="coord2")
    _close(op_client, referral_a)
    request = ClosureRequest.objects.get()
    rows = Notification.objects.filter(kind=Notification.Kind.CLOSURE_REQUESTED)
    assert {n.recipient for n in rows} == {coordinator, other}
    assert {n.path for n in rows} == {reverse("approvals:detail", args=[request.pk])}
    assert {n.label for n in rows} == {referral_a.person.case_code}  # a case code, never a name


def test_a_second_request_is_refused(op_client, referral_a):
    _close(op_client, referral_a)
    response = _close(op_client, referral_a, outcome=Referral.Outcome.UNREACHABLE, follow=True)
    assert ClosureRequest.objects.count() == 1
    assert ClosureRequest.objects.get().outcome == Referral.Outcome.TAKEN_IN_CHARGE
    assert "Closure has already been requested" in response.text


def test_the_service_refuses_a_second_request_too(operator, referral_a):
    import pytest
    from django.core.exceptions import ValidationError

    closure_request(record=referral_a, outcome=Referral.Outcome.UNREACHABLE, by=operator)
    with pytest.raises(ValidationError, match="already been requested"):
        closure_request(record=referral_a, outcome=Referral.Outcome.UNREACHABLE, by=operator)
    assert ClosureRequest.objects.count() == 1


def test_a_wrong_outcome_is_refused_and_nothing_saved(op_client, referral_a):
    response = _close(op_client, referral_a, outcome="verdict")
    assert response.status_code == 200
    assert "Choose the outcome of identification" in response.text
    assert not ClosureRequest.objects.exists()


def test_referring_on_without_consent_is_refused_at_once(op_client, referral_a):
    body = factories.PartnerBodyFactory(name="Progetto (fittizio)", kind="antitrafficking")
    response = _close(op_client, referral_a, outcome=Referral.Outcome.TRANSFERRED, receiving_body=body.pk)
    assert response.status_code == 200
    assert "has given no valid consent" in response.text
    assert not ClosureRequest.objects.exists()
    assert not Disclosure.objects.exists()  # nothing is shared until the closure is approved


def test_a_coordinator_still_closes_directly(coord_client, referral_a):
    response = _close(coord_client, referral_a)
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.status == Referral.Status.CLOSED
    assert not ClosureRequest.objects.exists()


def test_a_coordinator_finding_a_request_is_sent_to_decide_it(op_client, coord_client, referral_a):
    _close(op_client, referral_a)
    request = ClosureRequest.objects.get()
    response = coord_client.get(reverse("referrals:close", args=[referral_a.pk]))
    assert response["Location"] == reverse("approvals:detail", args=[request.pk])
    detail = coord_client.get(reverse("referrals:detail", args=[referral_a.pk])).text
    assert reverse("approvals:detail", args=[request.pk]) in detail


def test_another_operator_cannot_request_it(op_b_client, referral_a):
    assert _close(op_b_client, referral_a).status_code == 404
    assert not ClosureRequest.objects.exists()
