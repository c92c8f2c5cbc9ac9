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

URL = reverse("partners:create")


def valid(**overrides) -> dict:
    return {
        "name": "CAS La Rondine",
        "kind": PartnerBody.Kind.CAS,
        "role": "reception centre",
        "municipality": "Altopascio",
        "address": "Via Roma 1",
        "phone": "0583 123456",
        "email": "info@larondine.example.org",
        "agreement_from": "2026-01-01",
        "agreement_to": "2027-12-31",
        "notes": "Convenzione con la Prefettura.",
        **overrides,
    }


def test_it_shows_the_form_to_an_admin(admin_client_role):
    response = admin_client_role.get(URL)
    assert response.status_code == 200
    assert 'id="id_name"' in response.text
    assert 'type="date"' in response.text
    assert_clean_markup(response.text)


def test_it_creates_a_body(admin_client_role):
    response = admin_client_role.post(URL, valid())
    body = PartnerBody.objects.get(name="CAS La Rondine")
    assert response.status_code == 302
    assert response.url == reverse("partners:detail", args=[body.pk])
    assert body.active
    assert body.kind == PartnerBody.Kind.CAS
    assert body.municipality == "Altopascio"
    assert body.email == "info@larondine.example.org"
    assert body.agreement_from == datetime.date(2026, 1, 1)
    assert body.agreement_to == datetime.date(2027, 12, 31)


def test_it_confirms_the_creation(admin_client_role):
    response = admin_client_role.post(URL, valid(), follow=True)
    assert "Partner body CAS La Rondine added." in response.text


def test_it_needs_only_name_and_kind(admin_client_role):
    admin_client_role.post(URL, {"name": "Caritas Lucca", "kind": PartnerBody.Kind.NGO})
    assert PartnerBody.objects.filter(name="Caritas Lucca", kind="ngo").exists()


def test_it_audits_the_creation_with_the_admin_as_actor(admin_client_role, admin_user):
    admin_client_role.post(URL, valid())
    body = PartnerBody.objects.get(name="CAS La Rondine")
    entry = LogEntry.objects.get_for_object(body).get(action=LogEntry.Action.CREATE)
    assert entry.actor == admin_user


@pytest.mark.parametrize(
    "name", ["Questura di Lucca", "questura di lucca", "QUESTURA DI LUCCA", "  Questura di Lucca "]
)
def test_it_refuses_a_duplicate_name_ignoring_case(admin_client_role, name):
    before = PartnerBody.objects.count()
    response = admin_client_role.post(URL, valid(name=name))
    assert response.status_code == 200
    assert "A partner body with this name already exists." in response.text
    assert response.context["form"].has_error("name")
    assert PartnerBody.objects.count() == before


def test_it_refuses_an_agreement_ending_before_it_starts(admin_client_role):
    response = admin_client_role.post(URL, valid(agreement_from="2026-06-01", agreement_to="2026-05-31"))
    assert response.status_code == 200
    assert response.context["form"].has_error("agreement_to")
    assert "The agreement cannot end before it starts." in response.text
    assert not PartnerBody.objects.filter(name="CAS La Rondine").exists()


def test_it_refuses_an_invalid_email(admin_client_role):
    response = admin_client_role.post(URL, valid(email="not-an-address"))
    assert response.status_code == 200
    assert response.context["form"].has_error("email")
    assert 'id="form-errors"' in response.text
    assert not PartnerBody.objects.filter(name="CAS La Rondine").exists()


@pytest.mark.parametrize(
    "field,value", [("name", ""), ("kind", ""), ("kind", "bank"), ("agreement_from", "31/31/2026")]
)
def test_it_refuses_missing_or_invalid_fields(admin_client_role, field, value):
    response = admin_client_role.post(URL, valid(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert not PartnerBody.objects.filter(name="CAS La Rondine").exists()


def test_it_keeps_the_typed_values_after_an_error(admin_client_role):
    response = admin_client_role.post(URL, valid(email="broken"))
    assert 'value="CAS La Rondine"' in response.text
    assert_clean_markup(response.text)


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_404_to_operators_and_coordinators(db, request, client_name, method):
    # ``db`` named here: a fixture fetched with getfixturevalue does not tell pytest-django this test needs the database.
    response = getattr(request.getfixturevalue(client_name), method)(URL, valid())
    assert response.status_code == 404
    assert not PartnerBody.objects.filter(name="CAS La Rondine").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_redirects_anonymous_users_to_login(anon_client, method):
    response = getattr(anon_client, method)(URL, valid())
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not PartnerBody.objects.filter(name="CAS La Rondine").exists()


# The service, called directly (shell, data fixes).


def test_it_creates_through_the_service_and_records_the_actor(admin_user):
    body = services.partner_body_create(data={"name": "SAI Lucca", "kind": PartnerBody.Kind.SAI}, by=admin_user)
    assert body.pk and body.active
    assert LogEntry.objects.get_for_object(body).get().actor == admin_user


def test_it_refuses_a_duplicate_in_the_service_with_a_field_error(admin_user):
    with pytest.raises(ValidationError) as exc:
        services.partner_body_create(data={"name": "prefettura di LUCCA", "kind": "prefettura"}, by=admin_user)
    assert "name" in exc.value.message_dict
    assert PartnerBody.objects.filter(name__iexact="prefettura di lucca").count() == 1


def test_it_validates_in_the_service(admin_user):
    data = {"name": "Ente X", "kind": "other", "email": "nope", "agreement_from": datetime.date(2026, 2, 1)}
    data["agreement_to"] = datetime.date(2026, 1, 1)
    with pytest.raises(ValidationError) as exc:
        services.partner_body_create(data=data, by=admin_user)
    assert {"email", "agreement_to"} <= set(exc.value.message_dict)
    assert not PartnerBody.objects.filter(name="Ente X").exists()


def test_it_refuses_unknown_fields_in_the_service(admin_user):
    with pytest.raises(TypeError):
        services.partner_body_create(data={"name": "Ente X", "kind": "other", "active": False}, by=admin_user)


def test_it_turns_a_racing_duplicate_into_a_field_error(admin_user, monkeypatch):
    """Two admins saving the same name at once: the database constraint decides, the user sees a form error."""
    factories.PartnerBodyFactory(name="Ente Doppio")
    monkeypatch.setattr(PartnerBody, "validate_constraints", lambda self, exclude=None: None)
    taken = iter([False, True])  # free when checked first, taken once the insert has failed
    monkeypatch.setattr(services, "partner_body_name_taken", lambda *a, **k: next(taken))
    with pytest.raises(ValidationError) as exc:
        services.partner_body_create(data={"name": "ENTE DOPPIO", "kind": "other"}, by=admin_user)
    assert "name" in exc.value.message_dict
    assert PartnerBody.objects.filter(name__iexact="ente doppio").count() == 1
