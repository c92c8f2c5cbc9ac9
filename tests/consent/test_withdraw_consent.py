"""The person withdraws a consent: a withdrawal is recorded beside it, after a confirmation page."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from ceis.consent import selectors
from ceis.consent.models import Consent, ConsentWithdrawal
from tests import factories


def _url(consent) -> str:
    return reverse("consent:withdraw", args=[consent.pk])


def _consent(person, **fields):
    return factories.ConsentFactory(
        person=person, purpose="referral", given_on=timezone.localdate() - datetime.timedelta(days=10), **fields
    )


def test_it_asks_for_confirmation_first(op_client, person_a):
    consent = _consent(person_a)
    response = op_client.get(_url(consent))
    assert response.status_code == 200
    assert "Record the withdrawal of the consent to referral to another body" in response.text
    assert 'name="withdrawn_on"' in response.text
    assert not ConsentWithdrawal.objects.exists()


def test_it_records_the_withdrawal_and_leaves_the_consent_as_it_was(op_client, operator, person_a):
    consent = _consent(person_a, interpreter="Mediatrice")
    before = Consent.objects.filter(pk=consent.pk).values().get()
    response = op_client.post(_url(consent), {"withdrawn_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:person", args=[person_a.pk])
    withdrawal = ConsentWithdrawal.objects.get()
    assert (withdrawal.consent, withdrawal.recorded_by, withdrawal.withdrawn_on) == (
        consent,
        operator,
        timezone.localdate(),
    )
    assert Consent.objects.filter(pk=consent.pk).values().get() == before
    assert selectors.may_share(person_a, "referral", factories.PartnerBodyFactory()) is None


def test_the_withdrawal_is_audited(op_client, operator, person_a):
    consent = _consent(person_a)
    op_client.post(_url(consent), {"withdrawn_on": timezone.localdate().isoformat()})
    entry = LogEntry.objects.get_for_object(ConsentWithdrawal.objects.get()).get(action=LogEntry.Action.CREATE)
    assert entry.actor == operator
    assert entry.changes_dict["consent"][1] == str(consent.pk)


def test_a_withdrawn_consent_cannot_be_withdrawn_again(op_client, person_a):
    consent = _consent(person_a)
    op_client.post(_url(consent), {"withdrawn_on": timezone.localdate().isoformat()})
    response = op_client.post(_url(consent), {"withdrawn_on": timezone.localdate().isoformat()}, follow=True)
    assert "This consent has already been withdrawn." in response.text
    assert ConsentWithdrawal.objects.count() == 1


def test_bad_dates_are_shown_on_the_form_and_nothing_is_saved(op_client, person_a):
    consent = _consent(person_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before_given = consent.given_on - datetime.timedelta(days=1)
    for day, message in (
        (tomorrow, "The date cannot be in the future."),
        (before_given, "A consent cannot be withdrawn before the date it was given."),
    ):
        response = op_client.post(_url(consent), {"withdrawn_on": day.isoformat()})
        assert response.status_code == 200
        assert message in response.context["form"].errors["withdrawn_on"]
    assert not ConsentWithdrawal.objects.exists()


def test_operator_b_and_admins_get_404_and_nothing_is_saved(op_b_client, admin_client_role, person_a):
    consent = _consent(person_a)
    for client in (op_b_client, admin_client_role):
        assert client.get(_url(consent)).status_code == 404
        assert client.post(_url(consent), {"withdrawn_on": timezone.localdate().isoformat()}).status_code == 404
    assert not ConsentWithdrawal.objects.exists()
