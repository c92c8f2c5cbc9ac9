"""Consents, withdrawals, legal bases and disclosures are evidence: written once, never changed or deleted."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ceis.consent.models import AppendOnlyError, Consent, ConsentWithdrawal, Disclosure, LegalBasis
from tests import factories


@pytest.fixture
def records(operator, referral_a):
    person = referral_a.person
    consent = factories.ConsentFactory(person=person, recorded_by=operator)
    withdrawal = ConsentWithdrawal.objects.create(consent=consent, recorded_by=operator)
    basis = factories.LegalBasisFactory(person=person, recorded_by=operator)
    disclosure = Disclosure.objects.create(
        person=person,
        purpose="referral",
        recipient=referral_a.referring_body,
        action=Disclosure.Action.REFERRAL_CLOSED,
        target_type=ContentType.objects.get_for_model(referral_a),
        target_id=referral_a.pk,
        legal_basis=basis,
        recorded_by=operator,
    )
    return {Consent: consent, ConsentWithdrawal: withdrawal, LegalBasis: basis, Disclosure: disclosure}


MODELS = [Consent, ConsentWithdrawal, LegalBasis, Disclosure]


def _snapshot(model):
    return list(model.objects.order_by("pk").values())


@pytest.mark.parametrize("model", MODELS)
def test_it_refuses_to_save_a_stored_row_again(records, model):
    row = records[model]
    before = _snapshot(model)
    row.recorded_at = timezone.now()
    with pytest.raises(AppendOnlyError):
        row.save()
    assert _snapshot(model) == before


@pytest.mark.parametrize("model", MODELS)
def test_it_refuses_to_delete_a_row(records, model):
    with pytest.raises(AppendOnlyError):
        records[model].delete()
    assert model.objects.filter(pk=records[model].pk).exists()


@pytest.mark.parametrize("model", MODELS)
def test_it_refuses_queryset_updates_and_deletes(records, model):
    before = _snapshot(model)
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=records[model].pk).update(recorded_at=timezone.now())
    with pytest.raises(AppendOnlyError):
        model.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        model.objects.bulk_update([records[model]], ["recorded_at"])
    assert _snapshot(model) == before


def test_a_consent_cannot_be_withdrawn_twice(records, operator):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentWithdrawal.objects.create(consent=records[Consent], recorded_by=operator)
    assert ConsentWithdrawal.objects.count() == 1


def test_a_disclosure_names_exactly_one_basis(records, operator, referral_a):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(
            person=referral_a.person,
            purpose="referral",
            recipient=referral_a.referring_body,
            action=Disclosure.Action.REPORT_SENT,
            target_type=ContentType.objects.get_for_model(referral_a),
            target_id=referral_a.pk,
            recorded_by=operator,
        )
    assert Disclosure.objects.count() == 1


def test_a_person_with_consents_cannot_be_deleted(operator):
    from django.db.models import ProtectedError

    from referrals.models import Person

    person = factories.PersonFactory()  # no referral holds her: only the consent protects the row
    factories.ConsentFactory(person=person, recorded_by=operator)
    with pytest.raises(ProtectedError):
        person.delete()
    assert Person.objects.filter(pk=person.pk).exists()
