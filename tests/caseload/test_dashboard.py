"""The coordinators' caseload dashboard: figures per operator, what is overdue, a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caseload import selectors
from caseload.selectors import Overdue
from ceis import access
from referrals.models import Referral
from tests import factories

URL = "/caseload/"


def _by_user(caseloads):
    return {c.operator.username: c for c in caseloads}


def test_it_computes_the_figures_by_hand(caseload):
    rows = _by_user(selectors.caseload_by_operator())
    a, b = rows["op_a"], rows["op_b"]

    assert a.referrals == {
        ("assigned", "routine"): 2,
        ("assigned", "immediate"): 1,
        ("in_assessment", "priority"): 1,
    }
    assert a.open_referrals == 4
    assert a.interviews_this_month == 0
    assert a.sessions_this_month == 1
    assert a.pathways == {"emergency": 1, "second_stage": 1}
    assert sorted((i.kind, i.case_code) for i in a.overdue) == [
        (Overdue.GOAL_OVERDUE, "CL-GOAL"),
        (Overdue.LONG_ASSESSMENT, "CL-LONG"),
        (Overdue.NO_INTERVIEW, "CL-LATE"),
        (Overdue.NO_INTERVIEW, "CL-URGENT"),
        (Overdue.PERMIT_EXPIRING, "CL-PERMIT"),
    ]

    assert b.referrals == {("in_assessment", "priority"): 1, ("in_assessment", "routine"): 1}
    assert b.interviews_this_month == 1
    assert b.sessions_this_month == 0
    assert b.pathways == {}
    assert [(i.kind, i.case_code) for i in b.overdue] == [(Overdue.LONG_ASSESSMENT, "CL-LONG")]


def test_it_reads_the_thresholds_from_the_settings(caseload, settings):
    settings.CASELOAD_NO_INTERVIEW_DAYS = 2
    settings.CASELOAD_URGENT_NO_INTERVIEW_DAYS = 4
    codes = {i.case_code for i in _by_user(selectors.caseload_by_operator())["op_a"].overdue}
    assert {"CL-LATE", "CL-FRESH"} <= codes
    assert "CL-URGENT" in codes  # 3 days > 2 for everyone


def test_it_shows_case_codes_and_never_names(coord_client, caseload):
    response = coord_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("CL-LATE", "CL-URGENT", "CL-LONG", "CL-PERMIT", "CL-GOAL"):
        assert code in page
    assert "CL-FRESH" not in page  # not overdue, so not listed
    assert caseload.late.person.first_name not in page
    assert caseload.late.person.last_name not in page
    assert 'href="/caseload/"' in page  # the nav link


def _fill(operators: int, records: int):
    ops = [factories.OperatorFactory() for _ in range(operators)]
    for i in range(records):
        op = ops[i % operators]
        r = factories.ReferralFactory(received_at=timezone.now() - datetime.timedelta(days=10 + i), assigned_to=[op])
        factories.InterviewFactory(referral=r, status="completed", scheduled_at=None, held_at=timezone.now())
        factories.PathwayFactory(assigned_to=[op])
        factories.GroupSessionFactory(facilitators=[op])


@pytest.mark.parametrize(("operators", "records"), [(2, 2), (10, 2), (2, 30), (10, 30)])
def test_it_runs_a_bounded_number_of_queries(coord_client, django_assert_max_num_queries, operators, records):
    _fill(operators, records)
    coord_client.get(URL)  # warm the content-type and session caches: count the page's own queries
    with django_assert_max_num_queries(15):
        response = coord_client.get(URL)
    assert response.status_code == 200


@pytest.mark.parametrize("client_name", ["op_client", "admin_client_role"])
def test_it_is_404_to_operators_and_admins(db, request, client_name):
    client = request.getfixturevalue(client_name)
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404


def test_the_nav_link_is_for_coordinators_only(op_client):
    assert 'href="/caseload/"' not in op_client.get(reverse("home")).content.decode()


def test_access_assignee_pairs_groups_by_user_in_sql(operator, operator_b):
    r = factories.ReferralFactory(assigned_to=[operator, operator_b])
    rows = set(access.assignee_pairs(Referral).values_list("content_object", "user"))
    assert rows == {(r.pk, operator.pk), (r.pk, operator_b.pk)}
    with pytest.raises(TypeError):
        access.assignee_pairs(factories.PersonFactory()._meta.model)


def test_it_offers_every_active_operator_to_reassign_to(coord_client, operator, operator_b):
    factories.OperatorFactory(username="op_gone", is_active=False)
    page = coord_client.get(URL).content.decode()
    for op in (operator, operator_b):
        assert f'<option value="{op.pk}">{op.get_full_name()}</option>' in page
    assert "op_gone</option>" not in page


def _sections(page: str) -> list[str]:
    import re

    return re.findall(r'<section class="card mb-3" id="operator-(\d+)"', page)


def test_it_shows_25_operators_a_page(coord_client, db):
    ops = [factories.OperatorFactory(username=f"op-{i:02d}") for i in range(27)]
    first = coord_client.get(URL).content.decode()
    assert _sections(first) == [str(op.pk) for op in ops[:25]]
    assert "27 operatori/operatrici" in first
    second = coord_client.get(URL, {"page": 2}).content.decode()
    assert _sections(second) == [str(op.pk) for op in ops[25:]]


def test_it_filters_operators_by_name(coord_client, caseload):
    page = coord_client.get(URL, {"q": "_B"}).content.decode()
    assert _sections(page) == [str(caseload.b.pk)]
    assert "CL-LATE" not in page


def test_it_orders_operators_by_name_or_by_overdue_records(coord_client, caseload):
    a, b = str(caseload.a.pk), str(caseload.b.pk)
    assert _sections(coord_client.get(URL, {"sort": "-name"}).content.decode()) == [b, a]
    assert _sections(coord_client.get(URL, {"sort": "overdue"}).content.decode()) == [a, b]  # 5 overdue, then 1
    assert _sections(coord_client.get(URL, {"sort": "nonsense"}).content.decode()) == [a, b]


def test_it_counts_the_overdue_and_lists_the_first_five(coord_client, caseload):
    from tests.caseload.conftest import _referral

    _referral("CL-LATE2", [caseload.a], days=12)
    page = coord_client.get(URL).content.decode()
    # op_a: 3 without interview, 1 long in assessment, 1 permit, 1 goal = 6 overdue; 5 listed, a link for the rest
    assert page.count(f'id="pick-{caseload.a.pk}-') == 5
    assert "nessun colloquio ancora: <strong>3</strong>" in page
    assert "e ancora 1 caso in ritardo: vedi tutti i casi aperti" in page
    assert f'href="/caseload/operator/{caseload.a.pk}/"' in page


def _page_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL)  # warm the content-type and session caches: count the page's own queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_it_runs_the_same_queries_for_2_or_25_operators(coord_client):
    _fill(2, 6)
    two = _page_queries(coord_client)
    _fill(23, 46)
    page = coord_client.get(URL).content.decode()
    assert len(_sections(page)) == 25
    assert _page_queries(coord_client) == two <= 13


def test_it_shows_each_operators_figures_in_her_card(coord_client, caseload):
    import re

    page = coord_client.get(URL).content.decode()
    card = re.search(rf'<section[^>]* id="operator-{caseload.b.pk}".*?</section>', page, re.S).group(0)
    # op_b: CL-LONG (in assessment, priority) and CL-RECENT (in assessment, routine, held this month)
    assert "Segnalazioni aperte: <strong>2</strong>" in card
    assert "Colloqui svolti questo mese: <strong>1</strong>" in card
    assert '<tr><th scope="row">in valutazione</th><td>1</td><td>1</td><td>0</td></tr>' in card
    assert 'name="referrals"' in card and "CL-LONG" in card and "CL-RECENT" not in card


def test_the_select_keeps_the_chosen_operator_after_an_error(coord_client, caseload):
    response = coord_client.post("/caseload/reassign/", {"referrals": [caseload.late.pk], "operator": caseload.b.pk})
    assert response.status_code == 400  # not confirmed
    page = response.content.decode()
    assert '<select name="operator" class="form-select" required aria-invalid="true"' not in page  # operator valid
    assert f'<option value="{caseload.b.pk}" selected>{caseload.b.get_full_name()}</option>' in page
    assert f'<option value="{caseload.a.pk}">{caseload.a.get_full_name()}</option>' in page
    assert '<option value="">---------</option>' in page
