from __future__ import annotations

import datetime

import pytest

from ceis import access
from protection.models import Accommodation, DiaryEntry, GoalReview, PlanGoal, ProtectionPathway
from referrals.models import Person
from tests import factories


@pytest.fixture
def pathway(operator):
    person = factories.PersonFactory()
    pathway = ProtectionPathway.objects.create(person=person, legal_basis="art18_social")
    access.assign(pathway, operator, by=operator)
    return pathway


def test_a_pathway_and_everything_beneath_it_are_visible_to_its_operator_only(operator, operator_b, pathway):
    goal = PlanGoal.objects.create(pathway=pathway, area="work", goal="Trovare un lavoro")
    review = GoalReview.objects.create(goal=goal, note="Colloquio fatto")
    stay = Accommodation.objects.create(
        pathway=pathway, type="safe_house", secret_address="Via Segreta 1", start=datetime.date(2026, 1, 1)
    )
    entry = DiaryEntry.objects.create(pathway=pathway, text="Primo incontro")
    for model, record in (
        (ProtectionPathway, pathway),
        (PlanGoal, goal),
        (GoalReview, review),
        (Accommodation, stay),
        (DiaryEntry, entry),
    ):
        assert list(access.visible(model, operator)) == [record]
        assert list(access.visible(model, operator_b)) == []


def test_a_person_is_visible_through_her_pathway(operator, operator_b, pathway):
    assert list(access.visible(Person, operator)) == [pathway.person]
    assert list(access.visible(Person, operator_b)) == []


def test_coordinators_see_all_pathways_and_admins_none(coordinator, admin_user, pathway):
    assert list(access.visible(ProtectionPathway, coordinator)) == [pathway]
    assert list(access.visible(ProtectionPathway, admin_user)) == []


def test_unassigning_removes_the_pathway(operator, coordinator, pathway):
    access.unassign(pathway, operator, by=coordinator)
    assert not access.visible(ProtectionPathway, operator).exists()
    assert not access.visible(Person, operator).exists()
