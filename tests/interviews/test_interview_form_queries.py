"""The form of a held interview runs the same queries with one list and with two full lists (issues #13, #20)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interviews.models import CatalogueVersion, IndicatorAnswer, Interview, InterviewList, Mediator
from referrals.models import ExploitationForm
from tests import factories
from tests.interviews.synthetic import synthetic_version

BUDGET = 14  # session, user, roles+permissions+unread, the interview and its 4 prefetches, the referral's forms, indicators, 4 choice lists


def _held(referral, operator, lists) -> Interview:
    interview = factories.InterviewFactory(referral=referral, held_at=timezone.now(), status="completed")
    interview.operators_present.set([operator])
    for needed, version in lists:
        InterviewList.objects.create(interview=interview, needed=needed, version=version)
        for indicator in version.indicators.filter(active=True)[:5]:
            IndicatorAnswer.objects.create(interview=interview, indicator=indicator, answer="observed")
    return interview


def _form(client, interview) -> tuple[int, object]:
    url = reverse("interviews:edit", args=[interview.pk])
    client.get(url)  # warm the content-type cache: count the page's own queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_two_full_lists_cost_the_same_queries_as_one(op_client, operator, django_assert_max_num_queries):
    labour = CatalogueVersion.objects.get(audience="adult", exploitation="labour", status="in_use")
    one = factories.ReferralFactory(assigned_to=[operator])
    one.exploitation_forms.set(ExploitationForm.objects.filter(code="labour"))
    small, small_page = _form(op_client, _held(one, operator, [("labour", labour)]))

    # two full lists, more assignees, more mediators to choose from
    sexual = synthetic_version("adult", "sexual", per_cell=4)
    two = factories.ReferralFactory(assigned_to=[operator, *factories.OperatorFactory.create_batch(5)])
    two.exploitation_forms.set(ExploitationForm.objects.filter(code__in=["labour", "sexual_indoor"]))
    for i in range(8):
        Mediator.objects.create(name=f"Mediatrice {i}", languages="English", sex="female")
    interview = _held(two, operator, [("labour", labour), ("sexual", sexual)])
    large, large_page = _form(op_client, interview)

    shown = large_page.content.count(b'name="n_')
    assert shown == labour.indicators.filter(active=True).count() + sexual.indicators.count()
    assert small_page.content.count(b'name="n_') == labour.indicators.filter(active=True).count()
    assert small == large
    with django_assert_max_num_queries(BUDGET):
        op_client.get(reverse("interviews:edit", args=[interview.pk]))
