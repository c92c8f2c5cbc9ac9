from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from ceis.partners import services
from ceis.partners.models import PartnerBody
from tests import factories

from .helpers import assert_clean_markup


def url(body) -> str:
    return reverse("partners:edit", args=[body.pk])


def posted(body, **overrides) -> dict:
    data = {
        "name": body.name,
        "kind": body.kind,
        "role": body.role,
        "municipality": body.municipality,
        "address": body.address,
        "phone": body.phone,
        "email": body.email,
        "agreement_from": "",
        "agreement_to": "",
        "notes": body.notes,
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_filled_in(admin_client_role, body):
    response = admin_client_role.get(url(body))
    assert response.status_code == 200
    assert 'value="CAS Il Ponte"' in response.text
    assert 'value="Capannori"' in response.text
    assert_clean_markup(response.text)


def test_it_saves_the_changes(admin_client_role, body):
    response = admin_client_role.post(
        url(body), posted(body, phone="0583 999999", agreement_from="2026-01-01", agreement_to="2026-12-31")
    )
    assert response.status_code == 302
    assert response.url == reverse("partners:detail", args=[body.pk])
    body.refresh_from_db()
    assert body.phone == "0583 999999"
    assert body.agreement_to == datetime.date(2026, 12, 31)


def test_it_keeps_the_body_active(admin_client_role, body):
    admin_client_role.post(url(body), posted(body, notes="Nuovo referente da gennaio."))
    body.refresh_from_db()
    assert body.active
    assert body.notes == "Nuovo referente da gennaio."


def test_it_allows_changing_the_case_of_its_own_name(admin_client_role, body):
    admin_client_role.post(url(body), posted(body, name="CAS IL PONTE"))
    body.refresh_from_db()
    assert body.name == "CAS IL PONTE"


def test_it_refuses_the_name_of_another_body(admin_client_role, body):
    response = admin_client_role.post(url(body), posted(body, name="comune di lucca"))
    assert response.status_code == 200
    assert response.context["form"].has_error("name")
    assert "A partner body with this name already exists." in response.text
    body.refresh_from_db()
    assert body.name == "CAS Il Ponte"


def test_it_keeps_the_original_name_in_the_heading_after_an_error(admin_client_role, body):
    response = admin_client_role.post(url(body), posted(body, name="Comune di Lucca"))
    assert "Edit CAS Il Ponte" in response.text


def test_it_refuses_an_agreement_ending_before_it_starts(admin_client_role, body):
    response = admin_client_role.post(url(body), posted(body, agreement_from="2026-03-01", agreement_to="2026-02-01"))
    assert response.status_code == 200
    assert response.context["form"].has_error("agreement_to")
    body.refresh_from_db()
    assert body.agreement_from is None


def test_it_refuses_an_invalid_email(admin_client_role, body):
    response = admin_client_role.post(url(body), posted(body, email="ponte@", phone="1"))
    assert response.status_code == 200
    assert response.context["form"].has_error("email")
    body.refresh_from_db()
    assert body.email == ""
    assert body.phone == "0583 000000"


def test_it_edits_an_inactive_body(admin_client_role):
    closed = factories.PartnerBodyFactory(active=False)
    admin_client_role.post(url(closed), posted(closed, phone="000"))
    closed.refresh_from_db()
    assert closed.phone == "000"
    assert not closed.active


def test_it_audits_the_change(admin_client_role, admin_user, body):
    admin_client_role.post(url(body), posted(body, phone="0583 999999"))
    entry = LogEntry.objects.get_for_object(body).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin_user
    assert "phone" in entry.changes_dict


def test_it_answers_404_for_an_unknown_body(admin_client_role):
    assert admin_client_role.get(reverse("partners:edit", args=[999999])).status_code == 404


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_404_to_operators_and_coordinators(request, client_name, method, body):
    response = getattr(request.getfixturevalue(client_name), method)(url(body), posted(body, phone="1"))
    assert response.status_code == 404
    body.refresh_from_db()
    assert body.phone == "0583 000000"


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_redirects_anonymous_users_to_login(anon_client, method, body):
    response = getattr(anon_client, method)(url(body), posted(body, phone="1"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    body.refresh_from_db()
    assert body.phone == "0583 000000"


def test_it_updates_through_the_service_and_records_the_actor(admin_user, body):
    services.partner_body_update(body=body, data={"municipality": "Lucca"}, by=admin_user)
    body.refresh_from_db()
    assert body.municipality == "Lucca"
    assert LogEntry.objects.get_for_object(body).get(action=LogEntry.Action.UPDATE).actor == admin_user


def test_it_refuses_a_duplicate_in_the_service(admin_user, body):
    with pytest.raises(ValidationError) as exc:
        services.partner_body_update(body=body, data={"name": "QUESTURA di Lucca"}, by=admin_user)
    assert "name" in exc.value.message_dict
    assert PartnerBody.objects.get(pk=body.pk).name == "CAS Il Ponte"
