from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from protection.models import ResidencePermit
from tests import factories

pytestmark = pytest.mark.usefixtures("parts_english")


def _add_url(pathway) -> str:
    return reverse("pathway_parts:add", kwargs={"pathway_pk": pathway.pk, "part": "permit"})


def _edit_url(permit) -> str:
    return reverse("pathway_parts:edit", kwargs={"pathway_pk": permit.pathway_id, "part": "permit", "pk": permit.pk})


def _data(**overrides) -> dict:
    data = {
        "type": "art18",
        "route": "social",
        "proposing_body": "",
        "applied_on": "2026-01-15",
        "issued_on": "2026-03-01",
        "expires_on": "2026-09-01",
        "renewal_of": "",
        "converted_to": "",
    }
    data.update(overrides)
    return data


def _permit(pathway, **fields) -> ResidencePermit:
    defaults = {
        "type": "art18",
        "route": "social",
        "issued_on": datetime.date(2025, 3, 1),
        "expires_on": datetime.date(2025, 9, 1),
    }
    return ResidencePermit.objects.create(pathway=pathway, **{**defaults, **fields})


def test_it_records_an_art_18_permit(op_client, operator, parts_pathway):
    body = factories.PartnerBodyFactory(name="Questura di prova")
    response = op_client.post(_add_url(parts_pathway), _data(proposing_body=body.pk))
    assert response.status_code == 302
    assert response["Location"] == f"/protection/{parts_pathway.pk}/"
    permit = ResidencePermit.objects.get()
    assert (permit.pathway, permit.type, permit.route, permit.proposing_body) == (
        parts_pathway,
        "art18",
        "social",
        body,
    )
    assert (permit.applied_on, permit.issued_on, permit.expires_on) == (
        datetime.date(2026, 1, 15),
        datetime.date(2026, 3, 1),
        datetime.date(2026, 9, 1),
    )
    assert permit.created_by == operator


def test_it_refuses_a_permit_expiring_before_it_was_issued(op_client, parts_pathway):
    response = op_client.post(_add_url(parts_pathway), _data(issued_on="2026-03-01", expires_on="2026-02-01"))
    assert response.status_code == 200
    assert "The permit cannot expire before it was issued." in response.text
    assert "Nothing has been saved yet" in response.text
    assert not ResidencePermit.objects.exists()


def test_it_records_a_renewal_of_a_permit_of_the_same_pathway(op_client, parts_pathway):
    first = _permit(parts_pathway)
    response = op_client.post(_add_url(parts_pathway), _data(renewal_of=first.pk))
    assert response.status_code == 302
    renewal = ResidencePermit.objects.exclude(pk=first.pk).get()
    assert renewal.renewal_of == first


def test_it_refuses_a_renewal_of_a_permit_of_another_pathway(op_client, parts_pathway, parts_other_pathway):
    elsewhere = _permit(parts_other_pathway)
    response = op_client.post(_add_url(parts_pathway), _data(renewal_of=elsewhere.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert list(ResidencePermit.objects.all()) == [elsewhere]


def test_it_offers_only_the_other_permits_of_the_pathway_as_renewed(op_client, parts_pathway, parts_other_pathway):
    first = _permit(parts_pathway)
    second = _permit(parts_pathway, issued_on=datetime.date(2025, 9, 1), expires_on=datetime.date(2026, 9, 1))
    _permit(parts_other_pathway)
    queryset = op_client.get(_edit_url(second)).context["form"].fields["renewal_of"].queryset
    assert list(queryset) == [first]
    response = op_client.post(_edit_url(second), _data(renewal_of=second.pk))
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.renewal_of is None


def test_it_records_a_conversion(op_client, parts_pathway):
    permit = _permit(parts_pathway)
    response = op_client.post(
        _edit_url(permit),
        _data(applied_on="", issued_on="2025-03-01", expires_on="2025-09-01", converted_to="lavoro subordinato"),
    )
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.converted_to == "lavoro subordinato"


def test_it_offers_active_proposing_bodies_and_keeps_the_one_chosen(op_client, parts_pathway):
    chosen = factories.PartnerBodyFactory(name="Procura chiusa", active=False)
    inactive = factories.PartnerBodyFactory(name="Ente chiuso", active=False)
    permit = _permit(parts_pathway, proposing_body=chosen)
    queryset = op_client.get(_edit_url(permit)).context["form"].fields["proposing_body"].queryset
    assert chosen in queryset and inactive not in queryset
    assert chosen not in op_client.get(_add_url(parts_pathway)).context["form"].fields["proposing_body"].queryset


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
def test_nobody_else_reaches_a_permit(request, client_fixture, parts_pathway):
    permit = _permit(parts_pathway)
    client = request.getfixturevalue(client_fixture)
    for url in (_add_url(parts_pathway), _edit_url(permit)):
        assert client.get(url).status_code == 404
        assert client.post(url, _data(converted_to="lavoro")).status_code == 404
    permit.refresh_from_db()
    assert permit.converted_to == ""
    assert ResidencePermit.objects.count() == 1
