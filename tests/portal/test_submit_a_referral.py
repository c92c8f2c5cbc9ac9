"""A partner body's worker refers a person through the portal: recorded "new", from the portal, for her body."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from ceis.notifications.models import Notification
from portal import services
from referrals.models import ExploitationForm, Person, Referral
from tests import factories


def _post(**overrides) -> dict:
    data = {
        "first_name": "Blessing",
        "last_name": "Okoro",
        "aliases": "",
        "gender": Person.Gender.FEMALE,
        "birth_year": "2001",
        "phone": "",
        "urgency": Referral.Urgency.PRIORITY,
        "reason": "Dice di dover restituire un debito di 30.000 euro a una madame.",
        "exploitation_forms": [ExploitationForm.objects.get(code="sexual_street").pk],
        "submission": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_it_records_a_new_referral_from_the_portal_for_her_body(partner_client, partner):
    response = partner_client.post(reverse("portal:submit"), _post())
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:receipt", args=[referral.pk])
    assert referral.channel == Referral.Channel.PORTAL
    assert referral.status == Referral.Status.NEW
    assert referral.referring_body == partner.partner_body
    assert referral.created_by == partner
    assert referral.urgency == Referral.Urgency.PRIORITY
    assert referral.reason.startswith("Dice di dover restituire")
    assert [f.code for f in referral.exploitation_forms.all()] == ["sexual_street"]
    assert (referral.person.first_name, referral.person.last_name, referral.person.birth_year) == (
        "Blessing",
        "Okoro",
        2001,
    )


def test_it_assigns_nobody_and_grants_the_partner_nothing(partner_client, partner):
    from ceis import access

    partner_client.post(reverse("portal:submit"), _post())
    referral = Referral.objects.get()
    assert access.assignees([referral]) == {}
    assert not access.can_view(partner, referral)
    assert not access.can_view(partner, referral.person)


def test_the_same_form_sent_twice_records_one_referral(partner_client):
    data = _post()
    first = partner_client.post(reverse("portal:submit"), data)
    second = partner_client.post(reverse("portal:submit"), data)
    assert Referral.objects.count() == 1 and Person.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_it_asks_for_a_name_and_saves_nothing_without_one(partner_client):
    response = partner_client.post(reverse("portal:submit"), _post(first_name="", last_name="", aliases=" "))
    assert response.status_code == 200
    assert "Indica almeno un nome" in response.text
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_it_asks_what_happened(partner_client):
    response = partner_client.post(reverse("portal:submit"), _post(reason=""))
    assert response.status_code == 200
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"birth_year": "3000"},
        {"birth_year": "abc"},
        {"urgency": "whenever"},
        {"gender": "x"},
        {"exploitation_forms": ["999999"]},
        {"reason": "x" * 6000},
    ],
)
def test_bad_input_is_refused_with_a_message_not_an_error(partner_client, bad):
    response = partner_client.post(reverse("portal:submit"), _post(**bad))
    assert response.status_code == 200
    assert "is-invalid" in response.text
    assert not Referral.objects.exists()


def test_an_edited_token_does_not_block_the_referral(partner_client):
    response = partner_client.post(reverse("portal:submit"), _post(submission="not-a-uuid"))
    assert response.status_code == 302
    assert Referral.objects.get().submission is None


def test_the_form_speaks_italian_in_plain_words(partner_client):
    response = partner_client.get(reverse("portal:submit"))
    assert response.status_code == 200
    assert "Cosa è successo" in response.text
    assert 'name="submission"' in response.text
    # nothing of the staff's own intake: no body to choose, no channel, no duplicate check
    assert 'name="referring_body"' not in response.text
    assert 'name="channel"' not in response.text
    assert 'name="confirm_new_person"' not in response.text


def test_a_possible_duplicate_is_flagged_for_the_coordinators_but_not_told_to_the_partner(partner_client):
    factories.PersonFactory(first_name="Blessing", last_name="Okoro", birth_year=2001)
    response = partner_client.post(reverse("portal:submit"), _post(), follow=True)
    referral = Referral.objects.get()
    assert referral.possible_duplicate is True
    assert "duplica" not in response.text.lower()
    assert referral.person.case_code in response.text


def test_a_spelling_variant_a_year_off_is_flagged_too_as_at_the_phone(partner_client):
    """The portal runs the intake's blind matching (referrals.matching), not an exact comparison of names."""
    factories.PersonFactory(first_name="Osasu", last_name="Igbinedion", birth_year=2000)
    partner_client.post(reverse("portal:submit"), _post(first_name="Osazu", last_name="Igbinedion"))
    assert Referral.objects.get().possible_duplicate is True


def test_coordinators_are_notified_and_nobody_else(partner_client, coordinator, operator):
    other_coordinator = factories.CoordinatorFactory()
    inactive = factories.CoordinatorFactory(is_active=False)
    partner_client.post(reverse("portal:submit"), _post())
    referral = Referral.objects.get()
    rows = Notification.objects.filter(kind=Notification.Kind.PORTAL_REFERRAL)
    assert {n.recipient for n in rows} == {coordinator, other_coordinator}
    assert inactive not in {n.recipient for n in rows}
    assert all(n.label == referral.person.case_code for n in rows)
    assert all(n.path == reverse("referrals:detail", args=[referral.pk]) for n in rows)
    assert not Notification.objects.filter(recipient=operator).exists()


def test_the_coordinator_sees_it_as_new_and_from_the_portal(partner_client, coord_client):
    partner_client.post(reverse("portal:submit"), _post())
    referral = Referral.objects.get()
    listing = coord_client.get(reverse("referrals:all"), {"channel": Referral.Channel.PORTAL})
    assert referral.person.case_code in listing.text
    assert "dal portale" in listing.text
    detail = coord_client.get(reverse("referrals:detail", args=[referral.pk]))
    assert 'id="from-portal"' in detail.text and "dal portale" in detail.text
    assert detail.context["referral"].status == Referral.Status.NEW


def test_an_account_without_an_active_body_cannot_submit(partner, partner_client):
    partner.partner_body.active = False
    partner.partner_body.save()
    response = partner_client.post(reverse("portal:submit"), _post())
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_the_service_refuses_anyone_but_a_partner(operator, coordinator):
    from django.core.exceptions import PermissionDenied

    for user in (operator, coordinator):
        with pytest.raises(PermissionDenied):
            services.submit_referral(user, {"last_name": "X", "reason": "y"})
    assert not Referral.objects.exists()


def test_the_service_takes_codes_of_forms_of_exploitation(partner):
    referral = services.submit_referral(
        partner, {"aliases": "Joy", "reason": "Lavora nei campi senza paga.", "exploitation_forms": ["labour"]}
    )
    assert [f.code for f in referral.exploitation_forms.all()] == ["labour"]
    assert referral.urgency == Referral.Urgency.ROUTINE
