"""Request a service for the person beneath a pathway or a referral: through the consent gate, once."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ceis import crypto
from ceis.consent.models import Disclosure
from ceis.consent.services import SharingRefused
from protection.models import PlanGoal, ServiceReferral, ServiceStatusChange
from protection.service_referrals import services
from tests import factories
from tests.protection.services_helpers import consented, provider, request

pytestmark = pytest.mark.usefixtures("parts_english")


def _url(pathway) -> str:
    return reverse("service_referrals:new_for_pathway", args=[pathway.pk])


def _data(**overrides) -> dict:
    data = {
        "type": "psychological",
        "provider": "",
        "provider_contact": "",
        "provider_name": "",
        "shares_data": "on",
        "requested_on": timezone.localdate().isoformat(),
        "urgency": "priority",
        "goal": "",
        "form_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_requests_a_service_with_her_consent_and_records_the_sharing(op_client, operator, parts_pathway):
    body = provider()
    contact = factories.PartnerContactFactory(body=body)
    goal = PlanGoal.objects.create(pathway=parts_pathway, area="health", goal="Stare meglio")
    consented(parts_pathway.person, body)
    response = op_client.post(_url(parts_pathway), _data(provider=body.pk, provider_contact=contact.pk, goal=goal.pk))
    service = ServiceReferral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("service_referrals:detail", args=[service.pk])
    assert (service.pathway, service.referral, service.person, service.provider, service.goal) == (
        parts_pathway,
        None,
        parts_pathway.person,
        body,
        goal,
    )
    assert (service.status, service.urgency, service.created_by) == ("requested", "priority", operator)
    assert list(service.changes.values_list("status", flat=True)) == ["requested"]
    disclosure = Disclosure.objects.get()
    assert (disclosure.action, disclosure.recipient, disclosure.purpose, disclosure.target_id) == (
        "service_requested",
        body,
        "referral",
        service.pk,
    )
    assert disclosure.consent is not None


def test_without_consent_it_refuses_saves_nothing_and_offers_to_record_it(op_client, parts_pathway):
    body = provider()
    response = op_client.post(_url(parts_pathway), _data(provider=body.pk))
    assert response.status_code == 200
    assert "has given no valid consent" in response.text
    assert reverse("consent:new", args=[parts_pathway.person.pk]) in response.text
    assert not ServiceReferral.objects.exists()
    assert not ServiceStatusChange.objects.exists()
    assert not Disclosure.objects.exists()


def test_a_legal_basis_lets_it_through(operator, parts_pathway):
    body = provider()
    factories.LegalBasisFactory(person=parts_pathway.person, purpose="referral", recipient=body)
    service = services.service_request(
        service=ServiceReferral(type="health_general", provider=body), pathway=parts_pathway, by=operator
    )
    assert Disclosure.objects.get().legal_basis is not None
    assert service.pk


def test_a_withdrawn_consent_no_longer_lets_it_through(operator, parts_pathway):
    body = provider()
    consent = consented(parts_pathway.person, body)
    from ceis.consent.services import consent_withdraw

    consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), by=operator)
    with pytest.raises(SharingRefused):
        services.service_request(
            service=ServiceReferral(type="documents", provider=body), pathway=parts_pathway, by=operator
        )
    assert not ServiceReferral.objects.exists()


def test_a_provider_outside_the_network_needs_no_consent_when_nothing_is_sent(op_client, parts_pathway):
    response = op_client.post(
        _url(parts_pathway), _data(provider_name="Avvocata di fiducia", shares_data=None, type="legal_permit")
    )
    assert response.status_code == 302
    service = ServiceReferral.objects.get()
    assert (service.provider, service.provider_name, service.shares_data) == (None, "Avvocata di fiducia", False)
    assert not Disclosure.objects.exists()


def test_her_data_go_only_to_a_partner_body(op_client, parts_pathway):
    response = op_client.post(_url(parts_pathway), _data(provider_name="Avvocata di fiducia"))
    assert response.status_code == 200
    assert "Her data can be sent only to a partner body" in response.text
    assert not ServiceReferral.objects.exists()


def test_it_needs_a_provider(op_client, parts_pathway):
    response = op_client.post(_url(parts_pathway), _data(shares_data=None))
    assert "Choose the provider" in response.text
    assert not ServiceReferral.objects.exists()


def test_the_contact_belongs_to_the_provider(op_client, parts_pathway):
    body, other = provider(), provider("Altro ente")
    consented(parts_pathway.person, body)
    contact = factories.PartnerContactFactory(body=other)
    response = op_client.post(_url(parts_pathway), _data(provider=body.pk, provider_contact=contact.pk))
    assert "The contact must belong to the provider." in response.text
    assert not ServiceReferral.objects.exists()


def test_the_goal_belongs_to_the_same_pathway(op_client, parts_pathway, parts_other_pathway):
    body = provider()
    consented(parts_pathway.person, body)
    foreign = PlanGoal.objects.create(pathway=parts_other_pathway, area="health", goal="Altro")
    response = op_client.post(_url(parts_pathway), _data(provider=body.pk, goal=foreign.pk))
    assert response.status_code == 200
    assert not ServiceReferral.objects.exists()


def test_a_future_date_is_refused(op_client, parts_pathway):
    body = provider()
    consented(parts_pathway.person, body)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = op_client.post(_url(parts_pathway), _data(provider=body.pk, requested_on=tomorrow))
    assert "The date cannot be in the future." in response.text
    assert not ServiceReferral.objects.exists()


def test_submitting_the_same_form_twice_records_one_service(op_client, parts_pathway):
    body = provider()
    consented(parts_pathway.person, body)
    data = _data(provider=body.pk)
    first = op_client.post(_url(parts_pathway), data)
    second = op_client.post(_url(parts_pathway), data)
    assert first["Location"] == second["Location"]
    assert ServiceReferral.objects.count() == 1
    assert Disclosure.objects.count() == 1


def test_it_requests_an_urgent_service_beneath_a_referral(op_client, operator, referral_a):
    body = provider("Pronto soccorso di prova")
    consented(referral_a.person, body)
    response = op_client.post(
        reverse("service_referrals:new_for_referral", args=[referral_a.pk]),
        _data(provider=body.pk, type="health_general", urgency="urgent", goal=None),
    )
    assert response.status_code == 302
    service = ServiceReferral.objects.get()
    assert (service.referral, service.pathway, service.person) == (referral_a, None, referral_a.person)
    page = op_client.get(reverse("referrals:detail", args=[referral_a.pk])).text
    assert reverse("service_referrals:detail", args=[service.pk]) in page
    assert "health: general" in page


def test_the_form_page_links_back_and_offers_the_goals(op_client, parts_pathway):
    PlanGoal.objects.create(pathway=parts_pathway, area="health", goal="Visita")
    response = op_client.get(_url(parts_pathway))
    assert response.status_code == 200
    assert 'name="goal"' in response.text
    assert 'name="form_token"' in response.text


def test_an_operator_cannot_add_to_a_closed_pathway_but_a_coordinator_can(
    op_client, coord_client, operator, coordinator, parts_pathway
):
    parts_pathway.ended_on, parts_pathway.closure_reason = timezone.localdate(), "autonomy"
    parts_pathway.save()
    assert op_client.get(_url(parts_pathway)).status_code == 302
    with pytest.raises(ValidationError):
        request(by=operator, pathway=parts_pathway)
    assert request(by=coordinator, pathway=parts_pathway).pk


def test_an_operator_not_assigned_gets_404(op_b_client, parts_pathway, referral_a):
    assert op_b_client.get(_url(parts_pathway)).status_code == 404
    assert op_b_client.post(_url(parts_pathway), _data()).status_code == 404
    url = reverse("service_referrals:new_for_referral", args=[referral_a.pk])
    assert op_b_client.get(url).status_code == 404
    assert op_b_client.get(reverse("service_referrals:new_for_pathway", args=[999999])).status_code == 404


def test_an_admin_gets_no_case_content(admin_client_role, parts_pathway):
    assert admin_client_role.get(_url(parts_pathway)).status_code in (403, 404)


def test_the_outcome_note_is_encrypted_at_rest(operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway, outcome_note="Colloquio con la psicologa")
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome_note FROM protection_servicereferral WHERE id = %s", [service.pk])
        stored = cursor.fetchone()[0]
    assert "psicologa" not in stored
    assert crypto.decrypt(stored) == "Colloquio con la psicologa"


def test_a_service_hangs_beneath_exactly_one_record(operator, parts_pathway, referral_a):
    with pytest.raises(ValueError):
        services.service_request(
            service=ServiceReferral(type="other", provider=provider()),
            pathway=parts_pathway,
            referral=referral_a,
            by=operator,
        )
