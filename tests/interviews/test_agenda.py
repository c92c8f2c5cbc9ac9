from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

AGENDA = reverse("interviews:agenda")
LIST = reverse("interviews:list")


def _codes(response):
    return [i.referral.person.case_code for i in response.context["interviews"]]


def test_my_agenda_lists_my_upcoming_interviews_in_order(op_client, operator, operator_b):
    mine = factories.ReferralFactory(assigned_to=[operator])
    later = factories.InterviewFactory(referral=mine, scheduled_at=timezone.now() + datetime.timedelta(days=5))
    sooner = factories.InterviewFactory(referral=mine, scheduled_at=timezone.now() + datetime.timedelta(hours=5))
    factories.InterviewFactory(referral=mine, scheduled_at=timezone.now() - datetime.timedelta(days=2))  # past
    factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator_b]))  # not mine
    response = op_client.get(AGENDA)
    assert response.status_code == 200
    assert [i.pk for i in response.context["interviews"]] == [sooner.pk, later.pk]


def test_a_coordinator_sees_the_whole_agenda_on_request(coord_client, operator, operator_b):
    factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator]))
    factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator_b]))
    assert _codes(coord_client.get(AGENDA)) == []
    assert len(_codes(coord_client.get(AGENDA, {"all": "1"}))) == 2


def test_admins_have_no_agenda(admin_client_role):
    assert admin_client_role.get(AGENDA).status_code == 404
    assert admin_client_role.get(LIST).status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_the_agenda_runs_a_constant_number_of_queries(op_client, operator, django_assert_max_num_queries, rows):
    for _ in range(rows):
        interview = factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator]))
        interview.operators_present.add(operator)
    with django_assert_max_num_queries(10):
        response = op_client.get(AGENDA)
    assert len(_codes(response)) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_the_interview_list_runs_a_constant_number_of_queries(
    op_client, operator, settings, django_assert_max_num_queries, rows
):
    settings.REFERRALS_PAGE_SIZE = 50
    for _ in range(rows):
        interview = factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator]))
        interview.operators_present.add(operator)
    with django_assert_max_num_queries(10):
        response = op_client.get(LIST)
    assert len(response.context["page"].object_list) == rows


def test_the_interview_list_shows_only_visible_interviews(op_client, operator):
    visible = factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator]))
    factories.InterviewFactory()
    response = op_client.get(LIST, {"status": "scheduled"})
    assert [i.pk for i in response.context["page"].object_list] == [visible.pk]


@pytest.mark.parametrize("rows", [5, 50])
def test_the_interviews_of_a_referral_run_a_constant_number_of_queries(
    op_client, operator, django_assert_max_num_queries, rows
):
    referral = factories.ReferralFactory(assigned_to=[operator])
    for _ in range(rows):
        factories.InterviewFactory(referral=referral).operators_present.add(operator)
    with django_assert_max_num_queries(12):
        response = op_client.get(reverse("interviews:for_referral", args=[referral.pk]))
    assert len(response.context["interviews"]) == rows


def test_the_next_appointment_and_held_drafts_are_on_the_agenda(op_client, operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    held = timezone.now() - datetime.timedelta(days=1)
    appointment = timezone.now() + datetime.timedelta(days=3)
    completed = factories.InterviewFactory(
        referral=referral, status="completed", held_at=held, duration_minutes=60, next_appointment=appointment
    )
    draft = factories.InterviewFactory(referral=referral, status="draft", held_at=held)
    response = op_client.get(AGENDA)
    assert [(e.kind, e.interview.pk) for e in response.context["entries"]] == [("appointment", completed.pk)]
    assert [i.pk for i in response.context["drafts"]] == [draft.pk]
    assert 'data-kind="appointment"' in response.text and 'id="agenda-drafts"' in response.text


def test_it_shows_the_oldest_drafts_and_links_to_the_others(op_client, operator):
    from interviews.selectors import AGENDA_DRAFTS

    referral = factories.ReferralFactory(assigned_to=[operator])
    now = timezone.now()
    drafts = [
        factories.InterviewFactory(referral=referral, status="draft", held_at=now - datetime.timedelta(days=d))
        for d in range(AGENDA_DRAFTS + 3, 0, -1)
    ]
    # a recent draft with its next appointment in the window: on the agenda as an appointment all the same
    appointment = now + datetime.timedelta(days=2)
    recent = factories.InterviewFactory(
        referral=referral, status="draft", held_at=now - datetime.timedelta(hours=1), next_appointment=appointment
    )
    response = op_client.get(AGENDA)
    assert [i.pk for i in response.context["drafts"]] == [i.pk for i in drafts[:AGENDA_DRAFTS]]
    assert [(e.kind, e.interview.pk) for e in response.context["entries"]] == [("appointment", recent.pk)]
    assert response.context["more_drafts"] == 4
    assert 'id="agenda-more-drafts"' in response.text and "?status=draft" in response.text
    assert "4 more drafts" in response.text


def test_it_shows_every_draft_when_they_are_few(op_client, operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    held = timezone.now() - datetime.timedelta(days=3)
    draft = factories.InterviewFactory(referral=referral, status="draft", held_at=held)
    factories.InterviewFactory(referral=referral, status="draft")  # not held yet: not a draft to complete
    factories.InterviewFactory(referral=factories.ReferralFactory(), status="draft", held_at=held)  # not hers
    response = op_client.get(AGENDA)
    assert [i.pk for i in response.context["drafts"]] == [draft.pk]
    assert response.context["more_drafts"] == 0 and 'id="agenda-more-drafts"' not in response.text
