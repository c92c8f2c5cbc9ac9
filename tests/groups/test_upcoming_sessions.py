"""The calendar of upcoming group sessions: an operator's own, or the whole service's for coordinators."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from materials.models import Language
from tests import factories

UPCOMING = reverse("groups:upcoming")


@pytest.fixture(autouse=True)
def _english(request):
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _days(response):
    return [(day.date, [s.pk for s in day.sessions]) for day in response.context["days"]]


def test_it_lists_my_upcoming_sessions_grouped_by_day(op_client, operator, operator_b):
    tomorrow_late = factories.GroupSessionFactory(held_at=_at(1, 16), facilitators=[operator])
    tomorrow_early = factories.GroupSessionFactory(held_at=_at(1, 9), facilitators=[operator])
    next_week = factories.GroupSessionFactory(held_at=_at(7, 10), facilitators=[operator])
    factories.GroupSessionFactory(held_at=_at(-2, 10), facilitators=[operator])  # held already
    factories.GroupSessionFactory(held_at=_at(90, 10), facilitators=[operator])  # beyond 60 days
    factories.GroupSessionFactory(held_at=_at(2, 10), facilitators=[operator_b])  # not mine

    response = op_client.get(UPCOMING)
    assert response.status_code == 200
    today = timezone.localdate()
    assert _days(response) == [
        (today + datetime.timedelta(days=1), [tomorrow_early.pk, tomorrow_late.pk]),
        (today + datetime.timedelta(days=7), [next_week.pk]),
    ]
    assert response.text.index(f'href="/groups/{tomorrow_early.pk}/"') < response.text.index(
        f'href="/groups/{tomorrow_late.pk}/"'
    )


def test_it_shows_a_session_earlier_today(op_client, operator):
    this_morning = factories.GroupSessionFactory(
        held_at=timezone.localtime().replace(hour=0, minute=1), facilitators=[operator]
    )
    assert _days(op_client.get(UPCOMING)) == [(timezone.localdate(), [this_morning.pk])]


def test_it_shows_the_centre_the_languages_and_the_facilitators(op_client, operator, operator_b):
    session = factories.GroupSessionFactory(
        held_at=_at(3, 10),
        facilitators=[operator, operator_b],
        host_centre=factories.PartnerBodyFactory(name="CAS Sesto"),
    )
    session.languages.set(Language.objects.filter(code__in=["fr", "wo"]))
    html = op_client.get(UPCOMING).text
    assert "CAS Sesto" in html
    assert "French, Wolof" in html
    assert operator_b.get_full_name() in html


def test_it_shows_a_coordinator_every_session_on_request(coord_client, operator, operator_b):
    factories.GroupSessionFactory(held_at=_at(1, 10), facilitators=[operator])
    factories.GroupSessionFactory(held_at=_at(2, 10), facilitators=[operator_b])
    mine = coord_client.get(UPCOMING)
    assert _days(mine) == []
    assert 'href="?all=1"' in mine.text
    every = coord_client.get(UPCOMING, {"all": "1"})
    assert len(_days(every)) == 2
    assert "Upcoming sessions of the service" in every.text


def test_it_ignores_the_toggle_for_an_operator(op_client, operator, operator_b):
    factories.GroupSessionFactory(held_at=_at(1, 10), facilitators=[operator_b])
    response = op_client.get(UPCOMING, {"all": "1"})
    assert _days(response) == []
    assert 'id="toggle-all"' not in response.text


def test_it_says_when_nothing_is_planned(op_client):
    assert "No sessions planned." in op_client.get(UPCOMING).text


def test_it_has_no_calendar_for_admins(admin_client_role):
    assert admin_client_role.get(UPCOMING).status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_it_runs_a_constant_number_of_queries(op_client, operator, operator_b, django_assert_max_num_queries, rows):
    languages = list(Language.objects.filter(code__in=["en", "fr"]))
    for i in range(rows):
        session = factories.GroupSessionFactory(held_at=_at(i % 30, 9 + i % 8), facilitators=[operator, operator_b])
        session.languages.set(languages)
        factories.AttendanceRowFactory(session=session)
    op_client.get(UPCOMING)  # warm the per-process caches (content types, ...)
    with django_assert_max_num_queries(10):
        response = op_client.get(UPCOMING)
    assert sum(len(day.sessions) for day in response.context["days"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_it_runs_a_constant_number_of_queries_for_the_whole_service(
    coord_client, operator, django_assert_max_num_queries, rows
):
    for i in range(rows):
        factories.GroupSessionFactory(held_at=_at(i % 30, 10), facilitators=[operator])
    coord_client.get(UPCOMING, {"all": "1"})  # warm the per-process caches (content types, ...)
    with django_assert_max_num_queries(10):
        response = coord_client.get(UPCOMING, {"all": "1"})
    assert sum(len(day.sessions) for day in response.context["days"]) == rows
