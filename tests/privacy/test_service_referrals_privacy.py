"""Services requested for the person under the data-subject rights: art. 15 export, erasure, retention, restriction."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from privacy import export, scrub, services
from protection.models import ProtectionPathway, ServiceReferral
from referrals.models import Referral
from tests import factories
from tests.protection.services_helpers import request

OUTCOME = "Esito riservato Calendulina"
LAWYER = "Avvocata Biancospina"


def _raw_outcomes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT outcome_note, provider_name FROM protection_servicereferral")
        return [" ".join(row) for row in cursor.fetchall()]


@pytest.fixture
def both(operator):
    """A person with a service beneath her referral and one beneath her pathway (free-text provider)."""
    referral = factories.ReferralFactory(assigned_to=[operator])
    pathway = factories.PathwayFactory(person=referral.person, assigned_to=[operator])
    urgent = request(by=operator, referral=referral, type="health_general", outcome_note=OUTCOME)
    legal = ServiceReferral(type="legal_permit", provider_name=LAWYER, shares_data=False, outcome_note=OUTCOME)
    from protection.service_referrals.services import service_request

    legal = service_request(service=legal, pathway=pathway, by=operator)
    return {"person": referral.person, "referral": referral, "pathway": pathway, "urgent": urgent, "legal": legal}


def test_the_access_export_holds_her_services_and_their_changes(both):
    data = export.collect(both["person"])["records"]
    rows = {row["id"]: row for row in data["services_requested"]}
    assert set(rows) == {both["urgent"].pk, both["legal"].pk}
    assert rows[both["urgent"].pk]["outcome_note"] == OUTCOME  # decrypted
    assert rows[both["urgent"].pk]["provider__name"] == both["urgent"].provider.name
    assert rows[both["legal"].pk]["provider_name"] == LAWYER
    assert {row["service_id"] for row in data["service_status_changes"]} == set(rows)


def test_erasure_anonymises_the_outcome_and_the_provider_named_by_hand(coordinator, both):
    services.person_erase(person=both["person"], by=coordinator)
    assert all(OUTCOME not in raw and LAWYER not in raw for raw in _raw_outcomes())
    assert {s.outcome_note for s in ServiceReferral.objects.all()} == {scrub.PLACEHOLDER}
    assert ServiceReferral.objects.count() == 2  # the counts stay


@pytest.mark.parametrize(("model", "key"), [(ProtectionPathway, "pathway"), (Referral, "referral")])
def test_retention_of_the_record_above_reaches_its_services(both, model, key):
    scrub.scrub_records(model, [both[key].pk])
    mine = both["legal"] if key == "pathway" else both["urgent"]
    other = both["urgent"] if key == "pathway" else both["legal"]
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.outcome_note == scrub.PLACEHOLDER and mine.provider_name == ""
    assert other.outcome_note == OUTCOME


def test_a_restricted_person_s_services_vanish_for_operators_not_coordinators(
    op_client, coord_client, coordinator, both
):
    services.restriction_set(person=both["person"], reason="Richiesta", by=coordinator)
    for service in (both["urgent"], both["legal"]):
        url = reverse("service_referrals:detail", args=[service.pk])
        assert op_client.get(url).status_code == 404
        assert coord_client.get(url).status_code == 200
    assert op_client.get(reverse("service_referrals:list")).context["page"].paginator.count == 0
    assert coord_client.get(reverse("service_referrals:list")).context["page"].paginator.count == 2


def test_the_provider_consent_is_recorded_for_the_service_and_named_in_the_register(both):
    from ceis.consent.models import Disclosure

    disclosure = Disclosure.objects.get()
    assert (disclosure.target_id, disclosure.recipient) == (both["urgent"].pk, both["urgent"].provider)
