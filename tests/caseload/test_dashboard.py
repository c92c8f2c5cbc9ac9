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
    with django_assert_max_num_queries(13):
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
        assert f'<option value="{op.pk}">{op.username}</option>' in page
    assert "op_gone</option>" not in page
