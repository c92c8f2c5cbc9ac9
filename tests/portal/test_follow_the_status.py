"""A partner body sees its portal referrals as case code, date and status: received, taken in charge, closed.
Never their content, never another body's, never a referral it sent some other way."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.notifications.models import Notification
from portal import selectors
from referrals import services as referral_services
from referrals.models import Referral
from tests import factories

REASON = "Racconto riservato: lavora nei campi dodici ore al giorno."


@pytest.fixture
def sent(partner):
    return factories.PortalReferralFactory(
        referring_body=partner.partner_body, reason=REASON, person=factories.PersonFactory(first_name="Riservata")
    )


def _status(client, referral) -> str:
    response = client.get(reverse("portal:receipt", args=[referral.pk]))
    assert response.status_code == 200
    return response.context["row"]["portal_status"]


def test_the_receipt_shows_the_case_code_and_the_date_and_nothing_else(partner_client, sent):
    response = partner_client.get(reverse("portal:receipt", args=[sent.pk]))
    assert response.status_code == 200
    assert sent.person.case_code in response.text
    assert timezone.localtime(sent.received_at).strftime("%d/%m/%Y") in response.text
    assert "ricevuta" in response.text
    for secret in (REASON, "Riservata", sent.person.last_name, "Operatrice CAS"):
        assert secret not in response.text


def test_the_list_shows_her_bodys_portal_referrals_only(partner_client, partner, sent):
    colleague_sent = factories.PortalReferralFactory(referring_body=partner.partner_body)
    by_phone = factories.ReferralFactory(referring_body=partner.partner_body)  # her body, but not through the portal
    other_body = factories.PortalReferralFactory()
    response = partner_client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert sent.person.case_code in response.text
    assert colleague_sent.person.case_code in response.text  # sent by a colleague of the same body
    assert by_phone.person.case_code not in response.text
    assert other_body.person.case_code not in response.text
    assert REASON not in response.text and "Riservata" not in response.text


@pytest.mark.parametrize("which", ["other_body", "by_phone"])
def test_another_bodys_receipt_is_a_404(partner_client, partner, which):
    referral = {
        "other_body": lambda: factories.PortalReferralFactory(),
        "by_phone": lambda: factories.ReferralFactory(referring_body=partner.partner_body),
    }[which]()
    assert partner_client.get(reverse("portal:receipt", args=[referral.pk])).status_code == 404


def test_an_unknown_receipt_is_a_404(partner_client):
    assert partner_client.get("/portal/999999/").status_code == 404


def test_the_status_follows_the_coordinator_taking_it_in_charge_and_closing_it(
    partner_client, coordinator, operator, sent
):
    assert _status(partner_client, sent) == "received"

    referral_services.referral_assign(referral=sent, operator=operator, by=coordinator)
    assert _status(partner_client, sent) == "taken_in_charge"
    assert "presa in carico" in partner_client.get(reverse("portal:home")).text

    referral_services.referral_advance(referral=sent, to=Referral.Status.IN_ASSESSMENT, by=operator)
    assert _status(partner_client, sent) == "taken_in_charge"  # the service's own steps stay its own

    referral_services.referral_close(
        referral=sent, outcome=Referral.Outcome.AT_RISK, closure_note="Nota riservata di chiusura", by=operator
    )
    response = partner_client.get(reverse("portal:receipt", args=[sent.pk]))
    assert response.context["row"]["portal_status"] == "closed"
    assert "chiusa" in response.text
    assert "Nota riservata" not in response.text and "a rischio" not in response.text


def test_the_coordinator_takes_it_in_charge_through_the_page(partner_client, coord_client, operator, sent):
    response = coord_client.post(reverse("referrals:assign", args=[sent.pk]), {"operator": operator.pk})
    assert response.status_code == 302
    assert _status(partner_client, sent) == "taken_in_charge"
    assert Notification.objects.filter(recipient=operator, kind=Notification.Kind.ASSIGNED).exists()


def test_a_restricted_persons_referral_leaves_the_portal(partner_client, coordinator, sent):
    from privacy.models import Restriction

    Restriction.objects.create(person=sent.person, reason="art. 18", by=coordinator)
    assert sent.person.case_code not in partner_client.get(reverse("portal:home")).text
    assert partner_client.get(reverse("portal:receipt", args=[sent.pk])).status_code == 404


def test_the_selector_reads_no_content_column(partner, sent, django_assert_num_queries):
    assert partner.is_partner  # her roles are read once per request, before any page
    with django_assert_num_queries(1) as captured:
        rows = list(selectors.portal_referrals(partner))
    assert rows == [
        {
            "pk": sent.pk,
            "case_code": sent.person.case_code,
            "received_at": sent.received_at,
            "portal_status": "received",
        }
    ]
    sql = captured.captured_queries[0]["sql"].lower()
    for column in ("reason", "closure_note", "first_name", "last_name", "phone", "outcome"):
        assert f'."{column}"' not in sql and f".{column}" not in sql


def test_the_selector_gives_nothing_to_anyone_else(operator, coordinator, network_user, sent):
    for user in (operator, coordinator, network_user):
        assert list(selectors.portal_referrals(user)) == []


def test_the_list_costs_the_same_queries_for_one_or_many(partner_client, partner, django_assert_max_num_queries):
    factories.PortalReferralFactory(referring_body=partner.partner_body)
    with django_assert_max_num_queries(12) as few:
        partner_client.get(reverse("portal:home"))
    for _ in range(30):
        factories.PortalReferralFactory(referring_body=partner.partner_body)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = partner_client.get(reverse("portal:home"))
    assert len(response.context["page"].object_list) == 25


def test_reading_a_receipt_is_audited(partner_client, partner, sent):
    from auditlog.models import LogEntry

    partner_client.get(reverse("portal:receipt", args=[sent.pk]))
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(sent.pk)).get()
    assert entry.actor == partner


def test_a_page_number_that_is_no_number_shows_the_first_page(partner_client, sent):
    response = partner_client.get(reverse("portal:home"), {"page": "x'; DROP"})
    assert response.status_code == 200
    assert sent.person.case_code in response.text
