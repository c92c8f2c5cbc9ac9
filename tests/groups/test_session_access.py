"""Who reaches which session: facilitators and coordinators; nobody else, not even by guessing a URL.

Also the two lists built on that access: "My sessions" (the sessions I facilitate) and "All
sessions" (coordinators), with their filters, pagination and query budget.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ceis import access
from groups.models import AttendanceRow, GroupSession, SessionReferral
from materials.models import Language, Topic
from referrals.models import Referral
from tests import factories

MINE = reverse("groups:mine")
ALL = reverse("groups:all")


@pytest.fixture(autouse=True)
def _english(request):
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


@pytest.fixture
def session_a(operator):
    session = factories.GroupSessionFactory(facilitators=[operator], place="Sala riservata")
    factories.AttendanceRowFactory(session=session, count=7)
    return session


def _urls(session) -> list[str]:
    return [reverse(name, args=[session.pk]) for name in ("groups:detail", "groups:edit", "groups:follow_ups")]


def _post(session, operator) -> dict:
    """What a successful POST would carry (for the edit and the follow-up forms alike)."""
    return {
        "held_at": timezone.localtime(session.held_at).strftime("%Y-%m-%dT%H:%M"),
        "host_centre": session.host_centre_id,
        "place": "Altrove",
        "facilitators": [operator.pk],
        "attendance-TOTAL_FORMS": "1",
        "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
        "attendance-0-nationality": "ER",
        "attendance-0-gender": "male",
        "attendance-0-count": "40",
        "requests-TOTAL_FORMS": "1",
        "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "1",
        "requests-MAX_NUM_FORMS": "1000",
        "requests-0-name": "Blessing",
        "requests-0-gender": "female",
        "requests-0-reason": "Vuole parlare con noi.",
        "requests-0-urgency": "routine",
    }


def _unchanged(session) -> None:
    session.refresh_from_db()
    assert session.place == "Sala riservata"
    assert list(AttendanceRow.objects.filter(session=session).values_list("nationality", "count")) == [("NG", 7)]
    assert not SessionReferral.objects.exists()
    assert not Referral.objects.exists()


def test_it_answers_404_to_operator_b_on_every_url_of_the_session(op_b_client, operator, session_a):
    for url in _urls(session_a):
        assert op_b_client.get(url).status_code == 404, url
        assert op_b_client.post(url, _post(session_a, operator)).status_code == 404, url
    _unchanged(session_a)


def test_it_answers_404_to_an_admin_on_every_groups_page(admin_client_role, operator, session_a):
    for url in [*_urls(session_a), MINE, ALL, reverse("groups:upcoming"), reverse("groups:new")]:
        assert admin_client_role.get(url).status_code == 404, url
        assert admin_client_role.post(url, _post(session_a, operator)).status_code == 404, url
    _unchanged(session_a)
    assert GroupSession.objects.count() == 1


def test_it_sends_anonymous_visitors_to_login(session_a):
    for url in [*_urls(session_a), MINE, ALL, reverse("groups:upcoming"), reverse("groups:new")]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_answers_404_for_a_session_that_does_not_exist(op_client):
    assert op_client.get(reverse("groups:detail", args=[999999])).status_code == 404


def test_it_lets_a_coordinator_see_and_edit_any_session(coord_client, operator, session_a):
    assert coord_client.get(reverse("groups:detail", args=[session_a.pk])).status_code == 200
    assert coord_client.get(reverse("groups:edit", args=[session_a.pk])).status_code == 200
    response = coord_client.post(reverse("groups:edit", args=[session_a.pk]), _post(session_a, operator))
    assert response["Location"] == reverse("groups:detail", args=[session_a.pk])
    session_a.refresh_from_db()
    assert session_a.place == "Altrove"
    assert list(session_a.attendance.values_list("nationality", "count")) == [("ER", 40)]


def test_it_gives_a_new_facilitator_access_and_a_removed_one_none(coord_client, operator, operator_b, session_a):
    data = _post(session_a, operator_b)
    coord_client.post(reverse("groups:edit", args=[session_a.pk]), data)
    assert access.can_change(operator_b, session_a)
    assert not access.can_view(operator, session_a)


# The lists ----------------------------------------------------------------------------------------


def _pks(response):
    return [s.pk for s in response.context["page"].object_list]


def test_it_lists_only_the_sessions_i_facilitate(op_client, operator, operator_b, session_a):
    theirs = factories.GroupSessionFactory(facilitators=[operator_b], place="Sala altrui")
    response = op_client.get(MINE)
    assert response.status_code == 200
    assert _pks(response) == [session_a.pk]
    assert reverse("groups:detail", args=[theirs.pk]) not in response.text


def test_it_keeps_all_sessions_for_coordinators(op_client, coord_client, operator, operator_b, session_a):
    factories.GroupSessionFactory(facilitators=[operator_b])
    factories.GroupSessionFactory()
    assert op_client.get(ALL).status_code == 404
    assert len(_pks(coord_client.get(ALL))) == 3
    assert _pks(coord_client.get(MINE)) == []


def test_it_shows_each_session_with_its_figures(coord_client, operator, operator_b):
    session = factories.GroupSessionFactory(facilitators=[operator, operator_b])
    session.languages.set(Language.objects.filter(code__in=["en", "ar"]))
    session.topics.set(Topic.objects.filter(code="law"))
    factories.AttendanceRowFactory(session=session, nationality="NG", gender="female", count=11)
    factories.AttendanceRowFactory(session=session, nationality="EG", gender="male", count=6)
    for _ in range(2):
        SessionReferral.objects.create(session=session, referral=factories.ReferralFactory())
    response = coord_client.get(ALL)
    row = response.context["page"].object_list[0]
    assert (row.people, row.follow_up_count) == (17, 2)  # 11 + 6 people, two referrals (no double counting)
    assert "Arabic, English" in response.text
    assert "the law and rights" in response.text
    assert operator.get_full_name() in response.text and operator_b.get_full_name() in response.text


def test_it_writes_each_row_escaped_with_its_status(coord_client, operator):
    centre = factories.PartnerBodyFactory(name="CAS <b>Alba</b> & co")
    now = timezone.now()
    factories.GroupSessionFactory(
        host_centre=centre, place="<i>Sala</i>", facilitators=[operator], held_at=now + datetime.timedelta(days=2)
    )
    factories.GroupSessionFactory(facilitators=[], status="cancelled", held_at=now + datetime.timedelta(days=1))
    page = coord_client.get(ALL).text
    assert "CAS &lt;b&gt;Alba&lt;/b&gt; &amp; co" in page and "&lt;i&gt;Sala&lt;/i&gt;" in page
    assert "<b>Alba" not in page and "<i>Sala" not in page
    assert '<span class="badge text-bg-info">planned</span>' in page
    assert '<span class="badge text-bg-secondary">cancelled</span>' in page
    # neither counts people nor follow-ups, and the cancelled one has no facilitator
    assert page.count('<td class="text-end">—</td>') == 4
    assert '<td><span class="text-body-secondary">—</span></td>' in page


def test_it_counts_zero_people_for_a_session_without_rows(coord_client, operator):
    factories.GroupSessionFactory(facilitators=[operator], held_at=timezone.now() + datetime.timedelta(days=1))
    assert coord_client.get(ALL).context["page"].object_list[0].people == 0


def test_it_lists_the_newest_session_first(op_client, operator):
    old = factories.GroupSessionFactory(facilitators=[operator], held_at=timezone.now() - datetime.timedelta(days=30))
    new = factories.GroupSessionFactory(facilitators=[operator], held_at=timezone.now() - datetime.timedelta(days=1))
    assert _pks(op_client.get(MINE)) == [new.pk, old.pk]


def test_it_filters_by_host_centre(coord_client, operator):
    centre = factories.PartnerBodyFactory(name="CAS Villa Bianca")
    wanted = factories.GroupSessionFactory(host_centre=centre, facilitators=[operator])
    factories.GroupSessionFactory(facilitators=[operator])
    response = coord_client.get(ALL, {"host_centre": centre.pk})
    assert _pks(response) == [wanted.pk]


def test_it_filters_by_the_days_held_between(op_client, operator):
    now = timezone.now()
    old = factories.GroupSessionFactory(facilitators=[operator], held_at=now - datetime.timedelta(days=40))
    recent = factories.GroupSessionFactory(facilitators=[operator], held_at=now - datetime.timedelta(days=3))
    start = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert _pks(op_client.get(MINE, {"held_after": start})) == [recent.pk]
    end = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert _pks(op_client.get(MINE, {"held_before": end})) == [old.pk]
    day = timezone.localtime(recent.held_at).date().isoformat()
    assert _pks(op_client.get(MINE, {"held_after": day, "held_before": day})) == [recent.pk]


def test_it_shrugs_off_bad_filter_values(op_client, operator, session_a):
    response = op_client.get(MINE, {"held_after": "yesterday", "host_centre": "x", "page": "zz"})
    assert response.status_code == 200


def test_it_paginates(op_client, operator, settings):
    settings.REFERRALS_PAGE_SIZE = 5
    for _ in range(7):
        factories.GroupSessionFactory(facilitators=[operator])
    first, second = op_client.get(MINE), op_client.get(MINE, {"page": 2})
    assert (len(_pks(first)), len(_pks(second))) == (5, 2)
    assert not set(_pks(first)) & set(_pks(second))


def _many(rows: int, *facilitators) -> None:
    languages = list(Language.objects.filter(code__in=["en", "fr", "ar"]))
    topics = list(Topic.objects.all()[:2])
    for _ in range(rows):
        session = factories.GroupSessionFactory(facilitators=list(facilitators))
        session.languages.set(languages)
        session.topics.set(topics)
        factories.AttendanceRowFactory(session=session, gender="female", count=4)
        factories.AttendanceRowFactory(session=session, gender="male", count=3)


@pytest.mark.parametrize("rows", [5, 50])
def test_it_runs_a_constant_number_of_queries_for_my_sessions(
    op_client, operator, operator_b, settings, django_assert_max_num_queries, rows
):
    settings.REFERRALS_PAGE_SIZE = 50
    _many(rows, operator, operator_b)
    op_client.get(MINE)  # warm the per-process caches (content types, ...)
    with django_assert_max_num_queries(12):
        response = op_client.get(MINE)
    assert len(_pks(response)) == rows
    assert {s.people for s in response.context["page"].object_list} == {7}


@pytest.mark.parametrize("rows", [5, 50])
def test_it_runs_a_constant_number_of_queries_for_all_sessions(
    coord_client, operator, settings, django_assert_max_num_queries, rows
):
    settings.REFERRALS_PAGE_SIZE = 50
    _many(rows, operator)
    coord_client.get(ALL, {"held_after": "2000-01-01"})  # warm the per-process caches (content types, ...)
    with django_assert_max_num_queries(12):
        response = coord_client.get(ALL, {"held_after": "2000-01-01"})
    assert len(_pks(response)) == rows
