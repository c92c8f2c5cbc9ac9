"""A coordinator marks a goal of the plan "approved by the coordinator" (who and when); only coordinators."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from protection.models import PlanGoal


@pytest.fixture
def goal(pathway, operator):
    return PlanGoal.objects.create(
        pathway=pathway, area="language", goal="Imparare l'italiano (A2)", created_by=operator
    )


def _url(goal) -> str:
    return reverse("pathway_parts:approve_goal", args=[goal.pathway_id, goal.pk])


def test_a_coordinator_approves_a_goal(coord_client, coordinator, goal):
    coordinator.first_name, coordinator.last_name = "Chiara", "Coordinatrice"
    coordinator.save()
    page = coord_client.get(reverse("protection:detail", args=[goal.pathway_id])).text
    assert _url(goal) in page
    response = coord_client.post(_url(goal), follow=True)
    goal.refresh_from_db()
    assert goal.approved_by == coordinator and goal.approved_at is not None
    assert "Goal approved." in response.text
    assert "approved by the coordinator Chiara Coordinatrice" in response.text
    assert _url(goal) not in response.text  # no second approval offered
    entry = LogEntry.objects.get_for_object(goal).latest("timestamp")
    assert entry.actor == coordinator and "approved_by" in entry.changes_dict


def test_operators_see_the_approval_but_cannot_give_it(op_client, coord_client, goal):
    page = op_client.get(reverse("protection:detail", args=[goal.pathway_id])).text
    assert _url(goal) not in page
    assert op_client.post(_url(goal)).status_code == 404
    goal.refresh_from_db()
    assert goal.approved_at is None
    coord_client.post(_url(goal))
    assert "approved by the coordinator" in op_client.get(reverse("protection:detail", args=[goal.pathway_id])).text


def test_editing_the_goal_asks_for_a_new_approval(coord_client, op_client, goal):
    coord_client.post(_url(goal))
    edit = reverse("pathway_parts:edit", args=[goal.pathway_id, "goal", goal.pk])
    form = op_client.get(edit).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    data["goal"] = "Imparare l'italiano (B1)"
    assert op_client.post(edit, data).status_code == 302
    goal.refresh_from_db()
    assert goal.goal == "Imparare l'italiano (B1)"
    assert (goal.approved_by, goal.approved_at) == (None, None)


def test_it_needs_post_and_a_known_goal(coord_client, goal):
    assert coord_client.get(_url(goal)).status_code == 405
    assert coord_client.post(reverse("pathway_parts:approve_goal", args=[goal.pathway_id, 999999])).status_code == 404


def test_a_second_approval_changes_nothing(coord_client, coordinator, goal):
    coord_client.post(_url(goal))
    goal.refresh_from_db()
    first = goal.approved_at
    response = coord_client.post(_url(goal), follow=True)
    assert "This goal was already approved." in response.text
    goal.refresh_from_db()
    assert goal.approved_at == first
