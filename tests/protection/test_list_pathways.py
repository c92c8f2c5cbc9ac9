from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from protection.models import Accommodation, DiaryEntry, PlanGoal, ProtectionPathway, ResidencePermit
from tests import factories

MINE = reverse("protection:mine")
ALL = reverse("protection:all")
SECRET = "Via Nascosta 17, Capannori"


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions below read English labels: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


def _codes(response) -> list[str]:
    return [p.person.case_code for p in response.context["page"].object_list]


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_my_pathways_lists_only_mine(op_client, operator, operator_b):
    mine = factories.PathwayFactory(assigned_to=[operator])
    theirs = factories.PathwayFactory(assigned_to=[operator_b])
    response = op_client.get(MINE)
    assert response.status_code == 200
    assert _codes(response) == [mine.person.case_code]
    assert theirs.person.case_code not in response.text


def test_all_pathways_is_for_coordinators_only(op_client, admin_client_role, coord_client, operator, operator_b):
    factories.PathwayFactory(assigned_to=[operator])
    factories.PathwayFactory(assigned_to=[operator_b])
    factories.PathwayFactory()
    assert op_client.get(ALL).status_code == 404
    assert admin_client_role.get(ALL).status_code == 404
    assert admin_client_role.get(MINE).status_code == 404
    assert len(_codes(coord_client.get(ALL))) == 3


def test_anonymous_users_are_sent_to_login(client):
    for url in (MINE, ALL):
        assert client.get(url)["Location"].startswith(reverse("login"))


def test_it_shows_the_operators_and_the_nav_link(coord_client, op_client, operator):
    factories.PathwayFactory(assigned_to=[operator])
    assert operator.get_full_name() in coord_client.get(ALL).text
    assert f'href="{ALL}">Pathways' in coord_client.get(ALL).text
    assert f'href="{MINE}">Pathways' in op_client.get(MINE).text


def test_it_never_shows_a_name_or_a_secret_address(coord_client, op_client, operator):
    pathway = factories.PathwayFactory(
        assigned_to=[operator], person=factories.PersonFactory(first_name="Unica", last_name="Nomeacaso")
    )
    Accommodation.objects.create(pathway=pathway, type="safe_house", secret_address=SECRET, start=_ago(5))
    for client, url in ((op_client, MINE), (coord_client, ALL), (coord_client, MINE)):
        response = client.get(url)
        assert SECRET not in response.text
        assert "Nomeacaso" not in response.text
    assert pathway.person.case_code in op_client.get(MINE).text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"phase": "second_stage"}, {"b"}),
        ({"phase": ["emergency", "second_stage"]}, {"a", "b"}),
        ({"legal_basis": "art18ter"}, {"c"}),
        ({"state": "closed"}, {"c"}),
        ({"state": "open"}, {"a", "b"}),
    ],
)
def test_it_filters(coord_client, query, expected):
    made = {
        "a": factories.PathwayFactory(phase="emergency"),
        "b": factories.PathwayFactory(phase="second_stage"),
        "c": factories.PathwayFactory(
            phase="autonomy", legal_basis="art18ter", ended_on=_ago(1), closure_reason="autonomy"
        ),
    }
    codes = set(_codes(coord_client.get(ALL, query)))
    assert codes == {made[k].person.case_code for k in expected}


def test_coordinators_filter_by_operator(coord_client, operator, operator_b):
    wanted = factories.PathwayFactory(assigned_to=[operator_b])
    factories.PathwayFactory(assigned_to=[operator])
    response = coord_client.get(ALL, {"operator": operator_b.pk})
    assert _codes(response) == [wanted.person.case_code]


def test_operators_are_not_offered_the_operator_filter(op_client, operator, operator_b):
    mine = factories.PathwayFactory(assigned_to=[operator, operator_b])
    response = op_client.get(MINE, {"operator": operator_b.pk})
    assert "operator" not in response.context["filter"].form.fields
    assert _codes(response) == [mine.person.case_code]


@pytest.fixture
def due(operator):
    """Four open pathways, each with one thing due or none, and a closed one with everything due."""
    fine = factories.PathwayFactory(assigned_to=[operator])
    DiaryEntry.objects.create(pathway=fine, written_on=_ago(2), text="Tutto bene")
    ResidencePermit.objects.create(pathway=fine, type="art18", issued_on=_ago(300), expires_on=_in(90))
    PlanGoal.objects.create(pathway=fine, area="work", goal="Lavoro", target_date=_in(10))
    PlanGoal.objects.create(pathway=fine, area="housing", goal="Casa", target_date=_ago(10), status="achieved")

    permit = factories.PathwayFactory(assigned_to=[operator])
    DiaryEntry.objects.create(pathway=permit, written_on=_ago(2), text="Rinnovo da chiedere")
    ResidencePermit.objects.create(pathway=permit, type="art18", issued_on=_ago(300), expires_on=_in(45))
    renewed = ResidencePermit.objects.create(pathway=fine, type="art18", issued_on=_ago(400), expires_on=_in(20))
    ResidencePermit.objects.create(pathway=fine, type="art18", renewal_of=renewed, applied_on=_ago(3))

    goal = factories.PathwayFactory(assigned_to=[operator])
    DiaryEntry.objects.create(pathway=goal, written_on=_ago(2), text="Obiettivo in ritardo")
    PlanGoal.objects.create(pathway=goal, area="language", goal="Esame A2", target_date=_ago(1))

    quiet = factories.PathwayFactory(assigned_to=[operator], started_on=_ago(100))
    DiaryEntry.objects.create(pathway=quiet, written_on=_ago(31), text="Ultimo incontro")

    closed = factories.PathwayFactory(
        assigned_to=[operator], started_on=_ago(200), ended_on=_ago(1), closure_reason="left"
    )
    ResidencePermit.objects.create(pathway=closed, type="art18", issued_on=_ago(300), expires_on=_in(5))
    PlanGoal.objects.create(pathway=closed, area="work", goal="Lavoro", target_date=_ago(30))
    return {"fine": fine, "permit": permit, "goal": goal, "quiet": quiet, "closed": closed}


@pytest.mark.parametrize(
    ("what", "expected"),
    [("permit", {"permit"}), ("goal", {"goal"}), ("diary", {"quiet"}), ("any", {"permit", "goal", "quiet"})],
)
def test_it_filters_by_what_is_due(op_client, due, what, expected):
    codes = set(_codes(op_client.get(MINE, {"due": what})))
    assert codes == {due[k].person.case_code for k in expected}


def test_it_shows_what_is_due(op_client, due):
    text = op_client.get(MINE, {"due": "any"}).text
    assert "expires on" in text
    assert "past its target date" in text
    assert "last entry" in text


def test_it_writes_each_row_with_its_badges_and_escaped_names(op_client, operator, due):
    operator.first_name = "<b>Anna</b>"
    operator.save(update_fields=["first_name"])
    text = op_client.get(MINE).text
    with translation.override("en"):
        ended = date_format(due["closed"].ended_on, "SHORT_DATE_FORMAT")
        expiry = date_format(ResidencePermit.objects.get(pathway=due["permit"]).expires_on, "SHORT_DATE_FORMAT")
    assert f'<span class="badge text-bg-secondary">closed</span> {ended}' in text
    assert f'<div><span class="badge text-bg-warning">permit</span> expires on {expiry}</div>' in text
    assert '<div><span class="badge text-bg-warning">goal</span> past its target date</div>' in text
    assert '<span class="badge text-bg-warning">diary</span> last entry ' in text
    assert "<td>art. 18, social route</td>" in text
    assert "&lt;b&gt;Anna&lt;/b&gt;" in text and "<b>Anna" not in text


def test_a_new_pathway_without_diary_entries_is_not_quiet_before_30_days(op_client, operator):
    factories.PathwayFactory(assigned_to=[operator], started_on=_ago(29))
    old = factories.PathwayFactory(assigned_to=[operator], started_on=_ago(31))
    assert _codes(op_client.get(MINE, {"due": "diary"})) == [old.person.case_code]


def test_it_searches_by_case_code(coord_client):
    wanted = factories.PathwayFactory()
    factories.PathwayFactory()
    assert _codes(coord_client.get(ALL, {"q": wanted.person.case_code.lower()})) == [wanted.person.case_code]


def test_it_sorts_newest_first_by_default_and_by_phase_or_permit_on_request(coord_client):
    a = factories.PathwayFactory(started_on=_ago(1), phase="autonomy")
    b = factories.PathwayFactory(started_on=_ago(3), phase="emergency")
    c = factories.PathwayFactory(started_on=_ago(2), phase="second_stage")
    ResidencePermit.objects.create(pathway=a, type="art18", expires_on=_in(50))
    ResidencePermit.objects.create(pathway=b, type="art18", expires_on=_in(10))
    codes = lambda *ps: [p.person.case_code for p in ps]  # noqa: E731
    assert _codes(coord_client.get(ALL)) == codes(a, c, b)
    assert _codes(coord_client.get(ALL, {"sort": "phase"})) == codes(b, c, a)
    assert _codes(coord_client.get(ALL, {"sort": "started"})) == codes(b, c, a)
    assert _codes(coord_client.get(ALL, {"sort": "permit"}))[:2] == codes(b, a)


def test_it_lists_each_pathway_once_in_order_whatever_the_phases_and_sort(coord_client):
    a = factories.PathwayFactory(started_on=_ago(1), phase="autonomy")
    b = factories.PathwayFactory(started_on=_ago(3), phase="emergency")
    c = factories.PathwayFactory(started_on=_ago(2), phase="emergency")
    factories.PathwayFactory(started_on=_ago(2), phase="second_stage")
    codes = lambda *ps: [p.person.case_code for p in ps]  # noqa: E731
    phases = {"phase": ["emergency", "autonomy"]}
    assert _codes(coord_client.get(ALL, phases)) == codes(a, c, b)
    assert _codes(coord_client.get(ALL, {**phases, "sort": "-started"})) == codes(a, c, b)
    assert _codes(coord_client.get(ALL, {**phases, "sort": "started"})) == codes(b, c, a)
    assert _codes(coord_client.get(ALL, {**phases, "sort": "case"})) == sorted(codes(a, b, c))


def test_a_bad_filter_value_is_not_a_500(coord_client):
    factories.PathwayFactory()
    response = coord_client.get(
        ALL, {"phase": "bogus", "legal_basis": "x", "operator": "abc", "due": "soon", "sort": "nope", "page": "x"}
    )
    assert response.status_code == 200


def test_it_paginates(coord_client, settings):
    settings.REFERRALS_PAGE_SIZE = 5
    for _ in range(7):
        factories.PathwayFactory()
    first, second = coord_client.get(ALL), coord_client.get(ALL, {"page": 2})
    assert len(_codes(first)) == 5
    assert len(_codes(second)) == 2
    assert not set(_codes(first)) & set(_codes(second))


def _busy_pathways(rows: int, operator) -> None:
    for i in range(rows):
        pathway = factories.PathwayFactory(assigned_to=[operator], started_on=_ago(40 + i))
        DiaryEntry.objects.create(pathway=pathway, written_on=_ago(35), text="Incontro")
        ResidencePermit.objects.create(pathway=pathway, type="art18", expires_on=_in(30))
        PlanGoal.objects.create(pathway=pathway, area="work", goal="Lavoro", target_date=_ago(3))


@pytest.mark.parametrize("rows", [5, 50])
def test_my_pathways_runs_a_constant_number_of_queries(
    op_client, operator, settings, django_assert_max_num_queries, rows
):
    settings.REFERRALS_PAGE_SIZE = 50
    _busy_pathways(rows, operator)
    with django_assert_max_num_queries(12):
        response = op_client.get(MINE, {"due": "any", "sort": "-permit"})
    assert len(_codes(response)) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_all_pathways_runs_a_constant_number_of_queries(
    coord_client, operator, settings, django_assert_max_num_queries, rows
):
    settings.REFERRALS_PAGE_SIZE = 50
    _busy_pathways(rows, operator)
    with django_assert_max_num_queries(12):
        response = coord_client.get(ALL, {"phase": ["emergency"], "operator": operator.pk, "due": "diary"})
    assert len(_codes(response)) == rows


@pytest.mark.django_db
def test_the_list_filters_have_indexes():
    indexed = {tuple(i.fields) for i in ProtectionPathway._meta.indexes}
    assert ("phase", "-started_on") in indexed
    assert ("legal_basis", "-started_on") in indexed
    assert ResidencePermit._meta.get_field("expires_on").db_index
    assert PlanGoal._meta.get_field("target_date").db_index
    assert DiaryEntry._meta.get_field("written_on").db_index


def test_a_coordinator_finds_the_pathways_of_a_departed_operator(coord_client, operator, operator_b):
    kept = factories.PathwayFactory(assigned_to=[operator])
    factories.PathwayFactory(assigned_to=[operator_b])
    operator.is_active = False
    operator.save()
    response = coord_client.get(ALL, {"operator": operator.pk})
    assert [p.pk for p in response.context["page"].object_list] == [kept.pk]
