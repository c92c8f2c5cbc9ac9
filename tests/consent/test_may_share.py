"""The gate: sharing needs a valid consent for the purpose and recipient (or any), or a legal basis."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ceis.consent import selectors, services
from ceis.consent.models import Consent, ConsentWithdrawal, Disclosure, LegalBasis
from ceis.partners.models import PartnerBody
from tests import factories


@pytest.fixture
def body(db):
    return factories.PartnerBodyFactory(name="Progetto antitratta di destinazione", kind="antitrafficking")


@pytest.fixture
def other_body(db):
    return factories.PartnerBodyFactory(name="Altro ente")


def test_it_refuses_without_anything_recorded(person_a, body):
    assert selectors.may_share(person_a, "referral", body) is None


def test_a_consent_for_that_recipient_allows(person_a, body, other_body):
    consent = factories.ConsentFactory(person=person_a, purpose="referral", recipient=body)
    assert selectors.may_share(person_a, "referral", body) == consent
    assert selectors.may_share(person_a, "referral", other_body) is None


def test_a_consent_for_any_recipient_allows_every_body(person_a, body, other_body):
    consent = factories.ConsentFactory(person=person_a, purpose="referral", recipient=None)
    assert selectors.may_share(person_a, "referral", body) == consent
    assert selectors.may_share(person_a, "referral", other_body) == consent


def test_the_purpose_must_match(person_a, body):
    factories.ConsentFactory(person=person_a, purpose="case_management")
    factories.ConsentFactory(person=person_a, purpose="statistics")
    factories.ConsentFactory(person=person_a, purpose="police_judicial", recipient=body)
    assert selectors.may_share(person_a, "referral", body) is None


def test_another_persons_consent_does_not_count(person_a, body):
    factories.ConsentFactory(purpose="referral", recipient=None)
    assert selectors.may_share(person_a, "referral", body) is None


def test_a_withdrawn_consent_no_longer_allows(person_a, body, operator):
    consent = factories.ConsentFactory(person=person_a, purpose="referral", recipient=body)
    services.consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), by=operator)
    assert selectors.may_share(person_a, "referral", body) is None
    assert Consent.objects.get(pk=consent.pk).given_on == consent.given_on  # the consent itself is untouched


def test_a_consent_dated_in_the_future_does_not_hold_yet(person_a, body):
    factories.ConsentFactory(
        person=person_a, purpose="referral", given_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    assert selectors.may_share(person_a, "referral", body) is None


def test_a_legal_basis_allows_without_consent(person_a, body, other_body):
    basis = factories.LegalBasisFactory(person=person_a, purpose="referral", recipient=body)
    assert selectors.may_share(person_a, "referral", body) == basis
    assert selectors.may_share(person_a, "referral", other_body) is None
    assert selectors.may_share(person_a, "police_judicial", body) is None


def test_a_valid_consent_is_relied_on_before_a_legal_basis(person_a, body):
    factories.LegalBasisFactory(person=person_a, purpose="referral")
    consent = factories.ConsentFactory(person=person_a, purpose="referral", recipient=body)
    assert selectors.may_share(person_a, "referral", body) == consent


def test_police_and_courts_need_their_own_purpose(db):
    assert selectors.purpose_for(PartnerBody.objects.get(name="Questura di Lucca")) == "police_judicial"
    assert selectors.purpose_for(factories.PartnerBodyFactory(kind="tribunale")) == "police_judicial"
    assert selectors.purpose_for(PartnerBody.objects.get(name="Prefettura di Lucca")) == "referral"
    assert selectors.purpose_for(factories.PartnerBodyFactory(kind="commissione")) == "referral"


def test_the_guard_refuses_and_writes_nothing(person_a, referral_a, body, operator):
    with pytest.raises(services.SharingRefused) as refused:
        services.share_guard(
            person=person_a,
            purpose="referral",
            recipient=body,
            action=Disclosure.Action.REFERRAL_CLOSED,
            target=referral_a,
            by=operator,
        )
    assert refused.value.code == "consent_required"
    assert person_a.case_code in refused.value.messages[0]
    assert not Disclosure.objects.exists()


def test_the_guard_records_what_it_relied_on(person_a, referral_a, body, operator):
    basis = factories.LegalBasisFactory(person=person_a, purpose="referral", basis="vital_interests")
    disclosure = services.share_guard(
        person=person_a,
        purpose="referral",
        recipient=body,
        action=Disclosure.Action.REFERRAL_CLOSED,
        target=referral_a,
        by=operator,
    )
    assert (disclosure.legal_basis, disclosure.consent, disclosure.recipient) == (basis, None, body)
    assert (disclosure.target_id, disclosure.recorded_by, disclosure.shared_on) == (
        referral_a.pk,
        operator,
        timezone.localdate(),
    )
    assert LegalBasis.objects.count() == 1 and ConsentWithdrawal.objects.count() == 0
