"""Logging in with a password and a code from the authenticator app; REQUIRE_2FA forces a device on everyone."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.otp_helpers import STEP_FIELD, code_for, log_in, totp_device


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def test_it_asks_for_the_code_after_the_password_and_logs_in_with_it(operator, require_2fa):
    device = totp_device(operator)
    client = Client()
    response = log_in(client, "op_a")
    assert response.status_code == 200
    assert 'name="otp_token"' in response.text
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("login"), {STEP_FIELD: "token", "otp_token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("referrals:mine")).status_code == 200


def test_it_refuses_a_wrong_code(operator, require_2fa):
    device = totp_device(operator)
    client = Client()
    log_in(client, "op_a")
    good = code_for(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("login"), {STEP_FIELD: "token", "otp_token": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("referrals:mine")).status_code == 302


def test_a_code_works_once_only(operator, require_2fa):
    device = totp_device(operator)
    code = code_for(device)
    first = Client()
    assert log_in(first, "op_a", code=code).status_code == 302
    second = Client()
    response = log_in(second, "op_a", code=code)
    assert response.status_code == 200
    assert "_auth_user_id" not in second.session


def test_it_logs_in_with_a_backup_code_once(operator, require_2fa):
    totp_device(operator)
    backup = StaticDevice.objects.create(user=operator, name="backup")
    backup.token_set.create(token="abcd2345")
    client = Client()
    log_in(client, "op_a")
    page = client.post(reverse("login"), {STEP_FIELD: "token", "wizard_goto_step": "backup"})
    assert 'id="backup-help"' in page.text
    response = client.post(reverse("login"), {STEP_FIELD: "backup", "otp_token": "abcd2345"})
    assert response.status_code == 302
    assert not backup.token_set.exists()


def test_without_a_device_a_user_is_sent_to_set_one_up_and_reaches_nothing_else(operator, referral_a, require_2fa):
    client = Client()
    response = log_in(client, "op_a")
    assert response.status_code == 302  # the password is right; the session is not verified yet
    for url in (reverse("home"), reverse("referrals:mine"), reverse("referrals:detail", args=[referral_a.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("two_factor:setup"), url
    assert client.post(reverse("referrals:intake"), {}).status_code == 302
    assert client.get(reverse("two_factor:setup")).status_code == 200


def test_setting_up_the_app_opens_the_way(operator, require_2fa):
    client = Client()
    log_in(client, "op_a")
    client.get(reverse("two_factor:setup"))
    page = client.post(reverse("two_factor:setup"), {"setup_view-current_step": "welcome"})
    assert 'id="qr-code"' in page.text
    assert "data:" not in page.text.split('id="qr-code"')[0].rsplit("<img", 1)[1]

    qr = client.get(reverse("two_factor:qr"))
    assert qr.status_code == 200
    assert qr["Content-Type"].startswith("image/svg+xml")
    assert b"<script" not in qr.content

    secret = re.search(r'id="secret-key">([A-Z2-7]+)<', page.text).group(1)
    code = f"{TOTP(base64.b32decode(secret)).token():06d}"
    done = client.post(reverse("two_factor:setup"), {"setup_view-current_step": "generator", "generator-token": code})
    assert done.status_code == 302
    assert TOTPDevice.objects.filter(user=operator, confirmed=True).count() == 1
    assert client.get(reverse("referrals:mine")).status_code == 200
    backup = client.post(reverse("two_factor:backup_tokens"))
    assert backup.status_code == 302
    assert StaticDevice.objects.get(user=operator).token_set.count() == 10


def test_a_session_of_a_user_with_a_device_but_no_code_is_ended(operator, require_2fa):
    """A session opened without the second factor (here: before the device existed) does not count."""
    totp_device(operator)
    client = Client()
    client.force_login(operator)
    response = client.get(reverse("referrals:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("referrals:mine"))["Location"].startswith(reverse("login"))


def test_with_require_2fa_off_a_user_without_a_device_logs_in_with_the_password(operator, settings):
    settings.REQUIRE_2FA = False
    client = Client()
    assert log_in(client, "op_a").status_code == 302
    assert client.get(reverse("referrals:mine")).status_code == 200


def test_a_user_with_a_device_always_gives_the_code_even_with_require_2fa_off(operator, settings):
    settings.REQUIRE_2FA = False
    totp_device(operator)
    client = Client()
    assert log_in(client, "op_a").status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_setup_page_carries_no_inline_image(operator, require_2fa):
    client = Client()
    log_in(client, "op_a")
    page = client.post(reverse("two_factor:setup"), {"setup_view-current_step": "welcome"})
    assert "data:image" not in page.text
    assert f'src="{reverse("two_factor:qr")}"' in page.text


def test_the_login_page_speaks_italian_with_every_step(operator, require_2fa):
    totp_device(operator)
    client = Client(headers={"accept-language": "en"})
    assert "Accedi" in client.get(reverse("login")).text
    token_step = log_in(client, "op_a").text
    assert "Inserisci il codice di 6 cifre" in token_step
    assert "Verifica" in token_step


def test_the_profile_page_shows_the_state(operator, settings):
    settings.REQUIRE_2FA = True
    device = totp_device(operator)
    client = Client()
    log_in(client, "op_a", code=code_for(device))
    assert 'id="two-factor-on"' in client.get(reverse("two_factor:profile")).text
    settings.REQUIRE_2FA = False
    other = factories.OperatorFactory(username="op_c")
    client.force_login(other)
    assert 'id="two-factor-off"' in client.get(reverse("two_factor:profile")).text


def test_the_django_admin_login_sends_to_the_two_factor_login(db):
    response = Client().get(reverse("admin:login"), {"next": reverse("admin:index")})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    response = Client().post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response["Location"].startswith(reverse("login"))
