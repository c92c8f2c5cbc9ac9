"""The production configuration (DEBUG off, nothing overridden) as settings.py builds it, in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.otp_helpers import log_in

ROOT = Path(__file__).resolve().parents[2]
NAMES = (
    "PASSWORD_HASHERS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "REQUIRE_2FA",
    "SESSION_IDLE_TIMEOUT_MINUTES",
    "SESSION_ABSOLUTE_TIMEOUT_HOURS",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "DATABASES",
)


def _production_settings(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_COOKIES", "REQUIRE_2FA"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="ceis.settings")
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}}, default=str))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production() -> dict:
    return _production_settings()


def test_production_hashes_passwords_with_argon2(production):
    assert production["PASSWORD_HASHERS"][0] == "ceis.accounts.hashers.Argon2idPasswordHasher"


def test_production_cookies_are_host_only_secure_and_http_only(production):
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    for prefix in ("SESSION", "CSRF"):
        assert production[f"{prefix}_COOKIE_SECURE"] is True
        assert production[f"{prefix}_COOKIE_HTTPONLY"] is True
        assert production[f"{prefix}_COOKIE_SAMESITE"] == "Lax"


def test_production_requires_two_factor_and_limits_sessions(production):
    assert production["REQUIRE_2FA"] is True
    assert production["SESSION_IDLE_TIMEOUT_MINUTES"] == 30
    assert production["SESSION_ABSOLUTE_TIMEOUT_HOURS"] == 10
    assert production["AXES_FAILURE_LIMIT"] == 6
    assert production["AXES_COOLOFF_TIME"] == "0:30:00"


def test_the_demo_keeps_plain_cookie_names_and_no_second_factor():
    demo = _production_settings(DEBUG="1")
    assert demo["SESSION_COOKIE_NAME"] == "sessionid"
    assert demo["SESSION_COOKIE_SECURE"] is False
    assert demo["REQUIRE_2FA"] is False


def test_the_browser_gets_the_cookies_with_their_flags(operator, production):
    cookie_settings = {n: production[n] for n in NAMES if "COOKIE" in n}
    with override_settings(**cookie_settings):
        client = Client()
        page = client.get(reverse("login"))
        response = log_in(client, "op_a")
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]
    csrf = page.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert csrf["path"] == "/" and not csrf["domain"]


def test_served_connections_are_kept_and_postgresql_jit_is_off():
    served = _production_settings(DATABASE_URL="postgres://ceis@127.0.0.1:5432/ceis")["DATABASES"]["default"]
    assert served["CONN_MAX_AGE"] == 60
    assert served["CONN_HEALTH_CHECKS"] is True
    assert "-c jit=off" in served["OPTIONS"]["options"]


def test_development_opens_a_connection_per_request_on_sqlite():
    dev = _production_settings(DEBUG="1", DATABASE_URL="sqlite:////tmp/ceis-settings-test.sqlite3")["DATABASES"]
    assert dev["default"]["CONN_MAX_AGE"] == 0
    assert "OPTIONS" not in dev["default"] or "jit" not in str(dev["default"]["OPTIONS"])
