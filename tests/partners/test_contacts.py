from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from ceis.partners import services
from ceis.partners.models import PartnerContact
from tests import factories

from .helpers import assert_clean_markup


@pytest.fixture
def contact(body):
    return factories.PartnerContactFactory(body=body, name="Maria Rossi", role="coordinatrice", email="m@example.org")


def create_url(body) -> str:
    return reverse("partners:contact_create", args=[body.pk])


def edit_url(contact) -> str:
    return reverse("partners:contact_edit", args=[contact.body_id, contact.pk])


def deactivate_url(contact) -> str:
    return reverse("partners:contact_deactivate", args=[contact.body_id, contact.pk])


def reactivate_url(contact) -> str:
    return reverse("partners:contact_reactivate", args=[contact.body_id, contact.pk])


NEW = {"name": "Anna Bianchi", "role": "assistente sociale", "phone": "333 1234567", "email": "anna@example.org"}


def test_it_shows_the_new_contact_form(admin_client_role, body):
    response = admin_client_role.get(create_url(body))
    assert response.status_code == 200
    assert 'id="id_name"' in response.text
    assert_clean_markup(response.text)


def test_it_adds_a_contact(admin_client_role, body):
    response = admin_client_role.post(create_url(body), NEW)
    assert response.status_code == 302
    assert response.url == reverse("partners:detail", args=[body.pk])
    contact = body.contacts.get()
    assert (contact.name, contact.role, contact.phone, contact.email) == tuple(NEW.values())
    assert contact.active


def test_it_adds_a_contact_to_the_body_of_the_url_only(admin_client_role, body):
    other = factories.PartnerBodyFactory()
    admin_client_role.post(create_url(body), {**NEW, "body": other.pk})
    assert body.contacts.count() == 1
    assert not other.contacts.exists()


def test_it_refuses_an_invalid_email(admin_client_role, body):
    response = admin_client_role.post(create_url(body), {**NEW, "email": "anna.example.org"})
    assert response.status_code == 200
    assert response.context["form"].has_error("email")
    assert 'id="form-errors"' in response.text
    assert not PartnerContact.objects.exists()


def test_it_requires_a_name(admin_client_role, body):
    response = admin_client_role.post(create_url(body), {**NEW, "name": "  "})
    assert response.context["form"].has_error("name")
    assert not PartnerContact.objects.exists()


def test_it_edits_a_contact(admin_client_role, contact):
    response = admin_client_role.post(edit_url(contact), {"name": "Maria Rossi", "role": "responsabile", "email": ""})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.role == "responsabile"
    assert contact.email == ""


def test_it_refuses_an_invalid_email_on_edit(admin_client_role, contact):
    response = admin_client_role.post(edit_url(contact), {"name": "Maria Rossi", "email": "maria@"})
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.email == "m@example.org"


def test_it_answers_404_for_a_contact_of_another_body(admin_client_role, contact):
    other = factories.PartnerBodyFactory()
    for name in ("partners:contact_edit", "partners:contact_deactivate", "partners:contact_reactivate"):
        assert admin_client_role.get(reverse(name, args=[other.pk, contact.pk])).status_code == 404


def test_it_asks_before_deactivating_a_contact(admin_client_role, contact):
    response = admin_client_role.get(deactivate_url(contact))
    assert response.status_code == 200
    assert "Deactivate Maria Rossi (CAS Il Ponte)?" in response.text
    assert 'id="cancel"' in response.text
    assert_clean_markup(response.text)
    contact.refresh_from_db()
    assert contact.active


def test_it_deactivates_a_contact(admin_client_role, contact):
    response = admin_client_role.post(deactivate_url(contact))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert not contact.active


def test_it_no_longer_offers_a_deactivated_contact_at_intake(op_client, contact, admin_user):
    services.partner_contact_set_active(contact=contact, active=False, by=admin_user)
    form = op_client.get(reverse("referrals:intake")).context["form"]
    assert contact not in form.fields["referring_contact"].queryset


def test_it_reactivates_a_contact(admin_client_role):
    contact = factories.PartnerContactFactory(active=False)
    assert admin_client_role.post(reactivate_url(contact)).status_code == 302
    contact.refresh_from_db()
    assert contact.active


def test_it_keeps_a_deactivated_contact_on_its_referrals(admin_client_role, contact):
    referral = factories.ReferralFactory(referring_body=contact.body, referring_contact=contact)
    admin_client_role.post(deactivate_url(contact))
    referral.refresh_from_db()
    assert referral.referring_contact == contact


def test_it_lists_the_contacts_on_the_body_page(admin_client_role, contact):
    inactive = factories.PartnerContactFactory(body=contact.body, name="Paolo Verdi", active=False)
    response = admin_client_role.get(reverse("partners:detail", args=[contact.body_id]))
    assert f'id="contact-{contact.pk}"' in response.text
    assert f'id="contact-{inactive.pk}"' in response.text
    assert list(response.context["contacts"]) == [contact, inactive]  # active first
    assert reactivate_url(inactive) in response.text
    assert deactivate_url(contact) in response.text


def test_it_audits_contact_changes(admin_client_role, admin_user, contact):
    admin_client_role.post(deactivate_url(contact))
    entry = LogEntry.objects.get_for_object(contact).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin_user


def test_the_service_refuses_a_contact_of_another_body(admin_user, contact):
    with pytest.raises(ValueError):
        services.partner_contact_save(
            body=factories.PartnerBodyFactory(), contact=contact, data={"role": "x"}, by=admin_user
        )


def test_the_service_validates(admin_user, body):
    with pytest.raises(ValidationError) as exc:
        services.partner_contact_save(body=body, data={"name": "Anna", "email": "nope"}, by=admin_user)
    assert "email" in exc.value.message_dict
    assert not PartnerContact.objects.exists()


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_404_to_operators_and_coordinators(request, client_name, method, contact):
    client = request.getfixturevalue(client_name)
    inactive = factories.PartnerContactFactory(body=contact.body, active=False)
    urls = [create_url(contact.body), edit_url(contact), deactivate_url(contact), reactivate_url(inactive)]
    for url in urls:
        assert getattr(client, method)(url, {**NEW, "name": "Changed"}).status_code == 404, url
    contact.refresh_from_db()
    inactive.refresh_from_db()
    assert contact.name == "Maria Rossi" and contact.active
    assert not inactive.active
    assert PartnerContact.objects.count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_redirects_anonymous_users_to_login(anon_client, method, contact):
    for url in (create_url(contact.body), edit_url(contact), deactivate_url(contact), reactivate_url(contact)):
        response = getattr(anon_client, method)(url, NEW)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    assert PartnerContact.objects.count() == 1
