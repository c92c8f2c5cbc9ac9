from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from ceis.partners.models import PartnerBody
from tests import factories

from .helpers import assert_clean_markup

URL = reverse("partners:list")
QUERY_BUDGET = 8


def names(response) -> list[str]:
    return [b.name for b in response.context["page"].object_list]


@pytest.mark.parametrize("client_name", ["admin_client_role", "coord_client", "op_client"])
def test_it_lists_bodies_to_every_role(request, client_name, body):
    response = request.getfixturevalue(client_name).get(URL)
    assert response.status_code == 200
    assert f'id="body-{body.pk}"' in response.text
    assert "Questura di Lucca" in names(response)


def test_it_offers_the_new_body_button_only_to_admins(admin_client_role, coord_client, op_client):
    assert 'id="add-body"' in admin_client_role.get(URL).text
    assert 'id="add-body"' not in coord_client.get(URL).text
    assert 'id="add-body"' not in op_client.get(URL).text


def test_it_hides_the_list_from_users_without_permission(db, client):
    client.force_login(factories.UserFactory(language="en"))
    assert client.get(URL).status_code == 404


def test_it_redirects_anonymous_users_to_login(anon_client):
    response = anon_client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_searches_by_name_ignoring_case(op_client, body):
    response = op_client.get(URL, {"q": "il ponte"})
    assert names(response) == ["CAS Il Ponte"]


def test_it_searches_by_municipality(op_client, body):
    factories.PartnerBodyFactory(name="Caritas Viareggio", municipality="Viareggio")
    response = op_client.get(URL, {"q": "capannori"})
    assert names(response) == ["CAS Il Ponte"]


def test_it_filters_by_kind(op_client, body):
    response = op_client.get(URL, {"kind": PartnerBody.Kind.QUESTURA})
    assert names(response) == ["Questura di Lucca"]


def test_it_shows_only_active_bodies_by_default(op_client, body):
    closed = factories.PartnerBodyFactory(name="CAS Chiuso", active=False)
    response = op_client.get(URL)
    assert body.name in names(response)
    assert closed.name not in names(response)
    assert f'id="body-{closed.pk}"' not in response.text


def test_it_shows_inactive_bodies_on_request(op_client, body):
    closed = factories.PartnerBodyFactory(name="CAS Chiuso", active=False)
    assert names(op_client.get(URL, {"status": "inactive"})) == [closed.name]
    both = names(op_client.get(URL, {"status": "all", "q": "CAS"}))
    assert both == ["CAS Chiuso", "CAS Il Ponte"]


def test_it_sorts_by_name_by_default_ignoring_case(op_client):
    factories.PartnerBodyFactory(name="beta ente", municipality="Zz")
    factories.PartnerBodyFactory(name="Alfa ente", municipality="Zz")
    factories.PartnerBodyFactory(name="Gamma ente", municipality="Zz")
    assert names(op_client.get(URL, {"q": " ente"})) == ["Alfa ente", "beta ente", "Gamma ente"]


def test_it_sorts_by_municipality(op_client):
    factories.PartnerBodyFactory(name="Ente Uno", municipality="Viareggio")
    factories.PartnerBodyFactory(name="Ente Due", municipality="Altopascio")
    factories.PartnerBodyFactory(name="Ente Tre", municipality="Lucca")
    response = op_client.get(URL, {"q": "Ente ", "sort": "municipality"})
    assert names(response) == ["Ente Due", "Ente Tre", "Ente Uno"]


def test_it_sorts_by_kind(op_client):
    factories.PartnerBodyFactory(name="Zeta ente", kind=PartnerBody.Kind.CAS)
    factories.PartnerBodyFactory(name="Alfa ente", kind=PartnerBody.Kind.QUESTURA)
    factories.PartnerBodyFactory(name="Beta ente", kind=PartnerBody.Kind.COMUNE)
    response = op_client.get(URL, {"q": "ente", "sort": "kind"})
    assert names(response) == ["Zeta ente", "Beta ente", "Alfa ente"]  # cas < comune < questura


def test_it_ignores_an_unknown_filter_value(op_client, body):
    response = op_client.get(URL, {"kind": "no-such-kind", "sort": "password", "status": "x"})
    assert response.status_code == 200
    assert body.name in names(response)


def test_it_paginates_by_25(op_client):
    factories.PartnerBodyFactory.create_batch(30)
    total = PartnerBody.objects.filter(active=True).count()
    first = op_client.get(URL)
    assert len(names(first)) == 25
    assert first.context["page"].paginator.count == total
    second = op_client.get(URL, {"page": 2})
    assert len(names(second)) == total - 25
    assert not set(names(first)) & set(names(second))


def test_it_keeps_the_filters_in_the_page_links(op_client):
    factories.PartnerBodyFactory.create_batch(30, municipality="Pietrasanta")
    response = op_client.get(URL, {"q": "Pietrasanta", "sort": "kind"})
    assert "?q=Pietrasanta&amp;sort=kind&amp;page=2" in response.text


def test_it_shows_kind_contacts_and_agreement(op_client, body):
    body.agreement_to = datetime.date(2027, 3, 31)
    body.save()
    factories.PartnerContactFactory(body=body)
    factories.PartnerContactFactory(body=body)
    factories.PartnerContactFactory(body=body, active=False)
    response = op_client.get(URL, {"q": "Il Ponte"})
    row = response.text.split(f'id="body-{body.pk}"')[1].split("</tr>")[0]
    assert "CAS (emergency reception centre)" in row
    assert "<td>2</td>" in row
    with translation.override("en"):
        assert date_format(body.agreement_to, "SHORT_DATE_FORMAT") in row
    assert response.context["page"].object_list[0].active_contacts == 2


@pytest.mark.parametrize("extra_bodies", [5, 50])
def test_it_runs_a_constant_number_of_queries(admin_client_role, django_assert_max_num_queries, extra_bodies):
    for body in factories.PartnerBodyFactory.create_batch(extra_bodies):
        factories.PartnerContactFactory.create_batch(2, body=body)
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = admin_client_role.get(URL, {"status": "all"})
    assert response.status_code == 200


def test_it_runs_the_same_queries_for_a_short_and_a_full_page(admin_client_role):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            admin_client_role.get(URL, {"status": "all"})
        return len(ctx.captured_queries)

    factories.PartnerContactFactory.create_batch(2)
    few = count()
    for body in factories.PartnerBodyFactory.create_batch(50):
        factories.PartnerContactFactory(body=body)
    assert count() == few


def test_it_renders_labelled_filters_without_inline_styles(op_client, body):
    assert_clean_markup(op_client.get(URL).text)
