"""The referral page runs the same queries for a bare referral and for one with much around it (bench/README.md)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ceis import access
from protection.service_referrals.models import ServiceReferral, ServiceStatus
from referrals.models import ExploitationForm
from tests import factories

BUDGET = (
    12  # session, user; roles + permissions + unread count (one); the referral with "may change"; the read's audit row;
)
# assignees; forms; reports; services (with the answer days); documents; consents; legal bases


def _page_queries(client, referral) -> tuple[int, str]:
    url = reverse("referrals:detail", args=[referral.pk])
    client.get(url)  # warm the content-type cache: count the page's own queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.text


def _service(referral, *, requested_on, status=ServiceStatus.REQUESTED):
    return ServiceReferral.objects.create(
        person=referral.person,
        referral=referral,
        type=ServiceReferral._meta.get_field("type").choices[0][0],
        provider=factories.PartnerBodyFactory(),
        requested_on=requested_on,
        status=status,
    )


def test_a_busy_referral_costs_the_same_queries_as_a_bare_one(op_client, operator, django_assert_max_num_queries):
    bare = factories.ReferralFactory(assigned_to=[operator])
    small, _ = _page_queries(op_client, bare)

    busy = factories.ReferralFactory(assigned_to=[operator, *factories.OperatorFactory.create_batch(4)])
    busy.exploitation_forms.set(ExploitationForm.objects.all())
    for days in (1, 5, 30, 90):
        _service(busy, requested_on=timezone.localdate() - datetime.timedelta(days=days))
    for _ in range(3):
        factories.ConsentFactory(person=busy.person)
    large, text = _page_queries(op_client, busy)

    assert small == large
    with django_assert_max_num_queries(BUDGET):
        op_client.get(reverse("referrals:detail", args=[busy.pk]))
    assert text.count('class="btn btn-outline-primary" href="/referrals/') >= 1  # "Complete / edit": she may change it


def test_may_change_still_follows_the_assignment(op_client, operator, coordinator):
    """Read-only access (a view row without the change row) shows the page without the edit buttons."""
    referral = factories.ReferralFactory(assigned_to=[operator])
    edit_url = reverse("referrals:edit", args=[referral.pk])
    assert edit_url in op_client.get(reverse("referrals:detail", args=[referral.pk])).text
    access.unassign(referral, operator, by=coordinator)
    from guardian.shortcuts import assign_perm

    assign_perm("referrals.view_referral", operator, referral)
    response = op_client.get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 200
    assert edit_url not in response.text


def test_an_unanswered_service_past_the_answer_days_is_overdue_on_the_page(op_client, operator):
    from ceis.service.services import service_settings_update

    referral = factories.ReferralFactory(assigned_to=[operator])
    service_settings_update(by=operator, service_answer_days=10)
    late = _service(referral, requested_on=timezone.localdate() - datetime.timedelta(days=11))
    recent = _service(referral, requested_on=timezone.localdate() - datetime.timedelta(days=9))
    from protection.service_referrals.selectors import services_of

    flags = {s.pk: s.overdue for s in services_of(referral)}
    assert flags == {late.pk: True, recent.pk: False}
