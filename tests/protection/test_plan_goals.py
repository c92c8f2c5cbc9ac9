from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from protection.models import GoalReview, PlanGoal

pytestmark = pytest.mark.usefixtures("parts_english")


def _add_url(pathway) -> str:
    return reverse("pathway_parts:add", kwargs={"pathway_pk": pathway.pk, "part": "goal"})


def _edit_url(goal) -> str:
    return reverse("pathway_parts:edit", kwargs={"pathway_pk": goal.pathway_id, "part": "goal", "pk": goal.pk})


def _review_url(goal) -> str:
    return reverse("pathway_parts:review", kwargs={"pathway_pk": goal.pathway_id, "goal_pk": goal.pk})


def _data(**overrides) -> dict:
    data = {
        "area": "work",
        "goal": "Voglio lavorare in una sartoria",
        "agreed": "on",
        "target_date": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "status": "open",
    }
    data.update(overrides)
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def goal(parts_pathway):
    return PlanGoal.objects.create(pathway=parts_pathway, area="language", goal="Parlare con il medico da sola")


def test_it_adds_a_goal_in_her_own_words(op_client, operator, parts_pathway):
    response = op_client.post(_add_url(parts_pathway), _data())
    assert response.status_code == 302
    assert response["Location"] == f"/protection/{parts_pathway.pk}/"
    goal = PlanGoal.objects.get()
    assert (goal.pathway, goal.area, goal.agreed, goal.status) == (parts_pathway, "work", True, "open")
    assert goal.goal == "Voglio lavorare in una sartoria"
    assert goal.created_by == operator
    entry = LogEntry.objects.get_for_object(goal).get(action=LogEntry.Action.CREATE)
    assert entry.actor == operator
    assert "sartoria" not in str(entry.changes)


def test_it_shows_an_empty_form(op_client, parts_pathway):
    response = op_client.get(_add_url(parts_pathway))
    assert response.status_code == 200
    assert "New goal of the individual plan" in response.text
    assert parts_pathway.person.case_code in response.text


def test_it_edits_a_goal(op_client, goal):
    response = op_client.post(_edit_url(goal), _data(area="language", status="achieved", agreed=""))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.area, goal.status, goal.agreed) == ("language", "achieved", False)
    assert PlanGoal.objects.count() == 1


def test_it_adds_a_dated_review_to_a_goal(op_client, operator, goal):
    day = timezone.localdate() - datetime.timedelta(days=2)
    response = op_client.post(_review_url(goal), {"reviewed_on": day.isoformat(), "note": "Ha preso appuntamento"})
    assert response.status_code == 302
    assert response["Location"] == f"/protection/{goal.pathway_id}/"
    review = GoalReview.objects.get()
    assert (review.goal, review.reviewed_on, review.note, review.created_by) == (
        goal,
        day,
        "Ha preso appuntamento",
        operator,
    )


def test_it_shows_earlier_reviews_on_the_review_page(op_client, goal):
    GoalReview.objects.create(goal=goal, note="Primo punto della situazione")
    response = op_client.get(_review_url(goal))
    assert response.status_code == 200
    assert "Primo punto della situazione" in response.text


def test_it_refuses_a_review_dated_in_the_future(op_client, goal):
    day = timezone.localdate() + datetime.timedelta(days=1)
    response = op_client.post(_review_url(goal), {"reviewed_on": day.isoformat(), "note": "Troppo presto"})
    assert response.status_code == 200
    assert "A review cannot be dated in the future." in response.text
    assert not GoalReview.objects.exists()


def test_it_refuses_a_goal_without_words(op_client, parts_pathway):
    response = op_client.post(_add_url(parts_pathway), _data(goal=""))
    assert response.status_code == 200
    assert "Nothing has been saved yet" in response.text
    assert not PlanGoal.objects.exists()


def test_it_answers_404_for_a_goal_of_another_pathway(op_client, goal, parts_other_pathway):
    url = reverse("pathway_parts:edit", kwargs={"pathway_pk": parts_other_pathway.pk, "part": "goal", "pk": goal.pk})
    assert op_client.get(url).status_code == 404
    review_url = reverse("pathway_parts:review", kwargs={"pathway_pk": parts_other_pathway.pk, "goal_pk": goal.pk})
    assert op_client.post(review_url, {"reviewed_on": "2026-01-01", "note": "x"}).status_code == 404
    assert not GoalReview.objects.exists()


def test_it_answers_404_for_an_unknown_part(op_client, parts_pathway):
    url = reverse("pathway_parts:add", kwargs={"pathway_pk": parts_pathway.pk, "part": "pathway"})
    assert op_client.get(url).status_code == 404


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
def test_it_answers_404_to_anyone_but_the_assigned_operator_and_coordinators(request, client_fixture, goal):
    client = request.getfixturevalue(client_fixture)
    for url, data in (
        (_add_url(goal.pathway), _data()),
        (_edit_url(goal), _data(goal="Cambiato")),
        (_review_url(goal), {"reviewed_on": "2026-01-01", "note": "x"}),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    goal.refresh_from_db()
    assert goal.goal == "Parlare con il medico da sola"
    assert PlanGoal.objects.count() == 1
    assert not GoalReview.objects.exists()


def test_coordinators_add_and_review_goals_on_any_pathway(coord_client, coordinator, goal):
    assert coord_client.post(_add_url(goal.pathway), _data()).status_code == 302
    assert coord_client.post(_review_url(goal), {"reviewed_on": "2026-01-01", "note": "Visto"}).status_code == 302
    assert PlanGoal.objects.filter(created_by=coordinator).count() == 1
    assert GoalReview.objects.get().created_by == coordinator


def test_it_refuses_new_goals_and_reviews_on_a_closed_pathway_to_operators(op_client, goal):
    pathway = goal.pathway
    pathway.ended_on, pathway.closure_reason = timezone.localdate(), "autonomy"
    pathway.save()
    for url, data in (
        (_add_url(pathway), _data()),
        (_edit_url(goal), _data(goal="Cambiato")),
        (_review_url(goal), {"reviewed_on": "2026-01-01", "note": "x"}),
    ):
        response = op_client.post(url, data)
        assert response.status_code == 302
        assert response["Location"] == f"/protection/{pathway.pk}/"
        assert _messages(response)[-1] == "This pathway is closed."
    assert op_client.get(_add_url(pathway)).status_code == 302
    goal.refresh_from_db()
    assert goal.goal == "Parlare con il medico da sola"
    assert PlanGoal.objects.count() == 1
    assert not GoalReview.objects.exists()


def test_coordinators_may_correct_a_closed_pathway(coord_client, goal):
    pathway = goal.pathway
    pathway.ended_on, pathway.closure_reason = timezone.localdate(), "autonomy"
    pathway.save()
    assert "This pathway is closed" in coord_client.get(_edit_url(goal)).text
    assert coord_client.post(_edit_url(goal), _data(status="achieved")).status_code == 302
    goal.refresh_from_db()
    assert goal.status == "achieved"
