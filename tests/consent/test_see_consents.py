"""The consents, withdrawals, legal bases and disclosures of a person, and the summary on her pages."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ceis.consent import services
from ceis.consent.models import Disclosure
from tests import factories


def _url(person) -> str:
    return reverse("consent:person", args=[person.pk])


def _fill(person, referral, operator, n: int) -> None:
    """n consents (every other one withdrawn), n legal bases, n disclosures, each by a different operator."""
    for i in range(n):
        by = factories.OperatorFactory()
        body = factories.PartnerBodyFactory()
        consent = factories.ConsentFactory(person=person, purpose="referral", recipient=body, recorded_by=by)
        if i % 2:
            services.consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), by=by)
        factories.LegalBasisFactory(person=person, recipient=body, recorded_by=by)
        Disclosure.objects.create(
            person=person,
            purpose="referral",
            recipient=body,
            action=Disclosure.Action.REFERRAL_CLOSED,
            target_type=ContentType.objects.get_for_model(referral),
            target_id=referral.pk,
            consent=consent,
            recorded_by=by,
        )


def test_it_lists_consents_withdrawals_bases_and_disclosures(op_client, operator, person_a, referral_a):
    body = factories.PartnerBodyFactory(name="Progetto Approdo (fittizio)")
    kept = factories.ConsentFactory(person=person_a, purpose="referral", recipient=body, interpreter="Mediatrice A")
    gone = factories.ConsentFactory(person=person_a, purpose="statistics")
    services.consent_withdraw(consent=gone, withdrawn_on=timezone.localdate(), by=operator)
    factories.LegalBasisFactory(person=person_a, purpose="police_judicial", explanation="Ordine del giudice (prova)")
    services.share_guard(
        person=person_a,
        purpose="referral",
        recipient=body,
        action=Disclosure.Action.REFERRAL_CLOSED,
        target=referral_a,
        by=operator,
    )
    html = op_client.get(_url(person_a)).text
    assert "Progetto Approdo (fittizio)" in html and "Mediatrice A" in html
    assert "withdrawn on" in html and "in force" in html
    assert "Ordine del giudice (prova)" in html
    assert "referral closed, person referred to another body" in html
    assert f'href="{reverse("consent:withdraw", args=[kept.pk])}"' in html
    assert f'href="{reverse("consent:withdraw", args=[gone.pk])}"' not in html


def test_its_reads_are_audited(op_client, operator, person_a):
    op_client.get(_url(person_a))
    entry = LogEntry.objects.get_for_object(person_a).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == operator


def test_its_query_count_does_not_grow_with_the_records(op_client, operator, person_a, referral_a):
    _fill(person_a, referral_a, operator, 2)
    op_client.get(_url(person_a))  # warm-up: caches (content types, session) filled once
    with CaptureQueriesContext(connection) as few:
        assert op_client.get(_url(person_a)).status_code == 200
    _fill(person_a, referral_a, operator, 10)
    with CaptureQueriesContext(connection) as many:
        assert op_client.get(_url(person_a)).status_code == 200
    assert len(many) == len(few)


def test_it_stays_within_its_query_budget(op_client, operator, person_a, referral_a, django_assert_max_num_queries):
    _fill(person_a, referral_a, operator, 12)
    with django_assert_max_num_queries(15):
        op_client.get(_url(person_a))


@pytest.mark.parametrize("route_name", ["referrals:person", "referrals:detail"])
def test_the_person_and_referral_pages_show_the_consents_in_force(op_client, operator, referral_a, route_name):
    person = referral_a.person
    body = factories.PartnerBodyFactory(name="Ente con consenso")
    factories.ConsentFactory(person=person, purpose="referral", recipient=body)
    gone = factories.ConsentFactory(
        person=person, purpose="police_judicial", recipient=factories.PartnerBodyFactory(name="Ente revocato")
    )
    services.consent_withdraw(consent=gone, withdrawn_on=timezone.localdate(), by=operator)
    pk = person.pk if route_name == "referrals:person" else referral_a.pk
    html = op_client.get(reverse(route_name, args=[pk])).text
    assert 'id="consent-summary"' in html
    assert "Ente con consenso" in html and "Ente revocato" not in html
    assert f'href="{reverse("consent:new", args=[person.pk])}"' in html
    assert f'href="{reverse("consent:legal_basis_new", args=[person.pk])}"' in html


@pytest.mark.parametrize("route_name", ["referrals:person", "referrals:detail"])
def test_the_summary_adds_a_fixed_number_of_queries(op_client, operator, referral_a, route_name):

    pk = referral_a.person.pk if route_name == "referrals:person" else referral_a.pk
    _fill(referral_a.person, referral_a, operator, 1)
    op_client.get(reverse(route_name, args=[pk]))  # warm-up: caches (content types, session) filled once
    with CaptureQueriesContext(connection) as few:
        op_client.get(reverse(route_name, args=[pk]))
    _fill(referral_a.person, referral_a, operator, 8)
    with CaptureQueriesContext(connection) as many:
        op_client.get(reverse(route_name, args=[pk]))
    assert len(many) == len(few)


def test_post_is_not_allowed_to_whoever_may_see_it(op_client, person_a):
    assert op_client.post(_url(person_a)).status_code == 405


def test_operator_b_and_admins_get_404(op_b_client, admin_client_role, person_a):
    factories.ConsentFactory(person=person_a, interpreter="Nome riservato")
    for client in (op_b_client, admin_client_role):
        response = client.get(_url(person_a))
        assert response.status_code == 404
        assert "Nome riservato" not in response.text
        assert client.post(_url(person_a)).status_code == 404


def test_a_person_seen_through_a_pathway_shows_her_consents(op_b_client, operator_b):
    person = factories.PersonFactory()
    factories.ConsentFactory(person=person, interpreter="Mediatore del percorso")
    factories.PathwayFactory(person=person, assigned_to=[operator_b])
    response = op_b_client.get(_url(person))
    assert response.status_code == 200
    assert "Mediatore del percorso" in response.text


def test_the_consent_pages_carry_no_inline_code(op_client, operator, person_a, referral_a):
    from tests.browser.test_pages_carry_no_inline_code import inline_code

    consent = factories.ConsentFactory(person=person_a, purpose="statistics")
    body = factories.PartnerBodyFactory()
    refused = op_client.post(
        reverse("referrals:close", args=[referral_a.pk]), {"outcome": "transferred", "receiving_body": body.pk}
    )
    assert 'id="sharing-refused"' in refused.text
    pages = [
        refused.text,
        op_client.get(_url(person_a)).text,
        op_client.get(reverse("consent:new", args=[person_a.pk])).text,
        op_client.get(reverse("consent:legal_basis_new", args=[person_a.pk])).text,
        op_client.get(reverse("consent:withdraw", args=[consent.pk])).text,
    ]
    for html in pages:
        assert inline_code(html) == []


def test_the_django_admin_shows_no_consent_records():
    from django.contrib import admin

    from ceis.consent.models import Consent, ConsentWithdrawal, Disclosure, InformationNotice, LegalBasis

    for model in (Consent, ConsentWithdrawal, LegalBasis, Disclosure):
        assert not admin.site.is_registered(model), model
    assert admin.site.is_registered(InformationNotice)
