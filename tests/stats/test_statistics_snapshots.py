"""Statistics snapshots: the months of a viewed period are served from their stored counts until data of one of
their dates changes."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from interviews.models import Interview
from referrals.models import ExploitationForm, Person, Referral
from stats import counts, periods, snapshots
from stats import selectors as stats
from stats.models import StatisticsSnapshot
from tests import factories

URL = reverse("caseload:statistics")
YEAR = periods.whole_year(2025)
PERIOD = {"year": "2025", "part": "year"}


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


def _snapshot(month=3, year=2025):
    return StatisticsSnapshot.objects.get(start=datetime.date(year, month, 1))


def _all_current(year=2025):
    rows = StatisticsSnapshot.objects.filter(start__year=year)
    return rows.count() == 12 and all(s.is_current for s in rows)


def _raw():
    """The raw counts of 2025 as the snapshots hold them (counted now where stale)."""
    return counts.add(*snapshots.months_for(2025, 12).values())


def test_a_period_viewed_again_is_not_counted_again(year, django_assert_max_num_queries):
    first = stats.statistics(YEAR)
    assert _all_current()
    with CaptureQueriesContext(connection) as ctx:
        again = stats.statistics(YEAR)
    assert again == first
    assert len(ctx) == 1  # the month snapshots, in one query
    assert "referrals_referral" not in ctx.captured_queries[0]["sql"]
    assert _figure(again, "sirit", "contacts") == 5


def test_a_quarter_and_a_month_are_read_from_the_same_month_snapshots(year):
    stats.statistics(YEAR)
    with CaptureQueriesContext(connection) as ctx:
        march = stats.statistics(periods.month(2025, 3))
        first_quarter = stats.statistics(periods.quarter(2025, 1))
    assert len(ctx) == 2
    assert _figure(march, "sirit", "contacts") == _figure(first_quarter, "sirit", "contacts") == 5
    assert StatisticsSnapshot.objects.count() == 12


def test_the_page_reads_the_snapshot_in_a_few_queries(coord_client, year):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = coord_client.get(URL, PERIOD)
        assert response.status_code == 200
        return len(ctx), response.content.decode()

    cold, _page = queries()
    warm, page = queries()
    assert warm <= cold - 12  # the twelve counting queries are gone
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


CHANGES = [  # (change, what it changes in the raw counts of the year, before, after, a month it marks)
    (_new_referral, lambda c: c["referrals"], 5, 6, 9),
    (_urgency, lambda c: c["referrals_by"]["urgency"].get("immediate"), None, 1, 3),
    (_interview_held, lambda c: c["interviews_held"], 1, 2, 6),
    (_interview_deleted, lambda c: c["interviews_held"], 1, 0, 4),
    (_attendance, lambda c: c["reached"], 7, 9, 5),
    (_pathway_closed, lambda c: c["pathways"]["closed"], 0, 1, 7),
    (_nationality, lambda c: c["people_by"]["nationality"].get("ER"), None, 1, 3),
    (_job, lambda c: sum(c["jobs"].values()), 0, 1, 2),
    (_body_kind, lambda c: c["referrals_by"]["referring_body__kind"].get("questura"), None, 5, 3),
    (_forms, lambda c: c["exploitation"].get("labour"), None, 1, 3),
]


@pytest.mark.parametrize("change, read, before, after, month", CHANGES, ids=[c[0].__name__.strip("_") for c in CHANGES])
def test_a_change_in_the_period_shows_at_the_next_view(
    year, change, read, before, after, month, django_capture_on_commit_callbacks
):
    stats.statistics(YEAR)
    assert read(_raw()) == before
    generation = _snapshot(month).generation
    with django_capture_on_commit_callbacks(execute=True):
        change(year)
    assert _snapshot(month).generation > generation
    assert not _snapshot(month).is_current
    stats.statistics(YEAR)
    assert _all_current()
    assert read(_raw()) == after


def test_the_interview_count_follows_a_second_interview(year, django_capture_on_commit_callbacks):
    stats.statistics(YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        _interview_held(year)
    assert counts.count(YEAR.start, YEAR.end)["interviews_held"] == 2
    assert _raw()["interviews_held"] == 2


def test_a_referral_recorded_through_the_intake_marks_its_year(op_client, year, django_capture_on_commit_callbacks):
    stats.statistics(YEAR)
    stats.statistics(periods.whole_year(2024))
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
    assert not _snapshot(10).is_current and not _snapshot(12).is_current  # October to the end of the year
    assert _snapshot(9).is_current
    assert _all_current(2024)  # 2024 is untouched
    assert _raw()["referrals"] == 6


def test_changes_that_are_not_counted_or_outside_the_period_mark_nothing(year, django_capture_on_commit_callbacks):
    stats.statistics(YEAR)
    generations = {s.pk: s.generation for s in StatisticsSnapshot.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):
        r = Referral.objects.get(pk=year["referrals"][0].pk)
        r.reason = "Altro testo."
        r.save()
        person = Person.objects.get(pk=r.person_id)
        person.first_name = "Altro"
        person.save()
        factories.ReferralFactory(received_at=_at(2026, 1, 2))
        factories.PathwayFactory(started_on=datetime.date(2026, 2, 1))
    assert {s.pk: s.generation for s in StatisticsSnapshot.objects.all()} == generations
    assert _all_current()


def test_the_worker_is_told_dates_and_ids_only(year, django_capture_on_commit_callbacks, monkeypatch):
    from stats import tasks

    calls = []
    monkeypatch.setattr(tasks.statistics_changed, "delay", lambda *a, **k: calls.append((a, k)))
    with django_capture_on_commit_callbacks(execute=True):
        _new_referral(year)
        _nationality(year)
    assert calls == [
        (([["2025-09-09", "2025-12-31"]],), {"person_ids": [], "session_ids": []}),
        (([],), {"person_ids": [year["referrals"][0].person_id], "session_ids": []}),
    ]


def test_a_change_committed_while_counting_leaves_the_snapshot_stale(year, monkeypatch):
    count = counts.count_months

    def count_while_someone_writes(*args):
        raw = count(*args)
        snapshots.stale([(datetime.date(2025, 5, 5), datetime.date(2025, 5, 5))])
        return raw

    monkeypatch.setattr(counts, "count_months", count_while_someone_writes)
    stats.statistics(YEAR)
    assert not _snapshot(5).is_current  # May was marked while counting: its counts are not stored as current
    assert _snapshot(4).is_current and _snapshot(6).is_current
    monkeypatch.setattr(counts, "count_months", count)
    stats.statistics(YEAR)
    assert _all_current()


def test_with_the_broker_down_the_request_marks_the_snapshots(year, django_capture_on_commit_callbacks, monkeypatch):
    from stats import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    stats.statistics(YEAR)
    monkeypatch.setattr(tasks.statistics_changed, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        _new_referral(year)
    assert not _snapshot(9).is_current


def test_labels_are_in_the_language_of_each_reader(year):
    with translation.override("en"):
        english = stats.statistics(YEAR)
    with translation.override("it"):
        italian = stats.statistics(YEAR)
    assert _all_current()
    titles = {s["key"]: s["title"] for s in english["sections"]}, {s["key"]: s["title"] for s in italian["sections"]}
    assert titles[0]["people"] == "People referred"
    assert titles[1]["people"] != "People referred"
    assert "People referred" not in str(_snapshot().counts)


def test_the_stored_counts_are_raw_and_never_shown_as_they_are(year):
    stats.statistics(YEAR)
    assert _snapshot(4).counts["interviews_held"] == 1  # raw in the table...
    assert _figure(stats.statistics(YEAR), "sirit", "assessments") == 0  # ...rounded on the way out


def test_the_periodic_refresh_recounts_stale_and_day_old_snapshots_and_forgets_unused_ones(year):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=100), tick=False):
        stats.statistics(periods.whole_year(2020))
    with time_machine.travel(timezone.now() - datetime.timedelta(days=2), tick=False):
        stats.statistics(YEAR)
    stats.statistics(periods.whole_year(2024))
    snapshots.stale([(datetime.date(2024, 3, 2), datetime.date(2024, 3, 2))])
    old_count = _snapshot().computed_at
    used = _snapshot().used_at
    StatisticsSnapshot.objects.create(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 15), generation=1)

    # 2025's twelve months (counted two days ago) and March 2024 (stale); the free period is dropped.
    assert snapshots.refresh() == {"refreshed": 13, "failed": 0, "forgotten": 12}
    assert not StatisticsSnapshot.objects.filter(start__year=2020).exists()
    assert not StatisticsSnapshot.objects.filter(end=datetime.date(2025, 3, 15)).exists()
    assert all(s.is_current for s in StatisticsSnapshot.objects.all())
    assert _snapshot().computed_at > old_count
    assert _snapshot().used_at == used  # a re-count is not a view
    assert snapshots.refresh() == {"refreshed": 0, "failed": 0, "forgotten": 0}


def test_spans_mark_exactly_the_months_they_overlap(db):
    for year in (2024, 2025, 2026):
        stats.statistics(periods.whole_year(year))

    def marked(*spans):
        before = {s.start: s.generation for s in StatisticsSnapshot.objects.all()}
        snapshots.stale(list(spans))
        after = {s.start: s.generation for s in StatisticsSnapshot.objects.all()}
        return {f"{start:%Y-%m}" for start in after if after[start] != before[start]}

    d = datetime.date
    assert marked((d(2025, 3, 10), d(2025, 3, 10))) == {"2025-03"}
    assert marked((d(2024, 12, 31), d(2025, 1, 1))) == {"2024-12", "2025-01"}
    assert marked((d(2025, 11, 1), None)) == {"2025-11", "2025-12"} | {f"2026-{m:02d}" for m in range(1, 13)}
    assert marked((d(2024, 6, 1), d(2024, 6, 1)), (d(2026, 2, 1), d(2026, 2, 1))) == {"2024-06", "2026-02"}
    assert len(marked((d(2023, 1, 1), d(2023, 1, 1)), snapshots.EVERYTHING)) == 36
    assert marked() == set()


def test_prepare_counts_ahead_every_month_never_viewed_and_the_view_reads_them(year):
    """From the first year with data to this month every month gets counted, newest years first and a few per
    run; a later view of any of them counts nothing, and the prepared months are not forgotten while unused."""
    first = snapshots.first_year_with_data()
    today = timezone.localdate()
    expected = sum(12 if y < today.year else today.month for y in range(first, today.year + 1))
    assert not StatisticsSnapshot.objects.exists()

    one = snapshots.prepare(years=1)
    assert one == {"prepared": today.month, "failed": 0}
    assert {s.start.year for s in StatisticsSnapshot.objects.all()} == {today.year}
    rest = snapshots.prepare(years=100)
    assert one["prepared"] + rest["prepared"] == expected
    assert StatisticsSnapshot.objects.count() == expected
    assert all(s.is_current for s in StatisticsSnapshot.objects.all())
    assert snapshots.prepare() == {"prepared": 0, "failed": 0}

    # The view of a prepared year reads its snapshots (one query for them, nothing counted) and shows the
    # same figures as a count from scratch.
    prepared = stats.statistics(YEAR)
    with CaptureQueriesContext(connection) as queries:
        again = stats.statistics(YEAR)
    assert len(queries) <= 2
    StatisticsSnapshot.objects.all().delete()
    assert stats.statistics(YEAR) == prepared == again

    # Prepared months stay while unused (a view would otherwise wait again); others are forgotten.
    snapshots.prepare(years=100)
    StatisticsSnapshot.objects.create(start=datetime.date(first - 3, 1, 1), end=datetime.date(first - 3, 1, 31))
    StatisticsSnapshot.objects.update(used_at=timezone.now() - datetime.timedelta(days=snapshots.UNUSED_DAYS + 1))
    result = snapshots.refresh()
    assert result["forgotten"] == 1
    assert StatisticsSnapshot.objects.count() == expected


def test_the_prepare_command_counts_every_year_at_once(year):
    out = io.StringIO()
    call_command("prepare_statistics", stdout=out)
    today = timezone.localdate()
    first = snapshots.first_year_with_data()
    expected = sum(12 if y < today.year else today.month for y in range(first, today.year + 1))
    assert f"prepared {expected} months, 0 years failed" in out.getvalue()
    assert StatisticsSnapshot.objects.filter(computed_generation__gte=0).count() == expected


def test_prepare_on_an_empty_database_counts_nothing(db):
    assert snapshots.first_year_with_data() is None
    assert snapshots.prepare() == {"prepared": 0, "failed": 0}
