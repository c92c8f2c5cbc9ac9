"""The data migration 0002_seed_local_network records the local anti-trafficking network of Lucca."""

from __future__ import annotations

from ceis.partners.models import PartnerBody


def test_it_seeds_the_local_network(db):
    network = {b.name: b for b in PartnerBody.objects.filter(active=True)}
    assert network["Comune di Viareggio"].kind == PartnerBody.Kind.COMUNE
    assert "coordinamento territoriale" in network["Comune di Viareggio"].role
    assert network["Comune di Lucca"].kind == PartnerBody.Kind.COMUNE
    assert network["Provincia di Lucca"].kind == PartnerBody.Kind.PROVINCIA
    assert network["Prefettura di Lucca"].kind == PartnerBody.Kind.PREFETTURA
    assert network["Questura di Lucca"].kind == PartnerBody.Kind.QUESTURA


def test_it_lists_the_seeded_network(op_client):
    from django.urls import reverse

    response = op_client.get(reverse("partners:list"), {"q": "Lucca"})
    listed = {b.name for b in response.context["page"].object_list}
    assert {"Comune di Lucca", "Provincia di Lucca", "Prefettura di Lucca", "Questura di Lucca"} <= listed
