"""Sessions end after 30 idle minutes and 10 hours in all; logout and deactivation end every session of the user."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from ceis.accounts import services
from tests.otp_helpers import log_in

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def _asks_to_log_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_after_31_idle_minutes_the_next_request_asks_to_log_in_again(operator, clock):
    client = Client()
    assert log_in(client, "op_a").status_code == 302
    clock.shift(datetime.timedelta(minutes=31))
    response = client.get(reverse("referrals:mine"))
    assert _asks_to_log_in(response)
    login_page = client.get(response["Location"])
    assert 'id="session-expired"' in login_page.text
    assert _asks_to_log_in(client.get(reverse("referrals:mine")))


def test_29_idle_minutes_do_not_end_the_session(operator, clock):
    client = Client()
    log_in(client, "op_a")
    for _ in range(3):  # and each request starts the idle time again
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("referrals:mine")).status_code == 200


def test_after_ten_hours_the_session_ends_however_busy(operator, clock, settings):
    settings.SESSION_COOKIE_AGE = 24 * 60 * 60  # the limit holds whatever the cookie's own lifetime
    client = Client()
    log_in(client, "op_a")
    for _ in range(9 * 3):  # a request every 20 minutes for 9 hours
        clock.shift(datetime.timedelta(minutes=20))
        assert client.get(reverse("referrals:mine")).status_code == 200
    for minutes in (20, 20, 19):  # 9 h 59 min after login
        clock.shift(datetime.timedelta(minutes=minutes))
        assert client.get(reverse("referrals:mine")).status_code == 200
    clock.shift(datetime.timedelta(minutes=2))
    assert _asks_to_log_in(client.get(reverse("referrals:mine")))


def test_the_idle_limit_comes_from_the_settings(operator, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    client = Client()
    log_in(client, "op_a")
    clock.shift(datetime.timedelta(minutes=6))
    assert _asks_to_log_in(client.get(reverse("referrals:mine")))


def test_logging_out_ends_the_other_sessions_of_the_user(operator, operator_b):
    laptop, phone, colleague = Client(), Client(), Client()
    for client, username in ((laptop, "op_a"), (phone, "op_a"), (colleague, "op_b")):
        assert log_in(client, username).status_code == 302
    assert phone.get(reverse("referrals:mine")).status_code == 200

    laptop.post(reverse("logout"))
    assert _asks_to_log_in(phone.get(reverse("referrals:mine")))
    assert colleague.get(reverse("referrals:mine")).status_code == 200
    assert log_in(phone, "op_a").status_code == 302  # logging in again works
    assert phone.get(reverse("referrals:mine")).status_code == 200


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(operator, admin_user):
    client = Client()
    log_in(client, "op_a")
    services.user_set_active(user=operator, active=False, by=admin_user)
    assert _asks_to_log_in(client.get(reverse("referrals:mine")))
    services.user_set_active(user=operator, active=True, by=admin_user)
    assert _asks_to_log_in(client.get(reverse("referrals:mine")))
    assert log_in(client, "op_a").status_code == 302


def test_the_session_cookie_ends_when_the_browser_closes(operator):
    from django.conf import settings as django_settings

    from tests.factories import PASSWORD

    client = Client()
    response = client.post(reverse("login"), {"username": "op_a", "password": PASSWORD})
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["max-age"] and not cookie["expires"]
