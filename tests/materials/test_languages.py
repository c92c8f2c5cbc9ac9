"""The languages list: admins add, correct and deactivate languages (never delete them); nobody else sees it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from materials import services as material_services
from materials.models import Language
from tests import factories

LIST = reverse("materials:languages")
CREATE = reverse("materials:language_create")
QUERY_BUDGET = 8


@pytest.fixture
def operator(db):
    return factories.OperatorFactory(username="op_a", language="en")


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory(username="coord", language="en")


@pytest.fixture
def admin_user(db):
    return factories.AdminFactory(username="admin_role", language="en")


@pytest.fixture
def somali(db):
    return Language.objects.get(code="so")


def edit(language) -> str:
    return reverse("materials:language_edit", args=[language.pk])


def deactivate(language) -> str:
    return reverse("materials:language_deactivate", args=[language.pk])


def reactivate(language) -> str:
    return reverse("materials:language_reactivate", args=[language.pk])


def codes(response) -> list[str]:
    return [x.code for x in response.context["page"].object_list]


def test_it_lists_the_seeded_languages_to_admins(admin_client_role, somali):
    response = admin_client_role.get(LIST)
    assert response.status_code == 200
    assert f'id="language-{somali.pk}"' in response.text
    assert "Somali" in response.text and "somalo" in response.text
    assert 'id="add-language"' in response.text


def test_it_searches_by_name_in_either_language_or_by_code(admin_client_role):
    assert codes(admin_client_role.get(LIST, {"q": "tigrin"})) == ["ti"]
    assert codes(admin_client_role.get(LIST, {"q": "Tigrinya"})) == ["ti"]
    assert codes(admin_client_role.get(LIST, {"q": "PCM"})) == ["pcm"]


def test_it_shows_inactive_languages_on_request(admin_client_role, admin_user, somali):
    material_services.language_set_active(language=somali, active=False, by=admin_user)
    assert "so" not in codes(admin_client_role.get(LIST))
    assert codes(admin_client_role.get(LIST, {"status": "inactive"})) == ["so"]
    assert "so" in codes(admin_client_role.get(LIST, {"status": "all"}))


def test_the_list_runs_the_same_queries_for_few_and_many_languages(admin_client_role, django_assert_max_num_queries):
    admin_client_role.get(LIST)
    with CaptureQueriesContext(connection) as few:
        admin_client_role.get(LIST, {"status": "all"})
    factories.LanguageFactory.create_batch(30)
    with django_assert_max_num_queries(QUERY_BUDGET), CaptureQueriesContext(connection) as many:
        admin_client_role.get(LIST, {"status": "all"})
    assert len(few) == len(many)


def test_it_adds_a_language(admin_client_role):
    response = admin_client_role.post(CREATE, {"code": " AM ", "name_it": "amarico", "name_en": "Amharic"})
    assert response.status_code == 302
    assert response.url == LIST
    language = Language.objects.get(code="am")
    assert (language.name_it, language.name_en, language.active) == ("amarico", "Amharic", True)
    assert "Language Amharic saved." in admin_client_role.get(LIST).text


def test_it_refuses_a_code_already_taken_whatever_its_case(admin_client_role):
    response = admin_client_role.post(CREATE, {"code": "TI", "name_it": "tigrino bis", "name_en": "Tigrinya bis"})
    assert response.status_code == 200
    assert "A language with this code already exists." in response.text
    assert Language.objects.filter(code__iexact="ti").count() == 1


@pytest.mark.parametrize("code", ["english", "e", "e n", "<b>", "12"])
def test_it_refuses_a_code_that_is_not_iso_639(admin_client_role, code):
    response = admin_client_role.post(CREATE, {"code": code, "name_it": "x", "name_en": "x"})
    assert response.status_code == 200
    assert response.context["form"].has_error("code", code="language_code")
    assert not Language.objects.filter(name_it="x").exists()


def test_it_accepts_a_variant(admin_client_role):
    admin_client_role.post(CREATE, {"code": "zh-Hant", "name_it": "cinese tradizionale", "name_en": "Chinese (Trad.)"})
    assert Language.objects.filter(code="zh-hant").exists()


def test_it_edits_a_language(admin_client_role, somali):
    page = admin_client_role.get(edit(somali))
    assert "Edit Somali" in page.text
    response = admin_client_role.post(
        edit(somali), {"code": "so", "name_it": "somalo", "name_en": "Somali (Af-Soomaali)"}
    )
    assert response.status_code == 302
    somali.refresh_from_db()
    assert somali.name_en == "Somali (Af-Soomaali)"


def test_it_keeps_its_own_code_when_editing(admin_client_role, somali):
    response = admin_client_role.post(edit(somali), {"code": "SO", "name_it": "somalo", "name_en": "Somali"})
    assert response.status_code == 302


def test_it_asks_before_deactivating(admin_client_role, somali):
    response = admin_client_role.get(deactivate(somali))
    assert response.status_code == 200
    assert "Deactivate Somali?" in response.text
    somali.refresh_from_db()
    assert somali.active


def test_it_deactivates_and_keeps_materials_that_name_it(admin_client_role, somali):
    material = factories.MaterialFactory(languages=[somali])
    response = admin_client_role.post(deactivate(somali), follow=True)
    assert "Somali deactivated." in response.text
    somali.refresh_from_db()
    assert not somali.active
    assert list(material.languages.all()) == [somali]


def test_it_reactivates(admin_client_role, admin_user, somali):
    material_services.language_set_active(language=somali, active=False, by=admin_user)
    assert "Reactivate Somali?" in admin_client_role.get(reactivate(somali)).text
    admin_client_role.post(reactivate(somali))
    somali.refresh_from_db()
    assert somali.active


def test_it_does_nothing_when_already_active(admin_client_role, somali):
    response = admin_client_role.post(reactivate(somali), follow=True)
    assert "Somali is already active." in response.text


def test_the_library_links_the_languages_only_for_admins(admin_client_role, coord_client, op_client):
    assert 'id="manage-languages"' in admin_client_role.get(reverse("materials:list")).text
    assert 'id="manage-languages"' not in coord_client.get(reverse("materials:list")).text
    assert 'id="manage-languages"' not in op_client.get(reverse("materials:list")).text


def _all_urls(language) -> list[str]:
    return [LIST, CREATE, edit(language), deactivate(language), reactivate(language)]


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
def test_everyone_but_admins_gets_404(request, client_name, somali):
    client = request.getfixturevalue(client_name)
    for url in _all_urls(somali):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"code": "zz", "name_it": "x", "name_en": "x"}).status_code == 404, url
    somali.refresh_from_db()
    assert (somali.name_it, somali.active) == ("somalo", True)
    assert not Language.objects.filter(code="zz").exists()


def test_anonymous_users_go_to_login(somali):
    client = Client()
    for url in _all_urls(somali):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse("login")), (method, url)
