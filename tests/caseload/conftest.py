"""A caseload built for hand-computed figures (see the expectations in test_dashboard.py)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from protection.models import PlanGoal, ResidencePermit
from referrals.models import Referral
from tests import factories


def _referral(code: str, users, *, days: float, urgency=Referral.Urgency.ROUTINE, status=None):
    r = factories.ReferralFactory(
        person=factories.PersonFactory(case_code=code),
        received_at=timezone.now() - datetime.timedelta(days=days),
        urgency=urgency,
        assigned_to=users,
    )
    if status:
        r.status = status
        r.save(update_fields=["status"])
    return r


def _held(referral, *, ago: datetime.timedelta):
    return factories.InterviewFactory(
        referral=referral, status="completed", scheduled_at=None, held_at=timezone.now() - ago
    )


@pytest.fixture
def caseload(operator, operator_b):
    a, b = operator, operator_b
    today = timezone.localdate()
    ns = SimpleNamespace(a=a, b=b)
    ns.late = _referral("CL-LATE", [a], days=10)  # no interview after 7 days: overdue
    ns.urgent = _referral("CL-URGENT", [a], days=3, urgency=Referral.Urgency.IMMEDIATE)  # after 2: overdue
    ns.fresh = _referral("CL-FRESH", [a], days=3)  # routine, 3 days: not yet
    ns.long = _referral(
        "CL-LONG", [a, b], days=40, urgency=Referral.Urgency.PRIORITY, status=Referral.Status.IN_ASSESSMENT
    )
    _held(ns.long, ago=datetime.timedelta(days=35))  # in assessment for 35 days: overdue, for both
    ns.recent = _referral("CL-RECENT", [b], days=1, status=Referral.Status.IN_ASSESSMENT)
    _held(ns.recent, ago=datetime.timedelta(minutes=1))  # held this month
    ns.closed = _referral("CL-CLOSED", [a], days=20, status=Referral.Status.CLOSED)  # not counted at all
    factories.GroupSessionFactory(held_at=timezone.now() - datetime.timedelta(minutes=1), facilitators=[a])
    factories.GroupSessionFactory(held_at=timezone.now() - datetime.timedelta(days=40), facilitators=[b])
    ns.permit = factories.PathwayFactory(person=factories.PersonFactory(case_code="CL-PERMIT"), assigned_to=[a])
    ResidencePermit.objects.create(pathway=ns.permit, type="art18", expires_on=today + datetime.timedelta(days=10))
    ns.goal = factories.PathwayFactory(
        person=factories.PersonFactory(case_code="CL-GOAL"), phase="second_stage", assigned_to=[a]
    )
    PlanGoal.objects.create(pathway=ns.goal, area="work", goal="x", target_date=today - datetime.timedelta(days=1))
    PlanGoal.objects.create(pathway=ns.goal, area="housing", goal="y", target_date=today + datetime.timedelta(days=9))
    factories.PathwayFactory(
        person=factories.PersonFactory(case_code="CL-ENDED"),
        assigned_to=[b],
        ended_on=today,
        closure_reason="autonomy",
    )
    return ns
