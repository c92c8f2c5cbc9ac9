"""A group session is planned, then held or cancelled (issue 15, point 5).

Attendance, follow-ups and every count of sessions or people reached are for held sessions only; a session
dated in the future cannot be marked held; planned sessions are on the agenda and reminded the day before.
"""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from caseload import selectors as caseload_selectors
from ceis.notifications.models import Notification
from groups import reach
from groups.models import AttendanceRow, GroupSession, SessionReferral
from groups.tasks import send_session_reminders
from referrals.models import Referral
from stats.counts import count_months
from tests import factories
from tests.groups.test_record_session import NEW, _english, _when, session_data  # noqa: F401  (autouse fixture)

FUTURE = datetime.timedelta(days=7)


@pytest.fixture
def centre(db):
    return factories.PartnerBodyFactory(name="CAS Il Ponte")


def _planned(operator, *, delta=FUTURE, centre=None) -> GroupSession:
    return factories.GroupSessionFactory(
        held_at=timezone.now() + delta,
        status="planned",
        facilitators=[operator],
        **({"host_centre": centre} if centre else {}),
    )


def _hold_data(rows) -> dict:
    data = {
        "attendance-TOTAL_FORMS": str(len(rows) + 1),
        "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
    }
    for i, (nationality, gender, count) in enumerate(rows):
        data.update(
            {
                f"attendance-{i}-nationality": nationality,
                f"attendance-{i}-gender": gender,
                f"attendance-{i}-language": "",
                f"attendance-{i}-count": str(count),
            }
        )
    return data


# Planning ------------------------------------------------------------------------------------------------


def test_it_plans_a_session_without_attendance(op_client, operator, centre):
    data = session_data(centre=centre, facilitators=[operator], held_at=_when(FUTURE), status="planned")
    response = op_client.post(NEW, data, follow=True)
    session = GroupSession.objects.get()
    assert session.status == GroupSession.Status.PLANNED
    assert "Session planned. Mark it held once it has taken place." in response.text
    assert 'id="hold-session"' not in response.text  # not before it has taken place
    assert 'id="cancel-session"' in response.text
    assert "Attendance is recorded once the session is held." in response.text


def test_a_planned_session_takes_no_attendance(op_client, operator, centre):
    data = session_data(
        centre=centre, facilitators=[operator], held_at=_when(FUTURE), status="planned", rows=[("NG", "female", "", 4)]
    )
    response = op_client.post(NEW, data)
    assert response.status_code == 200
    assert "A planned session has no attendance yet" in response.text
    assert not GroupSession.objects.exists()


def test_a_session_dated_in_the_future_cannot_be_recorded_as_held(op_client, operator, centre):
    data = session_data(
        centre=centre, facilitators=[operator], held_at=_when(FUTURE), status="held", rows=[("NG", "female", "", 15)]
    )
    response = op_client.post(NEW, data)
    assert response.status_code == 200
    assert "A session dated in the future cannot be marked held" in response.text
    assert not GroupSession.objects.exists()
    assert not AttendanceRow.objects.exists()


def test_a_session_already_past_is_not_planned(op_client, operator, centre):
    data = session_data(centre=centre, facilitators=[operator], status="planned")
    response = op_client.post(NEW, data)
    assert response.status_code == 200
    assert "A planned session is dated from now on" in response.text
    assert not GroupSession.objects.exists()


def test_an_unknown_status_is_a_clear_error(op_client, operator, centre):
    data = session_data(centre=centre, facilitators=[operator], status="done", rows=[("NG", "female", "", 3)])
    response = op_client.post(NEW, data)
    assert response.status_code == 200
    assert response.context["form"].errors["status"]
    assert not GroupSession.objects.exists()


def test_a_held_session_cannot_be_moved_into_the_future(op_client, operator, centre):
    session = factories.GroupSessionFactory(host_centre=centre, facilitators=[operator])
    factories.AttendanceRowFactory(session=session, count=5)
    data = session_data(
        centre=centre, facilitators=[operator], held_at=_when(FUTURE), rows=[("NG", "female", "", 5)], initial_rows=0
    )
    data.pop("status")
    response = op_client.post(reverse("groups:edit", args=[session.pk]), data)
    assert response.status_code == 200
    assert "A session dated in the future cannot be marked held" in response.text
    session.refresh_from_db()
    assert session.held_at < timezone.now()


def test_the_edit_page_of_a_planned_session_has_no_attendance_table(op_client, operator):
    session = _planned(operator)
    page = op_client.get(reverse("groups:edit", args=[session.pk])).text
    assert 'id="attendance-table"' not in page
    assert 'name="status"' not in page


# Holding -------------------------------------------------------------------------------------------------


def test_a_session_dated_in_the_future_cannot_be_marked_held(op_client, operator):
    session = _planned(operator, delta=datetime.timedelta(hours=2))
    url = reverse("groups:hold", args=[session.pk])
    page = op_client.get(url)
    assert page.status_code == 200
    assert "in the future: it can be marked held only once it has taken place" in page.text
    assert 'id="mark-held"' not in page.text
    response = op_client.post(url, _hold_data([("NG", "female", 15)]))
    assert response.status_code == 409
    session.refresh_from_db()
    assert session.status == GroupSession.Status.PLANNED
    assert not AttendanceRow.objects.exists()


def test_a_planned_session_that_took_place_is_held_with_its_attendance(op_client, operator):
    session = _planned(operator, delta=-datetime.timedelta(hours=1))
    url = reverse("groups:hold", args=[session.pk])
    assert 'id="mark-held"' in op_client.get(url).text
    response = op_client.post(url, _hold_data([("NG", "female", 12), ("ER", "male", 3)]), follow=True)
    assert "Session marked held, with its attendance." in response.text
    session.refresh_from_db()
    assert session.status == GroupSession.Status.HELD
    assert sorted(session.attendance.values_list("nationality", "count")) == [("ER", 3), ("NG", 12)]
    assert 'id="attendance-total">15<' in response.text


def test_holding_needs_the_attendance(op_client, operator):
    session = _planned(operator, delta=-datetime.timedelta(hours=1))
    response = op_client.post(reverse("groups:hold", args=[session.pk]), _hold_data([]))
    assert response.status_code == 200
    assert "needs its attendance: enter at least one row." in response.text
    session.refresh_from_db()
    assert session.status == GroupSession.Status.PLANNED


def test_a_held_session_is_not_held_twice(op_client, operator):
    session = factories.GroupSessionFactory(facilitators=[operator])
    response = op_client.post(reverse("groups:hold", args=[session.pk]), _hold_data([("NG", "female", 2)]), follow=True)
    assert "Only a planned session can be marked held." in response.text
    assert not AttendanceRow.objects.exists()


def test_another_operator_cannot_hold_or_cancel_it(op_b_client, operator):
    session = _planned(operator, delta=-datetime.timedelta(hours=1))
    assert op_b_client.get(reverse("groups:hold", args=[session.pk])).status_code == 404
    assert op_b_client.post(reverse("groups:cancel", args=[session.pk])).status_code == 404
    assert op_b_client.get(reverse("groups:hold", args=[999999])).status_code == 404
    session.refresh_from_db()
    assert session.status == GroupSession.Status.PLANNED


# Cancelling ----------------------------------------------------------------------------------------------


def test_it_asks_before_cancelling_then_cancels(op_client, operator):
    session = _planned(operator)
    url = reverse("groups:cancel", args=[session.pk])
    page = op_client.get(url)
    assert "Cancel the session?" in page.text and 'id="confirm-cancel"' in page.text
    session.refresh_from_db()
    assert session.status == GroupSession.Status.PLANNED  # asking changes nothing
    response = op_client.post(url, follow=True)
    assert "Session cancelled." in response.text
    session.refresh_from_db()
    assert session.status == GroupSession.Status.CANCELLED
    # Cancelled: neither held nor changed any more.
    assert (
        "Only a planned session can be marked held."
        in op_client.get(reverse("groups:hold", args=[session.pk]), follow=True).text
    )
    assert "This session was cancelled" in op_client.get(reverse("groups:edit", args=[session.pk]), follow=True).text


# Follow-ups only for held sessions ------------------------------------------------------------------------


def test_a_planned_session_takes_no_follow_ups(op_client, operator):
    session = _planned(operator, delta=-datetime.timedelta(hours=1))
    assert 'id="record-requests"' not in op_client.get(reverse("groups:detail", args=[session.pk])).text
    data = {
        "requests-TOTAL_FORMS": "1",
        "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "1",
        "requests-MAX_NUM_FORMS": "100",
        "requests-0-name": "Blessing",
        "requests-0-gender": "female",
        "requests-0-reason": "Vuole parlare.",
        "requests-0-urgency": "routine",
    }
    response = op_client.post(reverse("groups:follow_ups", args=[session.pk]), data, follow=True)
    assert "Follow-ups are recorded for a held session only" in response.text
    assert not SessionReferral.objects.exists()
    assert not Referral.objects.exists()


# Counted only when held ---------------------------------------------------------------------------------


@pytest.fixture
def three_kinds(operator, centre):
    """One held session (5 people), one planned and one cancelled session with rows written behind the form's
    back (15 people each), all last month."""
    when = timezone.localtime(timezone.now()).replace(day=1, hour=10) - datetime.timedelta(days=10)
    made = {}
    for status, count in (("held", 5), ("planned", 15), ("cancelled", 15)):
        session = factories.GroupSessionFactory(
            held_at=when, status=status, host_centre=centre, facilitators=[operator]
        )
        factories.AttendanceRowFactory(session=session, count=count)
        made[status] = session
    return when, made


def test_reach_counts_only_held_sessions(three_kinds):
    when, _made = three_kinds
    period = reach.Period(when.date(), when.date())
    figures = reach.reach(GroupSession.objects.all(), period)
    assert (figures.sessions, figures.people) == (1, 5)


def test_the_statistics_count_only_held_sessions(three_kinds):
    when, _made = three_kinds
    month = count_months(when.year, when.month, when.month)[when.month]
    assert (month["sessions"], month["reached"]) == (1, 5)


def test_the_caseload_counts_only_held_sessions_this_month(operator, centre):
    now = timezone.now()
    factories.GroupSessionFactory(held_at=now - datetime.timedelta(minutes=5), facilitators=[operator])
    start_of_month = timezone.localtime(now).replace(day=1, hour=0, minute=1)
    factories.GroupSessionFactory(held_at=start_of_month, status="cancelled", facilitators=[operator])
    factories.GroupSessionFactory(held_at=start_of_month, status="planned", facilitators=[operator])
    rows = {c.operator.pk: c for c in caseload_selectors.caseload_by_operator()}
    assert rows[operator.pk].sessions_this_month == 1


def test_the_lists_show_no_people_for_a_planned_session(op_client, operator):
    _planned(operator)
    page = op_client.get(reverse("groups:mine")).text
    assert "planned" in page


# Agenda and reminder ------------------------------------------------------------------------------------


def test_planned_sessions_are_on_the_agenda(op_client, operator, operator_b):
    mine = _planned(operator, delta=datetime.timedelta(days=2), centre=factories.PartnerBodyFactory(name="CAS Alba"))
    cancelled = _planned(
        operator, delta=datetime.timedelta(days=3), centre=factories.PartnerBodyFactory(name="CAS Xeno")
    )
    cancelled.status = "cancelled"
    cancelled.save()
    _planned(operator_b, delta=datetime.timedelta(days=2), centre=factories.PartnerBodyFactory(name="CAS Other"))
    response = op_client.get(reverse("interviews:agenda"))
    assert [s.pk for s in response.context["sessions"]] == [mine.pk]
    assert "CAS Alba" in response.text and "CAS Xeno" not in response.text and "CAS Other" not in response.text
    assert reverse("groups:detail", args=[mine.pk]) in response.text


def test_the_agenda_keeps_its_query_budget_with_sessions(op_client, operator, django_assert_max_num_queries):
    for days in range(1, 8):
        _planned(operator, delta=datetime.timedelta(days=days))
    with django_assert_max_num_queries(10):
        response = op_client.get(reverse("interviews:agenda"))
    assert len(response.context["sessions"]) == 7


def _tomorrow_at(hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def test_facilitators_are_reminded_the_day_before_once(operator, operator_b, django_capture_on_commit_callbacks):
    centre = factories.PartnerBodyFactory(name="CAS Il Ponte")
    session = factories.GroupSessionFactory(
        held_at=_tomorrow_at(10), status="planned", host_centre=centre, facilitators=[operator, operator_b]
    )
    factories.GroupSessionFactory(held_at=_tomorrow_at(11), status="cancelled", facilitators=[operator])
    factories.GroupSessionFactory(
        held_at=_tomorrow_at(10) + datetime.timedelta(days=1), status="planned", facilitators=[operator]
    )
    operator_b.is_active = False
    operator_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_session_reminders() == 1
    assert send_session_reminders() == 0
    notification = Notification.objects.get()
    assert notification.recipient == operator
    assert notification.kind == Notification.Kind.SESSION_REMINDER
    assert notification.path == reverse("groups:detail", args=[session.pk])
    assert notification.label == "10:00 · CAS Il Ponte"


def test_the_beat_runs_the_reminder_every_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["session-reminders"]
    assert entry["task"] == "groups.tasks.send_session_reminders"
    assert entry["schedule"].hour == {7}


# The data migration ------------------------------------------------------------------------------------------


def test_sessions_recorded_before_the_status_existed_become_held(operator):
    session = _planned(operator, delta=-datetime.timedelta(days=3))
    migration = importlib.import_module("groups.migrations.0005_session_status")
    migration.existing_were_held(apps, None)
    session.refresh_from_db()
    assert session.status == GroupSession.Status.HELD


@pytest.mark.real_submission_tokens
def test_holding_sent_twice_holds_once(op_client, operator):
    """The hold form carries a one-time submission token: sent twice, one set of rows, "Già registrato"."""
    from tests.submissions.test_second_post_of_a_form import twice

    operator.language = "it"
    operator.save(update_fields=["language"])
    session = _planned(operator, delta=-datetime.timedelta(hours=1))
    url = reverse("groups:hold", args=[session.pk])
    held = GroupSession.objects.filter(status=GroupSession.Status.HELD).count
    twice(op_client, url, url, _hold_data([("NG", "female", 9)]), held)
    assert list(AttendanceRow.objects.values_list("nationality", "count")) == [("NG", 9)]


def test_cancelled_sessions_leave_the_upcoming_list(op_client, operator):
    kept = _planned(operator, delta=datetime.timedelta(days=2))
    gone = _planned(operator, delta=datetime.timedelta(days=3))
    op_client.post(reverse("groups:cancel", args=[gone.pk]))
    response = op_client.get(reverse("groups:upcoming"))
    shown = [s.pk for day in response.context["days"] for s in day.sessions]
    assert shown == [kept.pk]


def test_more_rows_work_with_and_without_javascript(op_client, operator):
    """The button (shown by static/js/formset-rows.js) copies the formset's empty row; without a script the
    link reloads the page with more rows, as before."""
    page = op_client.get(NEW).text
    assert 'id="add-attendance-row"' in page and "hidden>" in page.split('id="add-attendance-row"')[1][:300]
    assert '<template id="attendance-empty-row">' in page and "attendance-__prefix__-count" in page
    assert 'src="/static/js/formset-rows.js"' in page
    assert 'id="more-attendance-rows"' in page
    more = op_client.get(NEW, {"rows": "20"})
    assert more.context["attendance"].total_form_count() == 20
    assert op_client.get(NEW, {"rows": "nonsense"}).status_code == 200
