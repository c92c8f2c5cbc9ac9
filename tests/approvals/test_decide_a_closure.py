"""A coordinator approves a closure request (the closure, with what the operator entered) or sends it back."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from ceis.approvals.models import ClosureRequest
from ceis.approvals.services import closure_request
from ceis.consent.models import Disclosure
from ceis.notifications.models import Notification
from referrals.models import Referral
from tests import factories

NOTE = "Accolta in casa di fuga"


@pytest.fixture
def requested(operator, referral_a):
    return closure_request(record=referral_a, outcome=Referral.Outcome.TAKEN_IN_CHARGE, note=NOTE, by=operator)


def _approve(client, request, **kwargs):
    return client.post(reverse("approvals:approve", args=[request.pk]), **kwargs)


def _send_back(client, request, note="Manca il colloquio di verifica.", **kwargs):
    return client.post(reverse("approvals:send_back", args=[request.pk]), {"decision_note": note}, **kwargs)


def test_the_page_shows_what_the_operator_entered(coord_client, requested, referral_a):
    page = coord_client.get(reverse("approvals:detail", args=[requested.pk])).text
    assert referral_a.person.case_code in page
    assert "presumed victim, taken in charge" in page or "taken in charge" in page
    assert NOTE in page
    assert 'id="approve-closure"' in page and 'id="send-back"' in page


def test_approving_closes_with_the_operators_data(coord_client, coordinator, operator, requested, referral_a):
    response = _approve(coord_client, requested)
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert (referral_a.status, referral_a.outcome, referral_a.closure_note) == (
        Referral.Status.CLOSED,
        Referral.Outcome.TAKEN_IN_CHARGE,
        NOTE,
    )
    requested.refresh_from_db()
    assert (requested.status, requested.decided_by) == ("approved", coordinator)
    assert requested.decided_at <= timezone.now()
    notice = Notification.objects.get(recipient=operator, kind=Notification.Kind.CLOSURE_APPROVED)
    assert notice.label == referral_a.person.case_code
    page = coord_client.get(response["Location"]).text
    assert f"Closure approved: {referral_a.person.case_code} is closed." in page


def test_the_closure_is_audited_with_the_approving_coordinator(coord_client, coordinator, requested, referral_a):
    _approve(coord_client, requested)
    entry = LogEntry.objects.get_for_object(referral_a).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == coordinator
    assert "status" in entry.changes_dict and "closure_note" not in entry.changes_dict


def test_a_refused_closure_leaves_everything_as_it_was(coord_client, operator, referral_a):
    """Referring on needs her consent: withdrawn between the request and the approval, nothing is closed."""
    body = factories.PartnerBodyFactory(name="Progetto (fittizio)", kind="antitrafficking")
    consent = factories.ConsentFactory(person=referral_a.person, recipient=None)
    request = closure_request(record=referral_a, outcome=Referral.Outcome.TRANSFERRED, receiving_body=body, by=operator)
    from ceis.consent.services import consent_withdraw

    consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), by=operator)
    response = _approve(coord_client, request)
    assert response.status_code == 200
    assert "has given no valid consent" in response.text and "Nothing has been closed." in response.text
    referral_a.refresh_from_db()
    request.refresh_from_db()
    assert referral_a.status != Referral.Status.CLOSED
    assert request.status == "pending"
    assert not Disclosure.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.CLOSURE_APPROVED).exists()


def test_approving_a_referral_on_records_the_disclosure(coord_client, coordinator, operator, referral_a):
    body = factories.PartnerBodyFactory(name="Progetto (fittizio)", kind="antitrafficking")
    factories.ConsentFactory(person=referral_a.person, recipient=body)
    request = closure_request(record=referral_a, outcome=Referral.Outcome.TRANSFERRED, receiving_body=body, by=operator)
    _approve(coord_client, request)
    referral_a.refresh_from_db()
    assert referral_a.status == Referral.Status.CLOSED
    assert Disclosure.objects.get().recipient == body


def test_sending_back_keeps_the_record_open_and_tells_the_operator(
    coord_client, op_client, operator, requested, referral_a
):
    response = _send_back(coord_client, requested)
    assert response.status_code == 302
    referral_a.refresh_from_db()
    requested.refresh_from_db()
    assert referral_a.status != Referral.Status.CLOSED
    assert (requested.status, requested.decision_note) == ("sent_back", "Manca il colloquio di verifica.")
    notice = Notification.objects.get(recipient=operator, kind=Notification.Kind.CLOSURE_SENT_BACK)
    assert notice.path == reverse("approvals:detail", args=[requested.pk])
    page = op_client.get(notice.path).text
    assert "Manca il colloquio di verifica." in page and "sent back" in page
    # She may ask again.
    detail = op_client.get(reverse("referrals:detail", args=[referral_a.pk])).text
    assert 'id="close-referral"' in detail and 'id="closure-requested"' not in detail


def test_sending_back_needs_a_note(coord_client, requested):
    response = _send_back(coord_client, requested, note="   ")
    assert response.status_code == 200
    assert "Say why the request goes back" in response.text
    requested.refresh_from_db()
    assert requested.status == "pending"


def test_a_decided_request_is_not_decided_twice(coord_client, requested, referral_a):
    _send_back(coord_client, requested)
    response = _approve(coord_client, requested, follow=True)
    assert "This request has already been decided." in response.text
    referral_a.refresh_from_db()
    assert referral_a.status != Referral.Status.CLOSED
    assert ClosureRequest.objects.get().status == "sent_back"


def test_operators_cannot_decide(op_client, op_b_client, requested, referral_a):
    for client in (op_client, op_b_client):
        assert _approve(client, requested).status_code == 404
        assert _send_back(client, requested).status_code == 404
    referral_a.refresh_from_db()
    assert referral_a.status != Referral.Status.CLOSED
    assert ClosureRequest.objects.get().status == "pending"


def test_admins_get_404(admin_client_role, requested):
    assert admin_client_role.get(reverse("approvals:detail", args=[requested.pk])).status_code == 404
    assert _approve(admin_client_role, requested).status_code == 404


def test_decisions_need_post(coord_client, requested):
    assert coord_client.get(reverse("approvals:approve", args=[requested.pk])).status_code == 405
    assert coord_client.get(reverse("approvals:send_back", args=[requested.pk])).status_code == 405


def test_approving_a_pathway_closes_it_with_the_date_entered(coord_client, operator, pathway):
    import datetime

    ended = timezone.localdate() - datetime.timedelta(days=1)
    request = closure_request(record=pathway, outcome="autonomy", ended_on=ended, by=operator)
    _approve(coord_client, request)
    pathway.refresh_from_db()
    assert (pathway.ended_on, pathway.closure_reason) == (ended, "autonomy")
    assert Notification.objects.filter(recipient=operator, kind=Notification.Kind.CLOSURE_APPROVED).exists()


def test_an_operator_no_longer_on_the_record_is_not_told_its_case_code(coord_client, coordinator, operator, requested):
    from ceis import access

    access.unassign(requested.referral, operator, by=coordinator)
    _approve(coord_client, requested)
    requested.refresh_from_db()
    assert requested.status == "approved"
    assert not Notification.objects.filter(recipient=operator, kind=Notification.Kind.CLOSURE_APPROVED).exists()
