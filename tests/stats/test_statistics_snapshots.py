"""Statistics snapshots: a viewed period is served from its stored counts until data of one of its dates changes."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from interviews.models import Interview
from referrals.models import ExploitationForm, Person, Referral
from stats import counts, snapshots
from stats import selectors as stats
from stats.models import StatisticsSnapshot
from tests import factories

URL = reverse("caseload:statistics")
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}


def _at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def _figure(data, section, key):
    return next(f["value"] for s in data["sections"] if s["key"] == section for f in s["figures"] if f["key"] == key)


def _rows(data, key):
    b = next(b for s in data["sections"] for b in s["breakdowns"] if b["key"] == key)
    return {r["key"]: r["value"] for r in b["rows"]}


@pytest.fixture
def year(db):
    """2025: five Nigerian women referred by a CAS in March, one interview held; a pathway open all year."""
    cas = factories.PartnerBodyFactory(kind="cas", name="CAS Uno")
    referrals = [
        factories.ReferralFactory(
            person=factories.PersonFactory(nationality="NG", gender="female", birth_year=1999),
            referring_body=cas,
            urgency=Referral.Urgency.ROUTINE,
            received_at=_at(2025, 3, 1 + i),
        )
        for i in range(5)
    ]
    interview = factories.InterviewFactory(
        referral=referrals[0], status="completed", scheduled_at=None, held_at=_at(2025, 4, 1)
    )
    session = factories.GroupSessionFactory(host_centre=cas, held_at=_at(2025, 5, 1))
    attendance = factories.AttendanceRowFactory(session=session, count=7)
    pathway = factories.PathwayFactory(started_on=datetime.date(2024, 6, 1), phase="second_stage")
    return {
        "referrals": referrals,
        "interview": interview,
        "attendance": attendance,
        "pathway": pathway,
        "cas": cas,
    }


def _snapshot():
    return StatisticsSnapshot.objects.get(start=YEAR[0], end=YEAR[1])


def test_a_period_viewed_again_is_not_counted_again(year, django_assert_max_num_queries):
    first = stats.statistics(*YEAR)
    assert _snapshot().is_current
    with CaptureQueriesContext(connection) as ctx:
        again = stats.statistics(*YEAR)
    assert again == first
    assert len(ctx) == 1  # the snapshot itself
    assert "referrals_referral" not in ctx.captured_queries[0]["sql"]
    assert _figure(again, "sirit", "contacts") == 5


def test_the_page_reads_the_snapshot_in_a_few_queries(coord_client, year):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = coord_client.get(URL, PERIOD)
        assert response.status_code == 200
        return len(ctx), response.content.decode()

    cold, _page = queries()
    warm, page = queries()
    assert warm <= cold - 10  # the ten counting queries are gone
    assert 'data-figure="contacts">5<' in page


def _new_referral(y):
    factories.ReferralFactory(referring_body=y["cas"], received_at=_at(2025, 9, 9))


def _urgency(y):
    r = Referral.objects.get(pk=y["referrals"][0].pk)
    r.urgency = Referral.Urgency.IMMEDIATE
    r.save()


def _interview_held(y):
    i = factories.InterviewFactory(referral=y["referrals"][1])
    i.status, i.held_at, i.scheduled_at = "completed", _at(2025, 6, 1), None
    i.save()


def _interview_deleted(y):
    Interview.objects.get(pk=y["interview"].pk).delete()


def _attendance(y):
    row = type(y["attendance"]).objects.get(pk=y["attendance"].pk)
    row.count = 9
    row.save()


def _pathway_closed(y):
    p = type(y["pathway"]).objects.get(pk=y["pathway"].pk)
    p.ended_on, p.closure_reason = datetime.date(2025, 7, 1), "autonomy"
    p.save()


def _nationality(y):
    person = Person.objects.get(pk=y["referrals"][0].person_id)
    person.nationality = "ER"
    person.save()


def _job(y):
    y["pathway"].job_placements.create(kind="fixed_term", employer="Ditta", start=datetime.date(2025, 2, 1))


def _body_kind(y):
    cas = type(y["cas"]).objects.get(pk=y["cas"].pk)
    cas.kind = "questura"
    cas.save()


def _forms(y):
    r = Referral.objects.get(pk=y["referrals"][2].pk)
    r.exploitation_forms.set([ExploitationForm.objects.get(code="labour")])


CHANGES = [
    (_new_referral, lambda d: _figure(d, "sirit", "contacts"), 5, 6),
    (_urgency, lambda d: _rows(d, "urgency").get("immediate"), None, "<3"),
    (_interview_held, lambda d: _figure(d, "sirit", "assessments"), "<3", "<3"),
    (_interview_deleted, lambda d: _figure(d, "sirit", "assessments"), "<3", 0),
    (_attendance, lambda d: _figure(d, "activities", "reached"), 7, 9),
    (_pathway_closed, lambda d: _figure(d, "sirit", "follow_up"), 0, "<3"),
    (_nationality, lambda d: _rows(d, "nationality").get("ER"), None, "<3"),
    (_job, lambda d: _figure(d, "sirit", "social_inclusion"), 0, "<3"),
    (_body_kind, lambda d: _rows(d, "referring_body_kind").get("questura"), None, 5),
    (_forms, lambda d: _rows(d, "exploitation").get("labour"), None, "<3"),
]


@pytest.mark.parametrize("change, read, before, after", CHANGES, ids=[c[0].__name__.strip("_") for c in CHANGES])
def test_a_change_in_the_period_shows_at_the_next_view(
    year, change, read, before, after, django_capture_on_commit_callbacks
):
    assert read(stats.statistics(*YEAR)) == before
    generation = _snapshot().generation
    with django_capture_on_commit_callbacks(execute=True):
        change(year)
    assert _snapshot().generation > generation
    assert not _snapshot().is_current
    assert read(stats.statistics(*YEAR)) == after
    assert _snapshot().is_current


def test_the_interview_count_follows_a_second_interview(year, django_capture_on_commit_callbacks):
    stats.statistics(*YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        _interview_held(year)
    assert counts.count(*YEAR)["interviews_held"] == 2
    assert snapshots.counts_for(*YEAR)["interviews_held"] == 2


def test_a_referral_recorded_through_the_intake_marks_its_year(op_client, year, django_capture_on_commit_callbacks):
    stats.statistics(*YEAR)
    other = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    stats.statistics(*other)
    with django_capture_on_commit_callbacks(execute=True):
        response = op_client.post(
            reverse("referrals:intake"),
            {
                "referring_body": year["cas"].pk,
                "channel": Referral.Channel.PHONE,
                "received_at": "2025-10-01T09:30",
                "urgency": Referral.Urgency.ROUTINE,
                "reason": "Segnalazione telefonica.",
                "first_name": "Blessing",
                "last_name": "Esempio",
                "gender": Person.Gender.FEMALE,
                "birth_year": "2000",
            },
        )
    assert response.status_code == 302
    assert not _snapshot().is_current
    assert StatisticsSnapshot.objects.get(start=other[0]).is_current  # 2024 is untouched
    assert _figure(stats.statistics(*YEAR), "sirit", "contacts") == 6


def test_changes_that_are_not_counted_or_outside_the_period_mark_nothing(year, django_capture_on_commit_callbacks):
    stats.statistics(*YEAR)
    generation = _snapshot().generation
    with django_capture_on_commit_callbacks(execute=True):
        r = Referral.objects.get(pk=year["referrals"][0].pk)
        r.reason = "Altro testo."
        r.save()
        person = Person.objects.get(pk=r.person_id)
        person.first_name = "Altro"
        person.save()
        factories.ReferralFactory(received_at=_at(2026, 1, 2))
        factories.PathwayFactory(started_on=datetime.date(2026, 2, 1))
    assert _snapshot().generation == generation
    assert _snapshot().is_current


def test_the_worker_is_told_dates_and_ids_only(year, django_capture_on_commit_callbacks, monkeypatch):
    from stats import tasks

    calls = []
    monkeypatch.setattr(tasks.statistics_changed, "delay", lambda *a, **k: calls.append((a, k)))
    with django_capture_on_commit_callbacks(execute=True):
        _new_referral(year)
        _nationality(year)
    assert calls == [
        (([["2025-09-09", "2025-09-09"]],), {"person_ids": [], "session_ids": []}),
        (([],), {"person_ids": [year["referrals"][0].person_id], "session_ids": []}),
    ]


def test_a_change_committed_while_counting_leaves_the_snapshot_stale(year, monkeypatch):
    count = counts.count

    def count_while_someone_writes(start, end):
        raw = count(start, end)
        snapshots.stale([(datetime.date(2025, 5, 5), datetime.date(2025, 5, 5))])
        return raw

    monkeypatch.setattr(counts, "count", count_while_someone_writes)
    stats.statistics(*YEAR)
    assert not _snapshot().is_current
    monkeypatch.setattr(counts, "count", count)
    stats.statistics(*YEAR)
    assert _snapshot().is_current


def test_with_the_broker_down_the_request_marks_the_snapshots(year, django_capture_on_commit_callbacks, monkeypatch):
    from stats import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    stats.statistics(*YEAR)
    monkeypatch.setattr(tasks.statistics_changed, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        _new_referral(year)
    assert not _snapshot().is_current


def test_labels_are_in_the_language_of_each_reader(year):
    with translation.override("en"):
        english = stats.statistics(*YEAR)
    with translation.override("it"):
        italian = stats.statistics(*YEAR)
    assert _snapshot().is_current
    titles = {s["key"]: s["title"] for s in english["sections"]}, {s["key"]: s["title"] for s in italian["sections"]}
    assert titles[0]["people"] == "People referred"
    assert titles[1]["people"] != "People referred"
    assert "People referred" not in str(_snapshot().counts)


def test_the_stored_counts_are_raw_and_never_shown_as_they_are(year):
    stats.statistics(*YEAR)
    assert _snapshot().counts["interviews_held"] == 1  # raw in the table...
    assert _figure(stats.statistics(*YEAR), "sirit", "assessments") == "<3"  # ...suppressed on the way out


def test_the_periodic_refresh_recounts_stale_and_day_old_snapshots_and_forgets_unused_ones(year):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=100), tick=False):
        stats.statistics(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2), tick=False):
        stats.statistics(*YEAR)
    stats.statistics(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    snapshots.stale([(datetime.date(2025, 3, 2), datetime.date(2025, 3, 2))])
    old_count = _snapshot().computed_at
    used = _snapshot().used_at

    assert snapshots.refresh() == {"refreshed": 2, "failed": 0, "forgotten": 1}
    assert not StatisticsSnapshot.objects.filter(start=datetime.date(2020, 1, 1)).exists()
    assert all(s.is_current for s in StatisticsSnapshot.objects.all())
    assert _snapshot().computed_at > old_count
    assert _snapshot().used_at == used  # a re-count is not a view
    assert snapshots.refresh() == {"refreshed": 0, "failed": 0, "forgotten": 0}


def test_spans_mark_exactly_the_periods_they_overlap(db):
    periods = {
        "2024": (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
        "2025": YEAR,
        "march": (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
        "2026": (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    }
    for start, end in periods.values():
        stats.statistics(start, end)

    def marked(*spans):
        before = {s.start: s.generation for s in StatisticsSnapshot.objects.all()}
        snapshots.stale(list(spans))
        after = {s.start: s.generation for s in StatisticsSnapshot.objects.all()}
        return {name for name, (start, _end) in periods.items() if after[start] != before[start]}

    d = datetime.date
    assert marked((d(2025, 3, 10), d(2025, 3, 10))) == {"2025", "march"}
    assert marked((d(2025, 6, 1), d(2025, 6, 1))) == {"2025"}
    assert marked((d(2024, 12, 31), d(2025, 1, 1))) == {"2024", "2025"}
    assert marked((d(2025, 4, 1), None)) == {"2025", "2026"}  # an open pathway reaches every later period
    assert marked((d(2024, 6, 1), d(2024, 6, 1)), (d(2026, 2, 1), d(2026, 2, 1))) == {"2024", "2026"}
    assert marked((d(2023, 1, 1), d(2023, 1, 1)), snapshots.EVERYTHING) == set(periods)
    assert marked() == set()
