"""Every periodic task takes its rows one at a time: one row that fails is logged (model and pk, nothing of its
content), counted and skipped, and the run goes on with the others (ceis/periodic.py).

Each test poisons one row of a real run: the function the task calls for that row raises, or runs SQL that
fails (on PostgreSQL a failed statement would otherwise abort every later one of the transaction).
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ceis import periodic
from ceis.notifications import tasks as notification_tasks
from ceis.notifications.models import Notification
from interviews import tasks as interview_tasks
from privacy import scrub
from privacy.models import RetentionCandidate
from privacy.scrub import PLACEHOLDER
from privacy.tasks import run_retention
from protection import tasks as pathway_tasks
from protection.service_referrals import tasks as service_tasks
from referrals.models import Referral
from stats import snapshots
from stats import tasks as stats_tasks
from stats.models import MonthlyReport, StatisticsSnapshot
from tests import factories
from tests.protection.services_helpers import request

SECRET = "Cardellino Pettirosso"  # what a failing row's error says: it must never reach the log


def _fail_in_sql() -> None:
    """A database error, as a corrupt row would raise it: the statement fails on SQLite and PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM ceis_no_such_table_for_a_poisoned_row")


def _lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "ceis.periodic"]


def test_the_helper_counts_logs_and_goes_on(db, caplog):
    seen = []

    def handle(pk):
        if pk == 2:
            raise ValueError(f"row of {SECRET}")
        seen.append(pk)
        return 1

    with caplog.at_level(logging.INFO, logger="ceis.periodic"):
        counts = periodic.each("a-task", [1, 2, 3], handle, model=Notification)

    assert seen == [1, 3]
    assert (counts.done, counts.failed, counts.total, counts.failed_pks) == (2, 1, 2, [2])
    lines = _lines(caplog)
    assert lines[0].startswith("a-task: notifications.Notification 2 failed (ValueError at test_one_bad_row.py:")
    assert lines[-1] == "a-task: 2 rows done, 1 failed, 2 written"
    assert len(lines) == 2
    assert SECRET not in caplog.text
    assert all("\n" not in line for line in lines)


def test_a_task_out_of_time_stops_rather_than_skipping_the_row(db, caplog):
    from celery.exceptions import SoftTimeLimitExceeded

    def handle(pk):
        if pk == 2:
            raise SoftTimeLimitExceeded()

    with caplog.at_level(logging.INFO, logger="ceis.periodic"), pytest.raises(SoftTimeLimitExceeded):
        periodic.each("slow", [1, 2, 3], handle, model=Notification)
    assert _lines(caplog) == ["slow: 1 rows done, 0 failed, 0 written"]


def test_a_failed_statement_does_not_poison_the_rows_after_it(db, caplog):
    written = []

    def handle(pk):
        if pk == 1:
            _fail_in_sql()
        written.append(Notification.objects.create(recipient=factories.OperatorFactory(), kind="assigned").pk)

    with caplog.at_level(logging.WARNING, logger="ceis.periodic"):
        counts = periodic.each("sql", [1, 2, 3], handle, model=Notification, summary=False)
    assert (counts.done, counts.failed) == (2, 1)
    assert Notification.objects.filter(pk__in=written).count() == 2


def test_statistics_refresh_recounts_the_other_periods(db, monkeypatch, caplog):
    for year in (2024, 2025):
        snapshots.months_for(year, 3)
    snapshots.stale([(None, None)])
    real_count = snapshots.counts.count_months

    def count_months(year, first, last):
        if year == 2024:
            _fail_in_sql()
        return real_count(year, first, last)

    monkeypatch.setattr(snapshots.counts, "count_months", count_months)
    with caplog.at_level(logging.INFO, logger="ceis.periodic"):
        result = stats_tasks.refresh_statistics()

    months = StatisticsSnapshot.objects.filter(start__year=2025).count()
    assert months and result == {"refreshed": months, "failed": 1, "forgotten": 0}
    current = {s.start.year for s in StatisticsSnapshot.objects.all() if s.is_current}
    assert current == {2025}
    assert "refresh_statistics: stats.StatisticsSnapshot year 2024 failed" in caplog.text


def _tomorrow(hour: int):
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def test_interview_reminders_go_out_for_the_other_interviews(operator, monkeypatch, caplog):
    interviews = [
        factories.InterviewFactory(
            referral=factories.ReferralFactory(assigned_to=[operator]), scheduled_at=_tomorrow(h)
        )
        for h in (9, 11, 15)
    ]
    bad = interviews[1]
    real = interview_tasks.notification_create

    def create(**kwargs):
        if kwargs["path"] == f"/interviews/{bad.pk}/":
            raise RuntimeError(SECRET)
        return real(**kwargs)

    monkeypatch.setattr(interview_tasks, "notification_create", create)
    with caplog.at_level(logging.INFO, logger="ceis.periodic"):
        assert interview_tasks.send_interview_reminders() == 2

    paths = set(Notification.objects.values_list("path", flat=True))
    assert paths == {f"/interviews/{interviews[0].pk}/", f"/interviews/{interviews[2].pk}/"}
    assert f"interview-reminders: interviews.Interview {bad.pk} failed (RuntimeError" in caplog.text
    assert "interview-reminders: 2 rows done, 1 failed, 2 written" in caplog.text
    assert SECRET not in caplog.text

    monkeypatch.setattr(interview_tasks, "notification_create", real)
    assert interview_tasks.send_interview_reminders() == 1  # the skipped one is reminded at the next run


def test_pathway_reminders_go_out_for_the_other_pathways(operator, monkeypatch, caplog):
    started = timezone.localdate() - datetime.timedelta(days=40)  # silent diaries: one reminder each
    pathways = [factories.PathwayFactory(assigned_to=[operator], started_on=started) for _ in range(3)]
    bad = pathways[0]
    real = pathway_tasks.notification_create

    def create(**kwargs):
        if kwargs["path"] == pathway_tasks._pathway_path(bad.pk):
            _fail_in_sql()
        return real(**kwargs)

    monkeypatch.setattr(pathway_tasks, "notification_create", create)
    with caplog.at_level(logging.WARNING, logger="ceis.periodic"):
        assert pathway_tasks.send_pathway_reminders() == 2
    assert f"pathway-reminders: protection.ProtectionPathway {bad.pk} failed" in caplog.text
    assert set(Notification.objects.values_list("path", flat=True)) == {
        pathway_tasks._pathway_path(p.pk) for p in pathways[1:]
    }


def test_service_reminders_go_out_for_the_other_services(operator, coordinator, monkeypatch, caplog):
    pathway = factories.PathwayFactory(assigned_to=[operator])
    services = [request(by=operator, pathway=pathway, days_ago=30) for _ in range(3)]
    bad = services[2]
    real = service_tasks.notification_create

    def create(**kwargs):
        if kwargs["event_key"].startswith(f"service:{bad.pk}:"):
            raise KeyError(SECRET)
        return real(**kwargs)

    monkeypatch.setattr(service_tasks, "notification_create", create)
    with caplog.at_level(logging.WARNING, logger="ceis.periodic"):
        assert service_tasks.send_service_overdue_reminders() == 2
    assert f"service-overdue-reminders: protection.ServiceReferral {bad.pk} failed (KeyError" in caplog.text
    assert SECRET not in caplog.text


def test_the_e_mail_resend_sends_the_other_rows(operator, operator_b, monkeypatch, caplog):
    rows = [
        Notification.objects.create(recipient=u, kind="assigned", label="LU-2026-0001") for u in (operator, operator_b)
    ]
    real = notification_tasks.send_email

    def send(pk):
        if pk == rows[0].pk:
            raise RuntimeError(SECRET)
        return real(pk)

    monkeypatch.setattr(notification_tasks, "send_email", send)
    with caplog.at_level(logging.WARNING, logger="ceis.periodic"):
        assert notification_tasks.send_pending_emails() == 1
    assert list(Notification.objects.filter(emailed_at__isnull=True).values_list("pk", flat=True)) == [rows[0].pk]
    assert f"send_pending_emails: notifications.Notification {rows[0].pk} failed" in caplog.text


def test_the_monthly_report_is_announced_to_the_other_coordinators(coordinator, monkeypatch, caplog):
    other = factories.CoordinatorFactory()
    real = stats_tasks.notification_create

    def create(**kwargs):
        if kwargs["recipient"].pk == coordinator.pk:
            raise RuntimeError(SECRET)
        return real(**kwargs)

    monkeypatch.setattr(stats_tasks, "notification_create", create)
    with caplog.at_level(logging.WARNING, logger="ceis.periodic"):
        assert stats_tasks.build_monthly_report("2025-03") == "2025-03"
    assert MonthlyReport.objects.filter(month=datetime.date(2025, 3, 1)).exists()
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [other.pk]
    assert f"monthly-report: accounts.User {coordinator.pk} failed" in caplog.text


ROME = zoneinfo.ZoneInfo("Europe/Rome")
LONG_AGO = datetime.datetime(2023, 1, 10, 10, 0, tzinfo=ROME)
NIGHT = datetime.datetime(2026, 3, 1, 2, 30, tzinfo=ROME)


@pytest.fixture
def old_referrals(operator):
    """Three referrals closed as 'not trafficking' three years ago (past the default 24 months)."""
    made = []
    with time_machine.travel(LONG_AGO, tick=False):
        for _ in range(3):
            referral = factories.ReferralFactory(reason="Racconto vecchio", assigned_to=[operator])
            Referral.objects.filter(pk=referral.pk).update(
                status=Referral.Status.CLOSED, outcome="not_trafficking", closed_at=LONG_AGO, closure_note="Chiusa"
            )
            made.append(referral)
    return made


def test_retention_acts_on_the_other_records_and_leaves_the_bad_one_pending(
    coordinator, old_referrals, monkeypatch, caplog
):
    with time_machine.travel(NIGHT, tick=False):
        run_retention()
    bad = old_referrals[1]
    real = scrub.scrub_records

    def scrub_records(target, ids):
        if target is Referral and bad.pk in list(ids):
            _fail_in_sql()
        return real(target, ids)

    monkeypatch.setattr(scrub, "scrub_records", scrub_records)
    with time_machine.travel(NIGHT + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS), tick=False):
        with caplog.at_level(logging.WARNING, logger="ceis.periodic"):
            result = run_retention()

    assert result["failed"] == 1
    reasons = dict(Referral.objects.values_list("pk", "reason"))
    assert [reasons[r.pk] for r in old_referrals] == [PLACEHOLDER, "Racconto vecchio", PLACEHOLDER]
    states = dict(
        RetentionCandidate.objects.filter(rule__kind="referral_not_identified").values_list("object_id", "state")
    )
    assert [states[r.pk] for r in old_referrals] == ["done", "pending", "done"]
    assert f"referrals.Referral {bad.pk} failed" in caplog.text

    monkeypatch.setattr(scrub, "scrub_records", real)
    with time_machine.travel(NIGHT + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS + 1), tick=False):
        assert run_retention()["failed"] == 0  # the next night takes it again
    assert Referral.objects.get(pk=bad.pk).reason == PLACEHOLDER
