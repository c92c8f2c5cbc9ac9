"""Closing a referral by referring the person on to another body needs her consent, or a legal basis."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.consent import services
from ceis.consent.models import Disclosure
from referrals.models import Referral
from tests import factories

# The direct closure (as coordinators close, or operators when the service turned approval off): the
# closure requests that operators send otherwise are tested in tests/approvals.
pytestmark = pytest.mark.usefixtures("closure_approval_off")

REFERS_ON = [Referral.Outcome.TRANSFERRED, Referral.Outcome.NOT_TRAFFICKING]


@pytest.fixture
def body(db):
    return factories.PartnerBodyFactory(name="Progetto antitratta di Pisa (fittizio)", kind="antitrafficking")


def _close(client, referral, outcome, body=None):
    data = {"outcome": outcome, "closure_note": "Nota", "receiving_body": body.pk if body else ""}
    return client.post(reverse("referrals:close", args=[referral.pk]), data)


def _still_open(referral) -> None:
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.closed_at, referral.closure_note) == (
        Referral.Status.ASSIGNED,
        "",
        None,
        "",
    )
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("outcome", REFERS_ON)
def test_it_refuses_without_consent_and_saves_nothing(op_client, referral_a, body, outcome):
    response = _close(op_client, referral_a, outcome, body)
    assert response.status_code == 200
    assert "has given no valid consent for “referral to another body” to Progetto antitratta di Pisa" in response.text
    assert "nothing has been saved" in response.text
    new_consent = reverse("consent:new", args=[referral_a.person.pk])
    assert f'href="{new_consent}?purpose=referral&amp;recipient={body.pk}&amp;next=' in response.text
    assert reverse("consent:legal_basis_new", args=[referral_a.person.pk]) in response.text
    _still_open(referral_a)


@pytest.mark.parametrize("outcome", REFERS_ON)
def test_it_closes_with_her_consent_and_records_the_disclosure(op_client, operator, referral_a, body, outcome):
    consent = factories.ConsentFactory(person=referral_a.person, purpose="referral", recipient=body)
    response = _close(op_client, referral_a, outcome, body)
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert (referral_a.status, referral_a.outcome) == (Referral.Status.CLOSED, outcome)
    disclosure = Disclosure.objects.get()
    assert (disclosure.person, disclosure.recipient, disclosure.consent, disclosure.recorded_by) == (
        referral_a.person,
        body,
        consent,
        operator,
    )
    assert (disclosure.action, disclosure.target_id) == (Disclosure.Action.REFERRAL_CLOSED, referral_a.pk)


def test_a_consent_for_another_body_is_not_enough(op_client, referral_a, body):
    factories.ConsentFactory(person=referral_a.person, purpose="referral", recipient=factories.PartnerBodyFactory())
    assert _close(op_client, referral_a, Referral.Outcome.TRANSFERRED, body).status_code == 200
    _still_open(referral_a)


def test_a_withdrawn_consent_is_refused(op_client, operator, referral_a, body):
    consent = factories.ConsentFactory(person=referral_a.person, purpose="referral", recipient=body)
    services.consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), by=operator)
    response = _close(op_client, referral_a, Referral.Outcome.TRANSFERRED, body)
    assert 'id="sharing-refused"' in response.text
    _still_open(referral_a)


def test_a_legal_basis_lets_it_through(op_client, referral_a, body):
    basis = factories.LegalBasisFactory(person=referral_a.person, purpose="referral", basis="vital_interests")
    assert _close(op_client, referral_a, Referral.Outcome.TRANSFERRED, body).status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.status == Referral.Status.CLOSED
    assert Disclosure.objects.get().legal_basis == basis


def test_sharing_with_the_police_needs_its_own_consent(op_client, referral_a):
    from ceis.partners.models import PartnerBody

    questura = PartnerBody.objects.get(name="Questura di Lucca")
    factories.ConsentFactory(person=referral_a.person, purpose="referral", recipient=None)
    response = _close(op_client, referral_a, Referral.Outcome.NOT_TRAFFICKING, questura)
    assert "sharing with police or judicial authority" in response.text
    _still_open(referral_a)
    factories.ConsentFactory(person=referral_a.person, purpose="police_judicial", recipient=questura)
    assert _close(op_client, referral_a, Referral.Outcome.NOT_TRAFFICKING, questura).status_code == 302


@pytest.mark.parametrize("outcome", REFERS_ON)
def test_the_receiving_body_is_required(op_client, referral_a, outcome):
    factories.ConsentFactory(person=referral_a.person, purpose="referral")
    response = _close(op_client, referral_a, outcome)
    assert response.status_code == 200
    assert (
        "Give the body the person is referred or transferred to." in response.context["form"].errors["receiving_body"]
    )
    _still_open(referral_a)


@pytest.mark.parametrize("outcome", [Referral.Outcome.TAKEN_IN_CHARGE, Referral.Outcome.DECLINED])
def test_outcomes_that_share_nothing_need_no_consent(op_client, referral_a, outcome):
    assert _close(op_client, referral_a, outcome).status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.status == Referral.Status.CLOSED
    assert not Disclosure.objects.exists()


def test_the_service_itself_refuses_whoever_calls_it(operator, referral_a, body):
    from referrals.services import referral_close

    with pytest.raises(services.SharingRefused):
        referral_close(referral=referral_a, outcome=Referral.Outcome.TRANSFERRED, receiving_body=body, by=operator)
    _still_open(referral_a)
