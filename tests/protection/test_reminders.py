"""Daily pathway reminders, with a frozen clock: each created exactly once on its day, none early, none twice.

The clock is moved day by day to the beat's hour (07:15 in Rome); the task runs twice each day, with
the e-mails that follow on commit actually sent. The windows cross the switch to summer time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from ceis import access
from ceis.notifications.models import Notification
from protection.models import Accommodation, DiaryEntry, PlanGoal, ProtectionPathway, ResidencePermit
from protection.tasks import send_pathway_reminders
from tests import factories

ROME = ZoneInfo("Europe/Rome")
START = datetime.date(2026, 3, 1)  # summer time starts on 29 March 2026
Kind = Notification.Kind


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def clock(time_machine):
    """``clock(day)``: it is now 07:15 in Rome on that day, and the clock stands still."""

    def set_to(day: datetime.date) -> None:
        time_machine.move_to(datetime.datetime.combine(day, datetime.time(7, 15), tzinfo=ROME), tick=False)

    set_to(START)
    return set_to


@pytest.fixture
def run(clock, django_capture_on_commit_callbacks):
    """``run(day)``: the beat fires twice that day; returns what each run wrote."""

    def fire(day: datetime.date) -> tuple[int, int]:
        clock(day)
        with django_capture_on_commit_callbacks(execute=True):
            first = send_pathway_reminders()
        with django_capture_on_commit_callbacks(execute=True):
            second = send_pathway_reminders()
        return first, second

    return fire


def make_pathway(*operators, started_on: datetime.date = START, **person) -> ProtectionPathway:
    pathway = ProtectionPathway.objects.create(
        person=factories.PersonFactory(**person), legal_basis="art18_social", started_on=started_on
    )
    for operator in operators:
        access.assign(pathway, operator, by=operator)
    return pathway


def reminder_days(kind: str, recipient) -> dict[datetime.date, int]:
    """Day (in Rome) -> number of reminders of this kind written for the recipient that day."""
    found: dict[datetime.date, int] = defaultdict(int)
    for created_at in Notification.objects.filter(kind=kind, recipient=recipient).values_list("created_at", flat=True):
        found[created_at.astimezone(ROME).date()] += 1
    return dict(found)


def travel(run, first: datetime.date, last: datetime.date, before_each=None) -> None:
    day = first
    while day <= last:
        if before_each:
            before_each(day)
        _first, second = run(day)
        assert second == 0, f"the second run on {day} wrote {second} reminders"
        day += days(1)


def test_a_permit_is_reminded_60_30_and_7_days_before_it_expires(operator, run):
    pathway = make_pathway(operator)
    expiry = START + days(75)
    permit = ResidencePermit.objects.create(
        pathway=pathway, type="art18", route="social", issued_on=START - days(290), expires_on=expiry
    )

    travel(run, START, expiry + days(2))

    assert reminder_days(Kind.PERMIT_EXPIRING, operator) == {
        expiry - days(60): 1,
        expiry - days(30): 1,
        expiry - days(7): 1,
    }
    keys = set(Notification.objects.filter(kind=Kind.PERMIT_EXPIRING).values_list("event_key", flat=True))
    assert keys == {f"permit:{permit.pk}:{expiry.isoformat()}:{n}" for n in (60, 30, 7)}
    note = Notification.objects.filter(kind=Kind.PERMIT_EXPIRING).first()
    assert (note.label, note.path) == (pathway.person.case_code, f"/protection/{pathway.pk}/")


def test_a_changed_expiry_date_is_a_new_event(operator, run):
    permit = ResidencePermit.objects.create(
        pathway=make_pathway(operator), type="art18", route="social", expires_on=START + days(30)
    )
    assert run(START) == (1, 0)

    permit.expires_on = START + days(60)  # corrected the same day: a new event, reminded at once
    permit.save()
    assert run(START) == (1, 0)
    assert reminder_days(Kind.PERMIT_EXPIRING, operator) == {START: 2}


def test_a_renewed_or_converted_permit_is_no_longer_reminded(operator, run):
    pathway = make_pathway(operator)
    renewed = ResidencePermit.objects.create(pathway=pathway, type="art18", expires_on=START + days(30))
    ResidencePermit.objects.create(pathway=pathway, type="art18", renewal_of=renewed, expires_on=START + days(395))
    ResidencePermit.objects.create(pathway=pathway, type="art18", expires_on=START + days(7), converted_to="lavoro")
    assert run(START) == (0, 0)
    assert not Notification.objects.filter(kind=Kind.PERMIT_EXPIRING).exists()


def test_an_overdue_goal_is_reminded_the_day_after_its_target_date_only(operator, run):
    pathway = make_pathway(operator)
    target = START + days(10)
    goal = PlanGoal.objects.create(pathway=pathway, area="work", goal="Trovare un lavoro", target_date=target)
    PlanGoal.objects.create(pathway=pathway, area="housing", goal="Una casa", target_date=target, status="achieved")
    PlanGoal.objects.create(pathway=pathway, area="language", goal="Studiare", target_date=target, status="dropped")
    PlanGoal.objects.create(pathway=pathway, area="health", goal="Senza data")

    travel(run, START, target + days(20))

    assert reminder_days(Kind.GOAL_OVERDUE, operator) == {target + days(1): 1}
    assert Notification.objects.get(kind=Kind.GOAL_OVERDUE).event_key == f"goal:{goal.pk}:{target.isoformat()}"


def test_a_postponed_goal_is_reminded_again_after_its_new_target_date(operator, run):
    first_target = START + days(5)
    goal = PlanGoal.objects.create(
        pathway=make_pathway(operator), area="work", goal="Trovare un lavoro", target_date=first_target
    )
    new_target = START + days(15)

    def postpone(day):
        if day == first_target + days(3):
            goal.target_date = new_target
            goal.save()

    travel(run, START, new_target + days(10), before_each=postpone)

    assert reminder_days(Kind.GOAL_OVERDUE, operator) == {first_target + days(1): 1, new_target + days(1): 1}


def test_a_silent_diary_is_reminded_on_day_30_and_a_new_entry_starts_a_new_period(operator, run):
    pathway = make_pathway(operator, started_on=START - days(200))
    DiaryEntry.objects.create(pathway=pathway, text="Primo incontro", written_on=START)
    new_entry_on = START + days(35)

    def write_entry(day):
        if day == new_entry_on:
            DiaryEntry.objects.create(pathway=pathway, text="Colloquio di verifica", written_on=day)

    travel(run, START, START + days(70), before_each=write_entry)

    assert reminder_days(Kind.DIARY_SILENT, operator) == {START + days(30): 1, new_entry_on + days(30): 1}
    keys = set(Notification.objects.filter(kind=Kind.DIARY_SILENT).values_list("event_key", flat=True))
    assert keys == {f"diary:{pathway.pk}:{START.isoformat()}", f"diary:{pathway.pk}:{new_entry_on.isoformat()}"}


def test_a_pathway_without_entries_counts_its_silence_from_its_start(operator, run):
    pathway = make_pathway(operator, started_on=START)

    travel(run, START, START + days(40))

    assert reminder_days(Kind.DIARY_SILENT, operator) == {START + days(30): 1}
    assert Notification.objects.get(kind=Kind.DIARY_SILENT).event_key == f"diary:{pathway.pk}:{START.isoformat()}"


def everything_due(pathway: ProtectionPathway) -> None:
    """On START: a permit 30 days from expiry, a goal overdue since yesterday, no entry for 30 days."""
    ResidencePermit.objects.create(pathway=pathway, type="art18", route="social", expires_on=START + days(30))
    PlanGoal.objects.create(pathway=pathway, area="work", goal="Trovare un lavoro", target_date=START - days(1))
    DiaryEntry.objects.create(pathway=pathway, text="Primo incontro", written_on=START - days(30))


def test_closed_pathways_get_no_reminder(operator, run):
    pathway = make_pathway(operator, started_on=START - days(100))
    everything_due(pathway)
    pathway.ended_on = START - days(2)
    pathway.closure_reason = ProtectionPathway.ClosureReason.AUTONOMY
    pathway.save()

    travel(run, START, START + days(40))

    assert not Notification.objects.exists()


def test_only_active_assigned_operators_are_reminded(operator, operator_b, coordinator, run):
    everything_due(make_pathway(operator, operator_b, started_on=START - days(100)))
    operator_b.is_active = False
    operator_b.save()
    factories.OperatorFactory(username="op_c")  # active, not assigned

    assert run(START) == (3, 0)

    assert {(n.recipient, n.kind) for n in Notification.objects.all()} == {
        (operator, Kind.PERMIT_EXPIRING),
        (operator, Kind.GOAL_OVERDUE),
        (operator, Kind.DIARY_SILENT),
    }
    assert len(mail.outbox) == 3 and {m.to[0] for m in mail.outbox} == {operator.email}


def test_an_unassigned_operator_is_no_longer_reminded(operator, operator_b, coordinator, run):
    pathway = make_pathway(operator, operator_b)
    ResidencePermit.objects.create(pathway=pathway, type="art18", expires_on=START + days(37))
    assert run(START) == (0, 0)

    access.unassign(pathway, operator_b, by=coordinator)
    assert run(START + days(7)) == (1, 0)

    assert list(Notification.objects.values_list("recipient", flat=True)) == [operator.pk]


SECRETS = ("Blessing", "Okonkwo", "Joy Benin", "Via del Fosso Segreto", "Trovare un lavoro", "Primo incontro")


def test_no_name_goal_diary_or_secret_address_reaches_a_notification_or_its_email(operator, run):
    pathway = make_pathway(
        operator, started_on=START - days(100), first_name="Blessing", last_name="Okonkwo", aliases="Joy Benin"
    )
    Accommodation.objects.create(
        pathway=pathway, type="safe_house", secret_address="Via del Fosso Segreto 13, Lucca", start=START - days(90)
    )
    everything_due(pathway)

    assert run(START) == (3, 0)

    rows = list(Notification.objects.values())
    assert len(rows) == 3
    assert {(r["label"], r["path"]) for r in rows} == {(pathway.person.case_code, f"/protection/{pathway.pk}/")}
    assert all(r["emailed_at"] is not None for r in rows)
    assert len(mail.outbox) == 3
    texts = [str(r) for r in rows]
    for message in mail.outbox:
        texts += [message.subject, message.body, str(message.extra_headers), message.message().as_string()]
        assert pathway.person.case_code in message.subject
        assert f"/protection/{pathway.pk}/" in message.body
    for text in texts:
        leaked = [secret for secret in SECRETS if secret in text]
        assert not leaked, f"{leaked} in: {text!r}"


def test_finding_what_is_due_takes_the_same_few_queries_for_2_or_20_pathways(
    operator, operator_b, run, django_assert_num_queries
):
    def pathways(n):
        for _ in range(n):
            everything_due(make_pathway(operator, operator_b, started_on=START - days(100)))

    pathways(2)
    assert run(START) == (2 * 3 * 2, 0)
    with django_assert_num_queries(5):  # permits, goals, silent diaries, assignees, already sent
        assert send_pathway_reminders() == 0

    pathways(18)
    assert run(START) == (18 * 3 * 2, 0)
    with django_assert_num_queries(5):
        assert send_pathway_reminders() == 0


def test_nothing_due_costs_three_queries(operator, run, django_assert_num_queries):
    make_pathway(operator)
    with django_assert_num_queries(3):
        assert send_pathway_reminders() == 0


def test_it_runs_daily_at_a_quarter_past_seven_in_rome_from_beat(settings):
    from ceis.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["pathway-reminders"]
    assert entry["task"] == send_pathway_reminders.name == "protection.tasks.send_pathway_reminders"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {15})
    assert entry["schedule"].day_of_week == set(range(7))
    assert settings.CELERY_TIMEZONE == "Europe/Rome"
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
