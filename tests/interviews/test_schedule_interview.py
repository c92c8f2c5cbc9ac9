from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import Interview
from referrals.models import Referral
from tests import factories


def _when(days=2):
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _schedule(client, referral, **overrides):
    data = {"scheduled_at": _when(), "place": "Sede CeIS Lucca", "language": "English"}
    data.update(overrides)
    return client.post(reverse("interviews:schedule", args=[referral.pk]), data)


def test_it_schedules_numbered_interviews_and_moves_the_referral(op_client, operator, referral_a):
    first = _schedule(op_client, referral_a, operators_present=[operator.pk])
    second = _schedule(op_client, referral_a, scheduled_at=_when(9))
    assert first.status_code == second.status_code == 302
    interviews = list(Interview.objects.filter(referral=referral_a).order_by("number"))
    assert [i.number for i in interviews] == [1, 2]
    assert interviews[0].status == Interview.Status.SCHEDULED
    assert list(interviews[0].operators_present.all()) == [operator]
    referral_a.refresh_from_db()
    assert referral_a.status == Referral.Status.INTERVIEW_SCHEDULED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"scheduled_at": ""}, "scheduled_at"),
        ({"scheduled_at": "tomorrow"}, "scheduled_at"),
        ({"mediator_name": "Mediatrice Esempio", "mediator_language": ""}, "mediator_language"),
    ],
)
def test_it_refuses_invalid_input_and_saves_nothing(op_client, referral_a, overrides, field):
    response = _schedule(op_client, referral_a, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Interview.objects.exists()
    referral_a.refresh_from_db()
    assert referral_a.status == Referral.Status.ASSIGNED


def test_it_refuses_a_date_before_the_referral_was_received(op_client, referral_a):
    before = timezone.localtime(referral_a.received_at - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = _schedule(op_client, referral_a, scheduled_at=before)
    assert "scheduled_at" in response.context["form"].errors
    assert not Interview.objects.exists()


def test_only_operators_assigned_to_the_referral_can_be_present(op_client, operator_b, referral_a):
    response = _schedule(op_client, referral_a, operators_present=[operator_b.pk])
    assert "operators_present" in response.context["form"].errors
    assert not Interview.objects.exists()


def test_a_closed_referral_takes_no_new_interview(op_client, referral_a):
    referral_a.status = Referral.Status.CLOSED
    referral_a.outcome = Referral.Outcome.DECLINED
    referral_a.save()
    response = _schedule(op_client, referral_a)
    assert response.status_code == 302
    assert not Interview.objects.exists()


def test_another_operator_cannot_schedule(op_b_client, referral_a):
    url = reverse("interviews:schedule", args=[referral_a.pk])
    assert op_b_client.get(url).status_code == 404
    assert _schedule(op_b_client, referral_a).status_code == 404
    assert not Interview.objects.exists()


def test_a_coordinator_can_schedule_on_any_referral(coord_client):
    referral = factories.ReferralFactory()
    assert _schedule(coord_client, referral).status_code == 302
    assert Interview.objects.filter(referral=referral).exists()
