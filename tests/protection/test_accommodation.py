from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from ceis import crypto
from protection.models import Accommodation
from tests import factories

pytestmark = pytest.mark.usefixtures("parts_english")

ADDRESS = "Via delle Rose 17, interno 4"


def _add_url(pathway) -> str:
    return reverse("pathway_parts:add", kwargs={"pathway_pk": pathway.pk, "part": "accommodation"})


def _edit_url(stay) -> str:
    return reverse("pathway_parts:edit", kwargs={"pathway_pk": stay.pathway_id, "part": "accommodation", "pk": stay.pk})


def _data(**overrides) -> dict:
    data = {
        "facility": "",
        "facility_name": "Casa di fuga CeIS",
        "type": "safe_house",
        "start": "2026-01-10",
        "end": "",
        "secret_address": "",
    }
    data.update(overrides)
    return data


def _raw_address(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_address FROM protection_accommodation WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def stay(parts_pathway, operator):
    return Accommodation.objects.create(
        pathway=parts_pathway,
        facility_name="Casa di fuga CeIS",
        type="safe_house",
        secret_address=ADDRESS,
        start=datetime.date(2026, 1, 10),
        created_by=operator,
    )


def test_it_records_a_safe_house_stay_with_its_secret_address(op_client, operator, parts_pathway):
    response = op_client.post(_add_url(parts_pathway), _data(secret_address=ADDRESS))
    assert response.status_code == 302
    assert response["Location"] == f"/protection/{parts_pathway.pk}/"
    stay = Accommodation.objects.get()
    assert (stay.pathway, stay.type, stay.facility_name, stay.start) == (
        parts_pathway,
        "safe_house",
        "Casa di fuga CeIS",
        datetime.date(2026, 1, 10),
    )
    assert stay.secret_address == ADDRESS
    assert stay.created_by == operator


def test_the_secret_address_is_ciphertext_in_the_database(op_client, parts_pathway):
    op_client.post(_add_url(parts_pathway), _data(secret_address=ADDRESS))
    raw = _raw_address(Accommodation.objects.get().pk)
    assert "Rose" not in raw
    assert crypto.decrypt(raw) == ADDRESS


def test_the_secret_address_is_absent_from_the_audit_log(op_client, operator, parts_pathway):
    op_client.post(_add_url(parts_pathway), _data(secret_address=ADDRESS))
    stay = Accommodation.objects.get()
    op_client.post(_edit_url(stay), _data(secret_address="Via Nuova 3", end="2026-03-01"))
    entries = LogEntry.objects.get_for_object(stay)
    assert {e.action for e in entries} >= {LogEntry.Action.CREATE, LogEntry.Action.UPDATE}
    for entry in entries:
        assert entry.actor == operator
        assert "secret_address" not in entry.changes_dict
        assert "Rose" not in str(entry.changes) and "Nuova" not in str(entry.changes)


@pytest.mark.parametrize("client_fixture", ["op_client", "coord_client"])
def test_the_stored_address_never_appears_on_the_add_or_edit_page(request, client_fixture, stay):
    client = request.getfixturevalue(client_fixture)
    for url in (_add_url(stay.pathway), _edit_url(stay)):
        response = client.get(url)
        assert response.status_code == 200
        assert "Rose" not in response.text
    # Nor when the form comes back with an error.
    response = client.post(_edit_url(stay), _data(end="2025-01-01"))
    assert response.status_code == 200
    assert "Rose" not in response.text


def test_the_assigned_operator_gets_a_write_only_field(op_client, stay):
    response = op_client.get(_edit_url(stay))
    assert 'name="secret_address"' in response.text
    assert "leave empty to keep the address already recorded" in response.text.lower()
    assert 'name="remove_secret_address"' in response.text
    assert response.context["form"]["secret_address"].value() in (None, "")


def test_a_new_address_typed_into_a_form_with_errors_is_not_sent_back(op_client, parts_pathway):
    response = op_client.post(_add_url(parts_pathway), _data(secret_address="Vicolo Nascosto 9", end="2025-01-01"))
    assert response.status_code == 200
    assert "Nascosto" not in response.text


def test_editing_without_the_field_keeps_the_address(op_client, stay):
    response = op_client.post(_edit_url(stay), _data(end="2026-02-28"))
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.end == datetime.date(2026, 2, 28)
    assert stay.secret_address == ADDRESS


def test_the_operator_replaces_the_address(op_client, stay):
    op_client.post(_edit_url(stay), _data(secret_address="Via Nuova 3"))
    stay.refresh_from_db()
    assert stay.secret_address == "Via Nuova 3"


def test_the_operator_removes_the_address(op_client, stay):
    response = op_client.post(_edit_url(stay), _data(remove_secret_address="on"))
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.secret_address == ""
    assert _raw_address(stay.pk) == ""


def test_it_refuses_a_new_address_and_its_removal_at_once(op_client, stay):
    response = op_client.post(_edit_url(stay), _data(secret_address="Via Nuova 3", remove_secret_address="on"))
    assert response.status_code == 200
    assert "not both" in response.text
    stay.refresh_from_db()
    assert stay.secret_address == ADDRESS


def test_a_coordinator_neither_sees_nor_changes_the_address(coord_client, stay):
    response = coord_client.get(_edit_url(stay))
    assert response.status_code == 200
    assert "secret_address" not in response.context["form"].fields
    assert 'name="secret_address"' not in response.text
    response = coord_client.post(
        _edit_url(stay), _data(type="first_stage", secret_address="Altro indirizzo", remove_secret_address="on")
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.type == "first_stage"
    assert stay.secret_address == ADDRESS


def test_a_coordinator_records_a_stay_without_an_address(coord_client, parts_pathway):
    response = coord_client.post(_add_url(parts_pathway), _data(secret_address="Via Ignorata 1"))
    assert response.status_code == 302
    assert Accommodation.objects.get().secret_address == ""


def test_it_refuses_a_stay_ending_before_it_starts(op_client, parts_pathway):
    response = op_client.post(_add_url(parts_pathway), _data(start="2026-03-01", end="2026-02-01"))
    assert response.status_code == 200
    assert "The stay cannot end before it starts." in response.text
    assert "Nothing has been saved yet" in response.text
    assert not Accommodation.objects.exists()


def test_it_asks_for_one_facility_not_two_nor_none(op_client, parts_pathway):
    body = factories.PartnerBodyFactory()
    response = op_client.post(_add_url(parts_pathway), _data(facility=body.pk))
    assert "not both" in response.text
    response = op_client.post(_add_url(parts_pathway), _data(facility_name=""))
    assert "Choose a partner body or name an internal facility." in response.text
    assert not Accommodation.objects.exists()
    response = op_client.post(_add_url(parts_pathway), _data(facility=body.pk, facility_name=""))
    assert response.status_code == 302
    assert Accommodation.objects.get().facility == body


def test_it_offers_active_facilities_and_keeps_the_one_already_chosen(op_client, stay):
    active = factories.PartnerBodyFactory(name="SAI Lucca")
    closed = factories.PartnerBodyFactory(name="CAS chiuso", active=False)
    chosen = factories.PartnerBodyFactory(name="Casa chiusa dopo", active=False)
    stay.facility, stay.facility_name = chosen, ""
    stay.save()
    queryset = op_client.get(_edit_url(stay)).context["form"].fields["facility"].queryset
    assert {active, chosen} <= set(queryset)
    assert closed not in queryset
    assert all(body.active or body == chosen for body in queryset)
    queryset = op_client.get(_add_url(stay.pathway)).context["form"].fields["facility"].queryset
    assert closed not in queryset and chosen not in queryset
    response = op_client.post(_add_url(stay.pathway), _data(facility=closed.pk, facility_name=""))
    assert response.status_code == 200
    assert Accommodation.objects.count() == 1


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
def test_nobody_else_reaches_a_stay(request, client_fixture, stay):
    client = request.getfixturevalue(client_fixture)
    for url in (_add_url(stay.pathway), _edit_url(stay)):
        assert client.get(url).status_code == 404
        assert client.post(url, _data(secret_address="Via Altra 1", end="2026-02-01")).status_code == 404
    stay.refresh_from_db()
    assert (stay.secret_address, stay.end) == (ADDRESS, None)
    assert Accommodation.objects.count() == 1
