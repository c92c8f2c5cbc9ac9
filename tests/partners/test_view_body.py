from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from tests import factories

from .helpers import assert_clean_markup


def url(body) -> str:
    return reverse("partners:detail", args=[body.pk])


@pytest.mark.parametrize("client_name", ["admin_client_role", "coord_client", "op_client"])
def test_it_shows_the_body_and_its_contacts_to_every_role(request, client_name, body):
    contact = factories.PartnerContactFactory(body=body, name="Maria Rossi", phone="333 000")
    response = request.getfixturevalue(client_name).get(url(body))
    assert response.status_code == 200
    assert "CAS Il Ponte" in response.text
    assert "Capannori" in response.text
    assert f'id="contact-{contact.pk}"' in response.text
    assert "333 000" in response.text
    assert_clean_markup(response.text)


def test_it_shows_the_agreement_dates(op_client, body):
    body.agreement_from = datetime.date(2026, 1, 15)
    body.agreement_to = datetime.date(2027, 1, 14)
    body.save()
    response = op_client.get(url(body))
    with translation.override("en"):
        start, end = (date_format(d, "SHORT_DATE_FORMAT") for d in (body.agreement_from, body.agreement_to))
    assert f"from {start} until {end}" in response.text


def test_it_offers_management_only_to_admins(admin_client_role, coord_client, op_client, body):
    for marker in ('id="edit-body"', 'id="deactivate-body"', 'id="add-contact"'):
        assert marker in admin_client_role.get(url(body)).text
        assert marker not in coord_client.get(url(body)).text
        assert marker not in op_client.get(url(body)).text


def test_it_marks_an_inactive_body(op_client):
    closed = factories.PartnerBodyFactory(active=False)
    response = op_client.get(url(closed))
    assert response.status_code == 200
    assert "This body is inactive" in response.text


def test_it_answers_404_for_an_unknown_body(op_client):
    assert op_client.get(reverse("partners:detail", args=[999999])).status_code == 404


def test_it_hides_the_body_from_users_without_permission(client, body):
    client.force_login(factories.UserFactory())
    assert client.get(url(body)).status_code == 404


def test_it_redirects_anonymous_users_to_login(anon_client, body):
    response = anon_client.get(url(body))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
