"""``ceis.access.visible`` answers what guardian answers for one permission, restriction aside.

The permission check is written as fixed SQL (``access._Permitted``): it must select exactly the records
``get_objects_for_user`` selects (superuser or global permission: all; else the user's rows or her groups' rows of
that permission), for each protected root and action.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm, get_objects_for_user

from ceis import access
from groups.models import GroupSession
from privacy.services import restriction_set
from protection.models import ProtectionPathway
from referrals.models import Person, Referral
from tests import factories

pytestmark = pytest.mark.django_db

ROOTS = {
    Referral: factories.ReferralFactory,
    ProtectionPathway: factories.PathwayFactory,
    GroupSession: factories.GroupSessionFactory,
}


def _guardian(model, user, action):
    perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
    qs = get_objects_for_user(user, perm, klass=model, accept_global_perms=True, with_superuser=True)
    return set(qs.values_list("pk", flat=True))


def _visible(model, user, action):
    return set(access.visible(model, user, action=action).values_list("pk", flat=True))


@pytest.mark.parametrize("model", list(ROOTS), ids=lambda m: m.__name__)
def test_each_root_and_action_matches_guardian(model, operator, operator_b, coordinator):
    make = ROOTS[model]
    name = model._meta.model_name
    mine, theirs, teams, view_only, nobodys = (make() for _ in range(5))
    access.assign(mine, operator, by=coordinator)
    access.assign(theirs, operator_b, by=coordinator)
    team, other_team = Group.objects.create(name="team-a"), Group.objects.create(name="team-b")
    operator.groups.add(team)
    for action in ("view", "change"):
        assign_perm(f"{model._meta.app_label}.{action}_{name}", team, teams)
        assign_perm(f"{model._meta.app_label}.{action}_{name}", other_team, nobodys)
    assign_perm(f"{model._meta.app_label}.view_{name}", operator, view_only)
    superuser = factories.UserFactory(is_superuser=True)
    for user in (operator, operator_b, coordinator, superuser):
        user = type(user).objects.get(pk=user.pk)  # fresh permission caches
        for action in ("view", "change"):
            assert _visible(model, user, action) == _guardian(model, user, action), (user, action)
    operator = type(operator).objects.get(pk=operator.pk)
    assert _visible(model, operator, "view") == {mine.pk, teams.pk, view_only.pk}
    assert _visible(model, operator, "change") == {mine.pk, teams.pk}


def test_an_inactive_user_sees_nothing(operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    operator.is_active = False
    assert not access.visible(Referral, operator).exists()
    assert not access.can_view(operator, referral)


def test_restriction_hides_her_records_beyond_guardian(operator, coordinator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    pathway = factories.PathwayFactory(person=referral.person, assigned_to=[operator])
    kept = factories.ReferralFactory(assigned_to=[operator])
    restriction_set(person=referral.person, reason="art. 18", by=coordinator)
    assert _guardian(Referral, operator, "view") == {referral.pk, kept.pk}
    assert _visible(Referral, operator, "view") == {kept.pk}
    assert not _visible(ProtectionPathway, operator, "view")
    assert set(access.visible(Person, operator).values_list("pk", flat=True)) == {kept.person_id}
    assert referral.pk in _visible(Referral, coordinator, "view") and pathway.pk in _visible(
        ProtectionPathway, coordinator, "view"
    )


def test_the_check_holds_inside_nested_subqueries(operator, operator_b, coordinator):
    """Children reach the check through their root, two levels down (a review through its goal and pathway)."""
    from protection.models import GoalReview, PlanGoal

    pathway = factories.PathwayFactory(assigned_to=[operator])
    goal = PlanGoal.objects.create(pathway=pathway, area="housing", goal="Casa", target_date="2027-01-01")
    review = GoalReview.objects.create(goal=goal, reviewed_on="2026-12-01", note="ok")
    assert list(access.visible(GoalReview, operator)) == [review]
    assert not access.visible(GoalReview, operator_b).exists()
    assert list(access.visible(GoalReview, coordinator)) == [review]


def test_the_permission_ids_read_once_are_forgotten_when_permissions_change(operator):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    referral = factories.ReferralFactory(assigned_to=[operator])
    assert access.can_view(operator, referral)
    assert access._permission_ids  # read once, then compared as a parameter
    Permission.objects.create(
        codename="ceis_test_permission", name="test", content_type=ContentType.objects.get_for_model(Referral)
    ).delete()
    assert not access._permission_ids
    assert access.can_view(operator, referral)


def test_a_stale_permission_id_hides_records_never_shows_them(operator, operator_b, monkeypatch):
    """An id no longer in the table (deleted, never reused) names no row: nobody sees anything."""
    mine = factories.ReferralFactory(assigned_to=[operator])
    assert access.can_view(operator, mine)
    stale = {key: 10**9 for key in access._permission_ids}
    monkeypatch.setattr(access, "_permission_ids", stale)
    assert not access.visible(Referral, operator).exists()
    assert not access.visible(Referral, operator_b).exists()
