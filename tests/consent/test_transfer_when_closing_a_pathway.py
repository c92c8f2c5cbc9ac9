"""Closing a protection pathway by transferring the person to another body needs her consent, or a legal basis."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.consent.models import Disclosure
from tests import factories

# The direct closure (as coordinators close, or operators when the service turned approval off): the
# closure requests that operators send otherwise are tested in tests/approvals.
pytestmark = pytest.mark.usefixtures("closure_approval_off")


@pytest.fixture
def pathway(operator):
    return factories.PathwayFactory(assigned_to=[operator])


@pytest.fixture
def body(db):
    return factories.PartnerBodyFactory(name="Progetto di seconda accoglienza (fittizio)", kind="antitrafficking")


def _close(client, pathway, reason="transferred", body=None):
    data = {"ended_on": timezone.localdate().isoformat(), "closure_reason": reason}
    data["receiving_body"] = body.pk if body else ""
    return client.post(reverse("protection:close", args=[pathway.pk]), data)


def _still_open(pathway) -> None:
    pathway.refresh_from_db()
    assert (pathway.ended_on, pathway.closure_reason) == (None, "")
    assert not Disclosure.objects.exists()


def test_it_refuses_without_consent_and_saves_nothing(op_client, pathway, body):
    response = _close(op_client, pathway, body=body)
    assert response.status_code == 200
    assert 'id="sharing-refused"' in response.text
    assert "has given no valid consent for “referral to another body” to Progetto di seconda accoglienza" in (
        response.text
    )
    assert reverse("consent:new", args=[pathway.person.pk]) in response.text
    _still_open(pathway)


def test_it_closes_with_her_consent_and_records_the_disclosure(op_client, pathway, body):
    consent = factories.ConsentFactory(person=pathway.person, purpose="referral", recipient=body)
    assert _close(op_client, pathway, body=body).status_code == 302
    pathway.refresh_from_db()
    assert (pathway.ended_on, pathway.closure_reason) == (timezone.localdate(), "transferred")
    disclosure = Disclosure.objects.get()
    assert (disclosure.consent, disclosure.recipient, disclosure.action, disclosure.target_id) == (
        consent,
        body,
        Disclosure.Action.PATHWAY_CLOSED,
        pathway.pk,
    )


def test_a_legal_basis_lets_it_through(op_client, pathway, body):
    basis = factories.LegalBasisFactory(person=pathway.person, purpose="referral", recipient=body)
    assert _close(op_client, pathway, body=body).status_code == 302
    assert Disclosure.objects.get().legal_basis == basis


def test_the_receiving_body_is_required(op_client, pathway):
    response = _close(op_client, pathway)
    assert (
        "Give the body the person is referred or transferred to." in response.context["form"].errors["receiving_body"]
    )
    _still_open(pathway)


def test_other_reasons_share_nothing_and_need_no_consent(op_client, pathway):
    assert _close(op_client, pathway, reason="autonomy").status_code == 302
    pathway.refresh_from_db()
    assert pathway.closure_reason == "autonomy"
    assert not Disclosure.objects.exists()
