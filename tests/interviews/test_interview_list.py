"""The list of interviews: every interview she may see, read from her referrals first (``selectors.interview_list``)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from interviews import selectors
from privacy.models import Restriction
from tests import factories

LIST = reverse("interviews:list")


def _pks(response):
    return [i.pk for i in response.context["page"].object_list]


def test_it_lists_held_interviews_latest_first_then_scheduled_ones(op_client, operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    now = timezone.now()
    older = factories.InterviewFactory(referral=referral, status="completed", held_at=now - datetime.timedelta(days=9))
    newer = factories.InterviewFactory(referral=referral, status="draft", held_at=now - datetime.timedelta(days=1))
    later = factories.InterviewFactory(referral=referral, scheduled_at=now + datetime.timedelta(days=4))
    sooner = factories.InterviewFactory(referral=referral, scheduled_at=now + datetime.timedelta(days=2))
    response = op_client.get(LIST)
    # PostgreSQL puts the interviews not yet held (no date) first, SQLite last: the order within each is the same
    held, scheduled = [newer.pk, older.pk], [later.pk, sooner.pk]
    assert _pks(response) in (scheduled + held, held + scheduled)
    assert response.context["page"].paginator.count == 4
    assert referral.person.case_code in response.text


def test_it_filters_by_status_and_paginates(op_client, operator, settings):
    settings.REFERRALS_PAGE_SIZE = 2
    referral = factories.ReferralFactory(assigned_to=[operator])
    held = timezone.now() - datetime.timedelta(days=1)
    completed = [
        factories.InterviewFactory(referral=referral, status="completed", held_at=held - datetime.timedelta(hours=h))
        for h in range(3)
    ]
    factories.InterviewFactory(referral=referral)
    first = op_client.get(LIST, {"status": "completed"})
    second = op_client.get(LIST, {"status": "completed", "page": 2})
    assert first.context["page"].paginator.count == 3
    assert _pks(first) + _pks(second) == [i.pk for i in completed]


def test_it_lists_the_interviews_of_a_referral_granted_to_a_group_of_hers(op_client, op_b_client, operator):
    referral = factories.ReferralFactory()
    interview = factories.InterviewFactory(referral=referral)
    team = Group.objects.create(name="team-test")
    operator.groups.add(team)
    assign_perm("referrals.view_referral", team, referral)
    assert _pks(op_client.get(LIST)) == [interview.pk]
    assert _pks(op_b_client.get(LIST)) == []


def test_it_hides_the_interviews_of_a_restricted_person_from_operators_only(
    op_client, coord_client, operator, coordinator
):
    referral = factories.ReferralFactory(assigned_to=[operator])
    interview = factories.InterviewFactory(referral=referral)
    Restriction.objects.create(person=referral.person, reason="r", by=coordinator)
    assert _pks(op_client.get(LIST)) == []
    assert _pks(coord_client.get(LIST)) == [interview.pk]


def test_a_coordinator_lists_every_interview(coord_client, operator, operator_b):
    mine = factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator]))
    theirs = factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator_b]))
    assert set(_pks(coord_client.get(LIST))) == {mine.pk, theirs.pk}


def test_it_lists_nothing_for_an_inactive_user(operator):
    factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator]))
    operator.is_active = False
    assert not selectors.interview_list(operator).exists()
