"""Retention: a nightly dry-run list first, action only after the review period, never under legal hold."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse

from ceis.audit.models import Event
from ceis.notifications.models import Notification
from privacy import services
from privacy.models import Erasure, RetentionCandidate, RetentionRule, RetentionRun
from privacy.scrub import PLACEHOLDER
from privacy.tasks import run_retention
from referrals.models import Person, Referral
from tests import factories

ROME = zoneinfo.ZoneInfo("Europe/Rome")
LONG_AGO = datetime.datetime(2023, 1, 10, 10, 0, tzinfo=ROME)
NIGHT = datetime.datetime(2026, 3, 1, 2, 30, tzinfo=ROME)


def _at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def old_referral(operator):
    """A referral closed as 'not trafficking' three years ago (past the default 24 months)."""
    with _at(LONG_AGO):
        referral = factories.ReferralFactory(reason="Racconto vecchio Cardellino", assigned_to=[operator])
        Referral.objects.filter(pk=referral.pk).update(
            status=Referral.Status.CLOSED,
            outcome="not_trafficking",
            closed_at=LONG_AGO,
            closure_note="Chiusa Pettirosso",
        )
    return referral


def test_the_nightly_task_first_lists_without_touching(coordinator, old_referral):
    with _at(NIGHT):
        result = run_retention.delay()
    run = RetentionRun.objects.get()
    candidate = run.candidates.get(rule__kind=RetentionRule.Kind.REFERRAL_NOT_IDENTIFIED)
    assert (candidate.object_id, candidate.person_id, candidate.state) == (
        old_referral.pk,
        old_referral.person_id,
        RetentionCandidate.State.PENDING,
    )
    assert run.due_on == NIGHT.date() + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS)
    assert Referral.objects.get(pk=old_referral.pk).reason == "Racconto vecchio Cardellino"
    notification = Notification.objects.get(recipient=coordinator, kind=Notification.Kind.RETENTION_REVIEW)
    assert notification.path == reverse("privacy:run", args=[run.pk])
    assert "Cardellino" not in str(list(RetentionCandidate.objects.values())) + notification.label
    assert result.get() == {"acted": 0, "failed": 0, "listed_run": run.pk}


def test_it_acts_only_after_the_review_period(coordinator, old_referral):
    with _at(NIGHT):
        run_retention()
    with _at(NIGHT + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS - 1)):
        assert run_retention()["acted"] == 0
    assert Referral.objects.get(pk=old_referral.pk).reason == "Racconto vecchio Cardellino"
    with _at(NIGHT + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS)):
        assert run_retention()["acted"] >= 1
    referral = Referral.objects.get(pk=old_referral.pk)
    assert (referral.reason, referral.closure_note) == (PLACEHOLDER, PLACEHOLDER)
    assert referral.outcome == "not_trafficking" and referral.closed_at == LONG_AGO
    assert (
        RetentionCandidate.objects.get(object_id=old_referral.pk, rule__kind="referral_not_identified").state == "done"
    )
    # Listed once: the following nights do not list it again.
    with _at(NIGHT + datetime.timedelta(days=20)):
        run_retention()
    assert (
        RetentionCandidate.objects.filter(object_id=old_referral.pk, rule__kind="referral_not_identified").count() == 1
    )


def test_a_coordinator_can_exclude_a_record(coord_client, old_referral):
    with _at(NIGHT):
        run_retention()
    candidate = RetentionCandidate.objects.get(rule__kind="referral_not_identified")
    page = coord_client.get(reverse("privacy:run", args=[candidate.run_id]))
    assert "Exclude (keep)" in page.content.decode() and old_referral.person.case_code in page.content.decode()
    assert coord_client.post(reverse("privacy:candidate_exclude", args=[candidate.pk])).status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == "excluded" and candidate.decided_by.username == "coord"
    with _at(NIGHT + datetime.timedelta(days=30)):
        run_retention()
    assert Referral.objects.get(pk=old_referral.pk).reason == "Racconto vecchio Cardellino"
    assert RetentionCandidate.objects.filter(rule__kind="referral_not_identified").count() == 1


def test_records_under_legal_hold_are_never_listed_nor_touched(coordinator, old_referral):
    services.legal_hold_set(person=old_referral.person, reason="Procedimento", by=coordinator)
    with _at(NIGHT):
        run_retention()
    assert not RetentionCandidate.objects.filter(person=old_referral.person).exists()


def test_a_hold_set_during_the_review_stops_the_action(coordinator, old_referral):
    with _at(NIGHT):
        run_retention()
    services.legal_hold_set(person=old_referral.person, reason="Procedimento", by=coordinator)
    with _at(NIGHT + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS)):
        run_retention()
    assert Referral.objects.get(pk=old_referral.pk).reason == "Racconto vecchio Cardellino"
    assert RetentionCandidate.objects.get(rule__kind="referral_not_identified").state == "skipped"
    assert not Erasure.objects.exists()


def test_a_reopened_or_deactivated_rule_stops_the_action(coordinator, old_referral):
    with _at(NIGHT):
        run_retention()
    RetentionRule.objects.filter(kind="referral_not_identified").update(active=False)
    with _at(NIGHT + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS)):
        run_retention()
    assert Referral.objects.get(pk=old_referral.pk).reason == "Racconto vecchio Cardellino"


def test_old_notifications_are_deleted_but_audit_rows_stay(operator, old_referral):
    with _at(LONG_AGO):
        old = Notification.objects.create(recipient=operator, kind="assigned", label="LU-2023-0001")
    recent = Notification.objects.create(recipient=operator, kind="assigned", label="LU-2026-0001")
    events, entries = (
        set(Event.objects.values_list("pk", flat=True)),
        set(LogEntry.objects.values_list("pk", flat=True)),
    )
    assert events and entries
    with _at(NIGHT):
        run_retention()
    with _at(NIGHT + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS)):
        run_retention()
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=recent.pk).exists()
    assert set(Event.objects.values_list("pk", flat=True)) >= events
    assert set(LogEntry.objects.values_list("pk", flat=True)) >= entries


def test_a_person_with_no_open_case_for_long_is_erased(operator, old_referral):
    RetentionRule.objects.filter(kind="person_inactive").update(months=24)
    person = old_referral.person
    Person.objects.filter(pk=person.pk).update(updated_at=LONG_AGO)
    Referral.objects.filter(pk=old_referral.pk).update(updated_at=LONG_AGO)
    with _at(NIGHT):
        run_retention()
    assert RetentionCandidate.objects.filter(rule__kind="person_inactive", object_id=person.pk).exists()
    with _at(NIGHT + datetime.timedelta(days=settings.RETENTION_REVIEW_DAYS)):
        run_retention()
    erasure = Erasure.objects.get(person=person)
    assert erasure.rule.kind == "person_inactive" and erasure.by is None
    assert Person.objects.get(pk=person.pk).first_name == PLACEHOLDER


def test_an_open_case_is_not_listed(operator):
    with _at(LONG_AGO):
        factories.ReferralFactory(assigned_to=[operator])
    with _at(NIGHT):
        run_retention()
    assert not RetentionCandidate.objects.filter(rule__kind__in=["referral_not_identified", "person_inactive"]).exists()


def test_the_nightly_task_is_scheduled_without_arguments():
    entry = settings.CELERY_BEAT_SCHEDULE["retention-nightly"]
    assert entry["task"] == "privacy.tasks.run_retention"
    assert not entry.get("args") and not entry.get("kwargs")


def test_the_default_rules_are_seeded(db):
    rules = {r.kind: (r.trigger, r.months, r.action, r.active) for r in RetentionRule.objects.all()}
    assert set(rules) == set(RetentionRule.Kind.values)
    assert rules["notification"] == ("created", 12, "delete", True)
    assert all(months >= 12 for _, months, _, _ in rules.values())
