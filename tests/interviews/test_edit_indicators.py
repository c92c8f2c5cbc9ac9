"""Admins keep the indicator catalogue: list it by list and dimension, correct an indicator, add one, and
deactivate (never delete) one. Everyone else gets 404. Tested in English (``language="en"``)."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from interviews import catalogue_views as services
from interviews.models import CatalogueVersion, Indicator
from interviews.versions import services as version_services
from tests import factories
from tests.partners.helpers import assert_clean_markup

LIST = reverse("catalogue:list")
CREATE = reverse("catalogue:create")


@pytest.fixture
def admin_user(db):
    return factories.AdminFactory(username="catalogue_admin", language="en")


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def draft(admin_user):
    """A draft correction of the adult labour list: only a draft is edited in place."""
    in_use = CatalogueVersion.objects.get(audience="adult", exploitation="labour", status="in_use")
    return version_services.version_start_correction(version=in_use, by=admin_user)


@pytest.fixture
def indicator(draft):
    return draft.indicators.get(code="adult-labour-dr-01")


def edit_url(indicator) -> str:
    return reverse("catalogue:edit", args=[indicator.pk])


def posted(indicator, **overrides) -> dict:
    data = {
        "text_en": indicator.text_en,
        "text_it": indicator.text_it,
        "strength": indicator.strength,
        "position": indicator.position,
        "active": "on" if indicator.active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if not (k == "active" and v == "")}


def new(**overrides) -> dict:
    data = {
        "audience": "adult",
        "exploitation": "labour",
        "dimension": "exploitation",
        "strength": "medium",
        "text_en": "Forced to pay for tools and equipment",
        "text_it": "Costretta/o a pagare attrezzi e dotazioni",
        "position": "",
    }
    data.update(overrides)
    return data


def codes(response) -> list[str]:
    return [i.code for i in response.context["indicators"]]


# -- The list ---------------------------------------------------------------------------------------------


def test_it_lists_the_whole_catalogue(admin_client):
    response = admin_client.get(LIST)
    assert response.status_code == 200
    assert len(codes(response)) == Indicator.objects.count()
    assert "Deceived about the nature of the job, location or employer" in response.text
    assert "Ingannata/o sulla natura del lavoro, sul luogo o sul datore di lavoro" in response.text
    assert_clean_markup(response.text)


def test_it_filters_by_list_and_dimension(admin_client):
    response = admin_client.get(LIST, {"list": "child-labour", "dimension": "exploitation"})
    assert codes(response) == [f"child-labour-ex-{n:02d}" for n in range(1, 9)]
    assert "8 indicators" in response.text


def test_it_filters_by_list_in_the_list_order(admin_client):
    response = admin_client.get(LIST, {"list": "adult-labour"})
    rows = response.context["indicators"]
    assert len(rows) == 67
    assert rows[0].code == "adult-labour-dr-01"
    assert rows[-1].code == "adult-labour-ad-07"


def test_it_says_so_when_a_list_is_empty(admin_client):
    response = admin_client.get(LIST, {"list": "adult-sexual"})
    assert codes(response) == []
    assert "No indicators match." in response.text


def test_it_filters_by_status(admin_client):
    indicator = Indicator.objects.get(code="adult-labour-dr-01")
    Indicator.objects.filter(pk=indicator.pk).update(active=False)
    assert codes(admin_client.get(LIST, {"status": "inactive"})) == ["adult-labour-dr-01"]
    assert "adult-labour-dr-01" not in codes(admin_client.get(LIST, {"status": "active"}))
    everything = admin_client.get(LIST)
    assert "adult-labour-dr-01" in codes(everything)
    assert "Inactive" in everything.text


def test_it_ignores_an_invalid_filter(admin_client):
    response = admin_client.get(LIST, {"list": "adults-everything", "dimension": "x"})
    assert response.status_code == 200
    assert len(codes(response)) == Indicator.objects.count()


def test_it_lists_within_a_query_budget(admin_client, django_assert_max_num_queries):
    # session, user, permissions (2), groups and notifications for the menu, and one for every indicator
    with django_assert_max_num_queries(7):
        admin_client.get(LIST)


# -- Editing ----------------------------------------------------------------------------------------------


def test_it_shows_the_form_filled_in(admin_client, indicator):
    response = admin_client.get(edit_url(indicator))
    assert response.status_code == 200
    assert "Edit indicator adult-labour-dr-01" in response.text
    assert 'value="Deceived about the nature of the job, location or employer"' in response.text
    assert_clean_markup(response.text)


def test_it_saves_texts_strength_and_position(admin_client, indicator):
    response = admin_client.post(
        edit_url(indicator),
        posted(indicator, text_it="Ingannata/o sul tipo di lavoro", strength="medium", position=150),
    )
    assert response.status_code == 302
    assert response.url == f"{LIST}?list=adult-labour&dimension=deceptive_recruitment#indicator-{indicator.pk}"
    indicator.refresh_from_db()
    assert (indicator.text_it, indicator.strength, indicator.position) == (
        "Ingannata/o sul tipo di lavoro",
        "medium",
        150,
    )
    assert indicator.text_en == "Deceived about the nature of the job, location or employer"


def test_it_confirms_the_save(admin_client, indicator):
    response = admin_client.post(edit_url(indicator), posted(indicator), follow=True)
    assert "Indicator adult-labour-dr-01 saved." in response.text


def test_it_deactivates_instead_of_deleting(admin_client, indicator):
    admin_client.post(edit_url(indicator), posted(indicator, active=""))
    indicator.refresh_from_db()
    assert indicator.active is False
    assert Indicator.objects.filter(code="adult-labour-dr-01").exists()


def test_it_reactivates(admin_client, indicator):
    Indicator.objects.filter(pk=indicator.pk).update(active=False)
    indicator.refresh_from_db()
    admin_client.post(edit_url(indicator), posted(indicator, active="on"))
    indicator.refresh_from_db()
    assert indicator.active is True


def test_it_keeps_code_list_and_dimension(admin_client, indicator):
    admin_client.post(
        edit_url(indicator),
        posted(indicator, code="x", audience="child", exploitation="sexual", dimension="exploitation"),
    )
    indicator.refresh_from_db()
    assert (indicator.code, indicator.audience, indicator.exploitation, indicator.dimension) == (
        "adult-labour-dr-01",
        "adult",
        "labour",
        "deceptive_recruitment",
    )


@pytest.mark.parametrize(
    ("field", "value"), [("text_en", ""), ("text_it", "   "), ("strength", "very strong"), ("position", "-1")]
)
def test_it_refuses_an_invalid_value(admin_client, indicator, field, value):
    response = admin_client.post(edit_url(indicator), posted(indicator, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert "Nothing has been saved yet." in response.text
    fresh = Indicator.objects.get(pk=indicator.pk)
    assert (fresh.text_en, fresh.text_it, fresh.strength, fresh.position) == (
        indicator.text_en,
        indicator.text_it,
        indicator.strength,
        indicator.position,
    )


def test_it_audits_the_change_with_the_admin_as_actor(admin_client, admin_user, indicator):
    admin_client.post(edit_url(indicator), posted(indicator, strength="medium"))
    entry = LogEntry.objects.get_for_object(indicator).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin_user
    assert "strength" in entry.changes_dict


def test_it_answers_404_for_an_unknown_indicator(admin_client):
    assert admin_client.get(reverse("catalogue:edit", args=[999999])).status_code == 404


# -- Adding -----------------------------------------------------------------------------------------------


def test_it_shows_the_new_indicator_form(admin_client, draft):
    response = admin_client.get(CREATE)
    assert response.status_code == 200
    assert_clean_markup(response.text)


def test_it_adds_an_indicator_at_the_end_of_its_dimension(admin_client, draft):
    response = admin_client.post(CREATE, new())
    added = Indicator.objects.get(code="adult-labour-ex-10")
    assert added.version == draft
    assert response.url == f"{LIST}?list=adult-labour&dimension=exploitation#indicator-{added.pk}"
    assert (added.strength, added.text_en, added.active) == ("medium", "Forced to pay for tools and equipment", True)
    assert added.position == draft.indicators.get(code="adult-labour-ex-09").position + 1


def test_it_refuses_to_add_to_a_list_without_a_draft(admin_client):
    before = Indicator.objects.count()
    response = admin_client.post(CREATE, new())
    assert response.status_code == 200
    assert "This list has no draft version" in response.text
    assert Indicator.objects.count() == before


def test_it_never_edits_a_published_indicator_in_place(admin_client):
    published = Indicator.objects.get(code="adult-labour-dr-01")
    response = admin_client.post(edit_url(published), posted(published, strength="weak"), follow=True)
    assert "never edited in place" in response.text
    assert Indicator.objects.get(pk=published.pk).strength == "strong"
    with pytest.raises(ValidationError):
        services.indicator_update(indicator=published, data={"strength": "weak"}, by=None)


def test_it_numbers_a_new_list_from_one(admin_client):
    CatalogueVersion.objects.create(
        audience="child", exploitation="sexual", name="SYNTHETIC", label="t", source_title="t"
    )
    admin_client.post(CREATE, new(audience="child", exploitation="sexual", dimension="coercion_at_destination"))
    admin_client.post(CREATE, new(audience="child", exploitation="sexual", dimension="coercion_at_destination"))
    added = Indicator.objects.filter(audience="child", exploitation="sexual").order_by("position")
    assert [(i.code, i.position) for i in added] == [("child-sexual-cd-01", 501), ("child-sexual-cd-02", 502)]


def test_it_keeps_a_position_given(admin_client, draft):
    admin_client.post(CREATE, new(position="105"))
    assert Indicator.objects.get(code="adult-labour-ex-10").position == 105


def test_it_refuses_an_incomplete_indicator(admin_client, draft):
    before = Indicator.objects.count()
    response = admin_client.post(CREATE, new(text_it="", dimension=""))
    assert response.status_code == 200
    assert response.context["form"].has_error("text_it")
    assert response.context["form"].has_error("dimension")
    assert Indicator.objects.count() == before


def test_it_audits_the_addition(admin_client, admin_user, draft):
    admin_client.post(CREATE, new())
    added = Indicator.objects.get(code="adult-labour-ex-10")
    assert LogEntry.objects.get_for_object(added).get(action=LogEntry.Action.CREATE).actor == admin_user


# -- Access -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_404_to_operators_and_coordinators(request, client_name, method, indicator):
    client = request.getfixturevalue(client_name)
    before = Indicator.objects.count()
    for url, data in ((LIST, {}), (edit_url(indicator), posted(indicator, strength="weak")), (CREATE, new())):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert Indicator.objects.get(pk=indicator.pk).strength == "strong"
    assert Indicator.objects.count() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_redirects_anonymous_users_to_login(method, indicator):
    for url in (LIST, edit_url(indicator), CREATE):
        response = getattr(Client(), method)(url, posted(indicator, strength="weak"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert Indicator.objects.get(pk=indicator.pk).strength == "strong"


def _user_with(*codenames):
    user = factories.UserFactory(username="only_" + "_".join(codenames), language="en")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="interviews", codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def test_it_needs_the_add_permission_to_add(db):
    client = _user_with("view_indicator", "change_indicator")
    assert client.get(LIST).status_code == 200
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, new()).status_code == 404
    assert not Indicator.objects.filter(code="adult-labour-ex-10").exists()
    assert 'id="add-indicator"' not in client.get(LIST).text


def test_it_needs_the_change_permission_to_list_and_edit(indicator):
    client = _user_with("view_indicator", "add_indicator")
    assert client.get(LIST).status_code == 404
    assert client.post(edit_url(indicator), posted(indicator, strength="weak")).status_code == 404
    assert client.get(CREATE).status_code == 200


# -- Services ---------------------------------------------------------------------------------------------


def test_the_update_service_records_the_actor(admin_user, indicator):
    services.indicator_update(indicator=indicator, data={"active": False}, by=admin_user)
    assert Indicator.objects.get(pk=indicator.pk).active is False
    assert LogEntry.objects.get_for_object(indicator).get(action=LogEntry.Action.UPDATE).actor == admin_user


@pytest.mark.parametrize("field", ["code", "dimension", "audience"])
def test_the_update_service_refuses_fields_that_must_not_change(admin_user, indicator, field):
    with pytest.raises(TypeError):
        services.indicator_update(indicator=indicator, data={field: "x"}, by=admin_user)


def test_the_create_service_continues_the_numbering_after_a_gap(admin_user, draft):
    draft.indicators.filter(code="adult-labour-ex-05").update(code="adult-labour-ex-45")
    added = services.indicator_create(data={**new(), "position": None}, by=admin_user)
    assert added.code == "adult-labour-ex-46"


def test_the_create_service_refuses_an_unknown_dimension(admin_user):
    with pytest.raises(ValidationError):
        services.indicator_create(data={**new(), "dimension": "transport", "position": None}, by=admin_user)
