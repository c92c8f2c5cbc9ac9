"""Stored dashboard figures: served while up to date, exact at every view (changes, deadlines, midnight)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caseload import caseload_snapshots, selectors
from caseload.models import CaseloadSnapshot
from caseload.selectors import Overdue
from interviews.models import Interview
from protection.models import PlanGoal
from referrals.models import Referral
from tests import factories

URL = reverse("caseload:dashboard")


def _by_user(now=None):
    return {c.operator.username: c for c in selectors.caseload_by_operator(now=now)}


def _snapshot(user):
    return CaseloadSnapshot.objects.get(operator=user)


def _figures(c):
    return (c.referrals, c.interviews_this_month, c.sessions_this_month, c.pathways, c.overdue)


def test_figures_viewed_again_come_from_the_snapshot_unchanged(caseload):
    counted = _by_user()
    assert _snapshot(caseload.a).computed_generation == _snapshot(caseload.a).generation
    with CaptureQueriesContext(connection) as ctx:
        stored = _by_user()
    assert len(ctx) == 2  # the operators, their snapshots
    for name in ("op_a", "op_b"):
        assert _figures(stored[name]) == _figures(counted[name])
    assert [(i.kind, i.case_code) for i in stored["op_b"].overdue] == [(Overdue.LONG_ASSESSMENT, "CL-LONG")]


def test_the_dashboard_reads_stored_figures_in_fewer_queries(coord_client, caseload):
    def view():
        with CaptureQueriesContext(connection) as ctx:
            response = coord_client.get(URL)
        assert response.status_code == 200
        return len(ctx), response.content.decode()

    cold, first = view()
    warm, second = view()
    assert warm <= cold - 4
    assert re.findall(r"<section.*?</section>", first, re.S) == re.findall(r"<section.*?</section>", second, re.S)
    assert "CL-LATE" in second


def test_an_interview_held_updates_only_its_holders(caseload, django_capture_on_commit_callbacks):
    _by_user()
    b_generation = _snapshot(caseload.b).generation
    with django_capture_on_commit_callbacks(execute=True):
        factories.InterviewFactory(
            referral=caseload.late, status=Interview.Status.COMPLETED, scheduled_at=None, held_at=timezone.now()
        )
    assert _snapshot(caseload.b).generation == b_generation  # not hers
    rows = _by_user()
    assert rows["op_a"].interviews_this_month == 1
    assert "CL-LATE" not in {i.case_code for i in rows["op_a"].overdue}


@pytest.mark.parametrize("what", ["urgency", "status", "goal", "permit", "pathway phase", "session"])
def test_a_change_to_a_held_record_shows_at_the_next_view(caseload, django_capture_on_commit_callbacks, what):
    before = _by_user()["op_a"]
    with django_capture_on_commit_callbacks(execute=True):
        if what == "urgency":
            r = Referral.objects.get(pk=caseload.fresh.pk)
            r.urgency = Referral.Urgency.IMMEDIATE  # 3 days without an interview: now overdue
            r.save()
        elif what == "status":
            r = Referral.objects.get(pk=caseload.late.pk)
            r.status = Referral.Status.CLOSED
            r.save()
        elif what == "goal":
            PlanGoal.objects.filter(pathway=caseload.goal, target_date__lt=timezone.localdate()).get().delete()
        elif what == "permit":
            permit = caseload.permit.permits.get()
            permit.expires_on = timezone.localdate() + datetime.timedelta(days=90)
            permit.save()
        elif what == "pathway phase":
            pathway = type(caseload.goal).objects.get(pk=caseload.goal.pk)
            pathway.phase = "autonomy"
            pathway.save()
        else:
            factories.GroupSessionFactory(held_at=timezone.now(), facilitators=[caseload.a])
    after = _by_user()["op_a"]
    assert _figures(after) != _figures(before)
    assert _figures(after) == _figures(selectors.count_caseloads(timezone.now(), [caseload.a])[caseload.a.pk][0])


def test_a_reassignment_moves_the_figures_at_once(coord_client, caseload, django_capture_on_commit_callbacks):
    coord_client.get(URL)
    with django_capture_on_commit_callbacks(execute=True):
        response = coord_client.post(
            reverse("caseload:reassign"),
            {"referrals": [caseload.late.pk], "operator": caseload.b.pk, "confirm": "on"},
        )
    assert response.status_code == 302
    rows = _by_user()
    assert "CL-LATE" not in {i.case_code for i in rows["op_a"].overdue}
    assert "CL-LATE" in {i.case_code for i in rows["op_b"].overdue}
    assert rows["op_a"].open_referrals == 3
    assert rows["op_b"].open_referrals == 3


def test_a_referral_turns_overdue_when_its_deadline_passes_without_any_write(caseload):
    now = timezone.now()
    assert "CL-FRESH" not in {i.case_code for i in _by_user(now)["op_a"].overdue}
    deadline = caseload.fresh.received_at + datetime.timedelta(days=7)
    assert _snapshot(caseload.a).valid_until <= deadline
    generation = _snapshot(caseload.a).generation
    with time_machine.travel(deadline + datetime.timedelta(minutes=1), tick=False):
        later = _by_user(timezone.now())["op_a"]
    assert _snapshot(caseload.a).generation == generation  # nothing was written
    assert "CL-FRESH" in {i.case_code for i in later.overdue}


def test_dates_turn_at_midnight(caseload):
    today = timezone.localdate()
    _by_user()
    midnight = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))
    assert _snapshot(caseload.a).valid_until <= midnight
    # Eleven days on, nothing written in between: the goal due in nine days is overdue, the permit that
    # expired yesterday is no longer "expiring".
    with time_machine.travel(timezone.now() + datetime.timedelta(days=11), tick=False):
        later = _by_user(timezone.now())["op_a"]
    goals = [i for i in later.overdue if i.kind == Overdue.GOAL_OVERDUE]
    assert [i.case_code for i in goals] == ["CL-GOAL"]
    assert not [i for i in later.overdue if i.kind == Overdue.PERMIT_EXPIRING]  # the permit has expired


def test_a_figure_viewed_for_an_earlier_moment_is_counted_for_it(caseload):
    _by_user()
    earlier = timezone.now() - datetime.timedelta(days=5)
    assert "CL-LATE" not in {i.case_code for i in _by_user(earlier)["op_a"].overdue}  # 5 days received then


def test_a_change_committed_while_counting_leaves_the_figures_stale(caseload, monkeypatch):
    count = selectors.count_caseloads

    def count_while_someone_writes(now, operators):
        result = count(now, operators)
        caseload_snapshots.stale(users=[caseload.a.pk])
        return result

    monkeypatch.setattr(selectors, "count_caseloads", count_while_someone_writes)
    _by_user()
    a, b = _snapshot(caseload.a), _snapshot(caseload.b)
    assert a.computed_generation != a.generation
    assert b.computed_generation == b.generation


def test_with_the_broker_down_the_request_marks_the_figures(caseload, django_capture_on_commit_callbacks, monkeypatch):
    from caseload import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    _by_user()
    generation = _snapshot(caseload.a).generation
    monkeypatch.setattr(tasks.caseload_changed, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        r = Referral.objects.get(pk=caseload.fresh.pk)
        r.urgency = Referral.Urgency.PRIORITY
        r.save()
    assert _snapshot(caseload.a).generation > generation


def test_deleting_a_record_marks_everyone(caseload, django_capture_on_commit_callbacks):
    _by_user()
    generations = {u: _snapshot(u).generation for u in (caseload.a, caseload.b)}
    with django_capture_on_commit_callbacks(execute=True):
        Referral.objects.get(pk=caseload.closed.pk).delete()
    assert all(_snapshot(u).generation > g for u, g in generations.items())


def test_edits_the_dashboard_does_not_read_mark_nothing(caseload, django_capture_on_commit_callbacks):
    _by_user()
    generation = _snapshot(caseload.a).generation
    with django_capture_on_commit_callbacks(execute=True):
        r = Referral.objects.get(pk=caseload.late.pk)
        r.reason = "Altro testo."
        r.save()
        factories.ReferralFactory()  # a new referral, nobody's yet
    assert _snapshot(caseload.a).generation == generation


def test_the_worker_is_told_ids_only(caseload, django_capture_on_commit_callbacks, monkeypatch):
    from caseload import tasks

    calls = []
    monkeypatch.setattr(tasks.caseload_changed, "delay", lambda *a, **k: calls.append((a, k)))
    with django_capture_on_commit_callbacks(execute=True):
        r = Referral.objects.get(pk=caseload.late.pk)
        r.urgency = Referral.Urgency.PRIORITY
        r.save()
    assert calls == [(({"referrals.Referral": [caseload.late.pk]},), {"users": [], "everything": False})]


def test_stored_figures_keep_the_first_five_overdue_records_and_the_counts(coord_client, caseload):
    for i in range(3):
        factories.ReferralFactory(
            person=factories.PersonFactory(case_code=f"CL-LATE-{i}"),
            received_at=timezone.now() - datetime.timedelta(days=12 + i),
            assigned_to=[caseload.a],
        )
    counted = _by_user()["op_a"]
    stored = _by_user()["op_a"]
    assert len(counted.overdue) == 8
    assert stored.overdue == counted.overdue[:5]
    assert (stored.overdue_count, stored.overdue_more()) == (8, 3)
    assert stored.overdue_counts() == counted.overdue_counts()
    assert dict(stored.overdue_counts())[str(Overdue.LABELS[Overdue.NO_INTERVIEW])] == 5
    page = coord_client.get(URL).content.decode()  # Italian, the default
    assert "e ancora 3 casi in ritardo: vedi tutti i casi aperti" in page


def test_a_card_is_written_once_per_version_of_the_figures(coord_client, caseload, monkeypatch):
    from caseload.templatetags import caseload_cards

    written = []
    original = caseload_cards.operator_card
    monkeypatch.setattr(
        caseload_cards, "operator_card", lambda c, u, p: written.append(c.operator.username) or original(c, u, p)
    )
    first = coord_client.get(URL).content.decode()  # counted now: written, not kept
    second = coord_client.get(URL).content.decode()  # stored: written and kept
    third = coord_client.get(URL).content.decode()  # from the cache
    assert written == ["op_a", "op_b", "op_a", "op_b"]
    cards = [re.findall(r"<section.*?</section>", page, re.S) for page in (first, second, third)]
    assert cards[0] == cards[1] == cards[2]

    r = Referral.objects.get(pk=caseload.fresh.pk)
    r.urgency = Referral.Urgency.IMMEDIATE
    r.save()
    caseload_snapshots.stale(users=[caseload.a.pk])  # as the worker does after commit
    written.clear()
    page = coord_client.get(URL).content.decode()
    assert "op_a" in written and "op_b" not in written  # only her card is written again
    assert page.count("CL-FRESH") == 1


def test_with_the_shared_cache_down_the_dashboard_builds_its_cards(coord_client, caseload, settings, caplog):
    import socket

    with socket.socket() as s:  # a port where no Redis answers
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    pages = [coord_client.get(URL) for _ in range(2)]  # counted, then stored: the second reads the cache
    assert [p.status_code for p in pages] == [200, 200]
    cards = [re.findall(r"<section.*?</section>", p.content.decode(), re.S) for p in pages]
    assert cards[0] == cards[1]
    for user in (caseload.a, caseload.b):
        assert sum(reverse("caseload:operator", args=[user.pk]) in card for card in cards[1]) == 1
    assert "Cache unavailable: caseload cards built in the request" in caplog.text
