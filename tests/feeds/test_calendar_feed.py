"""The private calendar feed: a link shown once, revocable, read without login, holding her interviews, next
appointments and group sessions by case code, place and time, never a name; parsed with ``icalendar``."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from ceis.audit.models import Event
from ceis.feeds.models import CalendarFeed
from tests import factories

SETTINGS = "/calendar/"


def _new_link(client) -> str:
    response = client.post(SETTINGS)
    assert response.status_code == 200
    match = re.search(r'id="calendar-link" value="(http[^"]+)"', response.content.decode())
    assert match, "the new link is shown"
    return match[1].removeprefix("http://testserver")


def _events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


@pytest.fixture
def agenda(operator, operator_b):
    """Operator A: a referral with an interview in three days (next appointment in ten) and a session she runs;
    operator B's referral and session beside them."""
    now = timezone.now()
    person = factories.PersonFactory(case_code="LU-2026-0042", first_name="Blessing", last_name="Okafor")
    mine = factories.ReferralFactory(person=person, assigned_to=[operator])
    interview = factories.InterviewFactory(
        referral=mine, scheduled_at=now + datetime.timedelta(days=3), place="Sede CeIS, via Prova 1"
    )
    interview.next_appointment = now + datetime.timedelta(days=10)
    interview.save()
    old = factories.InterviewFactory(referral=mine, scheduled_at=now - datetime.timedelta(days=90))
    session = factories.GroupSessionFactory(
        held_at=now + datetime.timedelta(days=5), place="Sala comune", facilitators=[operator]
    )
    other = factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator_b]), place="Altrove")
    factories.GroupSessionFactory(facilitators=[operator_b])
    return interview, old, session, other


def test_it_shows_a_new_link_once_and_stores_only_its_hash(op_client, operator):
    page = op_client.get(SETTINGS)
    assert page.status_code == 200 and "calendar-link" not in page.content.decode()
    link = _new_link(op_client)
    token = link.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 40
    feed = CalendarFeed.objects.get(user=operator)
    assert token not in feed.token_hash and len(feed.token_hash) == 64
    assert token not in op_client.get(SETTINGS).content.decode()


def test_the_feed_holds_her_interviews_appointments_and_sessions_and_no_name(op_client, operator, agenda):
    interview, old, session, other = agenda
    response = Client().get(_new_link(op_client))  # no login: the link is the key
    events = _events(response)
    assert set(events) == {f"interview-{interview.pk}", f"appointment-{interview.pk}", f"session-{session.pk}"}
    first = events[f"interview-{interview.pk}"]
    assert "LU-2026-0042" in str(first["SUMMARY"])
    assert str(first["LOCATION"]) == "Sede CeIS, via Prova 1"
    assert first.decoded("DTSTART") == interview.scheduled_at.replace(microsecond=0)
    assert first.decoded("DTEND") > first.decoded("DTSTART")
    assert events[f"appointment-{interview.pk}"].decoded("DTSTART") == interview.next_appointment.replace(microsecond=0)
    assert str(events[f"session-{session.pk}"]["LOCATION"]) == "Sala comune"
    text = response.content.decode()
    assert "Blessing" not in text and "Okafor" not in text and "Altrove" not in text
    assert "Colloquio" in text  # in her language
    event = Event.objects.get(kind=Event.Kind.EXPORT)
    assert event.actor == operator and event.details["what"] == "calendar feed"


def test_a_new_link_replaces_the_old_and_revoking_ends_it(op_client, operator, agenda):
    first = _new_link(op_client)
    second = _new_link(op_client)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    assert op_client.post("/calendar/revoke/").status_code == 302
    assert Client().get(second).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_an_unassigned_record_leaves_her_feed(op_client, operator, agenda):
    from ceis import access

    interview, _old, _session, _other = agenda
    link = _new_link(op_client)
    access.unassign(interview.referral, operator, by=operator)
    assert f"interview-{interview.pk}" not in _events(Client().get(link))


def test_a_deactivated_owner_has_no_feed(op_client, operator):
    link = _new_link(op_client)
    operator.is_active = False
    operator.save()
    assert Client().get(link).status_code == 404


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 500, "%00", "..%2F..%2Fetc"])
def test_a_wrong_token_is_404(db, token):
    assert Client().get(f"/calendar/{token}.ics").status_code == 404
    assert not Event.objects.exists()


def test_admins_have_no_calendar_page(admin_client_role):
    assert admin_client_role.get(SETTINGS).status_code == 404
    assert admin_client_role.post(SETTINGS).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_feed_costs_the_same_queries_for_many_records(op_client, operator, agenda, django_assert_max_num_queries):
    link = _new_link(op_client)
    for _ in range(5):
        r = factories.ReferralFactory(assigned_to=[operator])
        factories.InterviewFactory(referral=r)
        factories.GroupSessionFactory(held_at=timezone.now() + datetime.timedelta(days=2), facilitators=[operator])
    with django_assert_max_num_queries(8):
        assert len(_events(Client().get(link))) == 13
