"""A service without an answer after the days set in the service settings: overdue on the lists and the
caseload dashboard, and the assigned operators are told once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ceis import access
from ceis.notifications.models import Notification
from ceis.service.services import service_settings_update
from privacy.services import restriction_set
from protection.service_referrals import services
from protection.tasks import send_service_overdue_reminders
from tests import factories
from tests.protection.services_helpers import request

pytestmark = pytest.mark.usefixtures("parts_english")
KIND = Notification.Kind.SERVICE_OVERDUE


def test_it_notifies_the_assigned_operators_once(operator, operator_b, coordinator, parts_pathway, referral_a):
    access.assign(parts_pathway, operator_b, by=coordinator)
    late = request(by=operator, pathway=parts_pathway, days_ago=8)
    early = request(by=operator, pathway=parts_pathway, days_ago=7)
    urgent = request(by=operator, referral=referral_a, days_ago=10)
    assert send_service_overdue_reminders.delay().get() == 3
    assert send_service_overdue_reminders() == 0  # never twice
    rows = Notification.objects.filter(kind=KIND)
    assert sorted((n.recipient.username, n.path) for n in rows) == sorted(
        [
            ("op_a", reverse("service_referrals:detail", args=[late.pk])),
            ("op_b", reverse("service_referrals:detail", args=[late.pk])),
            ("op_a", reverse("service_referrals:detail", args=[urgent.pk])),
        ]
    )
    assert {n.label for n in rows} == {parts_pathway.person.case_code, referral_a.person.case_code}
    assert early.pk


def test_the_days_come_from_the_service_settings(operator, admin_user, parts_pathway):
    service_settings_update(by=admin_user, service_answer_days=3)
    request(by=operator, pathway=parts_pathway, days_ago=4)
    assert send_service_overdue_reminders() == 1


def test_an_answered_service_is_not_overdue(operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway, days_ago=30)
    services.service_change_status(service=service, status="accepted", changed_on=service.requested_on, by=operator)
    assert send_service_overdue_reminders() == 0


def test_no_reminder_for_a_restricted_person_nor_an_inactive_operator(operator, coordinator, parts_pathway):
    request(by=operator, pathway=parts_pathway, days_ago=30)
    restriction_set(person=parts_pathway.person, reason="Richiesta dell'interessata", by=coordinator)
    assert send_service_overdue_reminders() == 0
    other = factories.PathwayFactory(assigned_to=[factories.OperatorFactory(is_active=False)])
    request(by=coordinator, pathway=other, days_ago=30)
    assert send_service_overdue_reminders() == 0


def test_the_caseload_dashboard_lists_the_overdue_services(coord_client, operator, parts_pathway):
    late = request(by=operator, pathway=parts_pathway, days_ago=9)
    request(by=operator, pathway=parts_pathway, days_ago=1)
    response = coord_client.get(reverse("caseload:dashboard"))
    assert response.status_code == 200
    count, rows = response.context["overdue_services"]
    assert (count, rows) == (1, [late])
    assert reverse("service_referrals:detail", args=[late.pk]) in response.text


def test_the_dashboard_counts_beyond_the_rows_it_lists(coordinator, operator, parts_pathway):
    from protection.service_referrals.selectors import DASHBOARD_OVERDUE_ROWS, overdue_for_dashboard

    for _ in range(DASHBOARD_OVERDUE_ROWS + 2):
        request(by=operator, pathway=parts_pathway, days_ago=12)
    count, rows = overdue_for_dashboard(coordinator)
    assert (count, len(rows)) == (DASHBOARD_OVERDUE_ROWS + 2, DASHBOARD_OVERDUE_ROWS)


def test_the_beat_runs_it_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["service-overdue-reminders"]
    assert entry["task"] == "protection.service_referrals.tasks.send_service_overdue_reminders"
    assert send_service_overdue_reminders.name == entry["task"]
