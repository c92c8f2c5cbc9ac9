"""In Chromium, with REQUIRE_2FA on: set up the authenticator app from the QR code (under a strict CSP), then
log in with the password and a code computed here, as the app would."""

from __future__ import annotations

import base64
import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests import factories
from tests.otp_helpers import totp_device

# What the strict policy allows at most for images; scripts and styles from our own files only.
STRICT_CSP = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; object-src 'none'"


def _strict_csp(page: Page, violations: list[str]) -> None:
    def add_policy(route):
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    page.route("**/*", add_policy)
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_logs_in_with_password_and_authenticator_code(page: Page, live_server, log_in, operators, settings):
    settings.REQUIRE_2FA = True
    totp_device(operators[0])

    log_in(page, "operatore1")

    expect(page).to_have_url(f"{live_server.url}/referrals/")
    expect(page.locator("h1")).to_contain_text("Le mie segnalazioni")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_user_without_a_device_sets_it_up_from_the_qr_code(page: Page, live_server, log_in, operators, settings):
    settings.REQUIRE_2FA = True
    violations: list[str] = []
    _strict_csp(page, violations)

    log_in(page, "operatore2")
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/setup/")
    page.goto(f"{live_server.url}/referrals/")  # nothing else is reachable
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/setup/")

    with page.expect_response(lambda r: r.url.endswith("/accounts/two-factor/setup/qrcode/")) as qr_response:
        page.locator("#setup-form button[type=submit]").click()
    assert qr_response.value.ok and qr_response.value.headers["content-type"].startswith("image/svg+xml")
    qr = page.locator("#qr-code")
    expect(qr).to_be_visible()
    assert not (qr.get_attribute("src") or "").startswith("data:")
    page.wait_for_function(
        "() => { const i = document.getElementById('qr-code'); return i.complete && i.naturalWidth > 0 }"
    )

    secret = page.locator("#secret-key").inner_text()
    page.locator("#id_generator-token").fill(f"{TOTP(base64.b32decode(secret)).token():06d}")
    page.locator("#setup-form button[type=submit]").click()
    expect(page.locator("#setup-complete")).to_be_visible()
    assert TOTPDevice.objects.filter(user=operators[1], confirmed=True).count() == 1

    page.get_by_role("link", name="Codici di riserva").click()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#backup-codes li")).to_have_count(10)

    with page.expect_navigation():
        page.get_by_role("button", name="Esci").click()
    expect(page.locator("#id_username")).to_be_visible()
    log_in(page, "operatore2")  # now with the code
    expect(page).to_have_url(f"{live_server.url}/referrals/")
    assert violations == []


def _type_password(page: Page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("#login-form button[type=submit]").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_six_wrong_passwords_lock_the_account_even_for_the_right_one(page: Page, live_server, operators):
    for attempt in range(5):
        _type_password(page, live_server, "operatore1", f"wrong-password-{attempt}")
        expect(page.locator("#id_password")).to_be_visible()  # still the login form, no lock yet
    _type_password(page, live_server, "operatore1", "wrong-password-6")
    expect(page.locator("#locked-out")).to_contain_text("accesso è bloccato")

    _type_password(page, live_server, "operatore1", factories.PASSWORD)  # the right one
    expect(page.locator("#locked-out")).to_be_visible()
    page.goto(f"{live_server.url}/referrals/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_31_idle_minutes_the_next_request_asks_to_log_in_again(page: Page, live_server, log_in, operators):
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        log_in(page, "operatore1")
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=True):
        page.goto(f"{live_server.url}/referrals/")
        expect(page).to_have_url(f"{live_server.url}/referrals/")  # 29 idle minutes: still signed in
    with time_machine.travel(start + datetime.timedelta(minutes=29 + 31), tick=True):
        page.goto(f"{live_server.url}/referrals/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        expect(page.locator("#id_password")).to_be_visible()
