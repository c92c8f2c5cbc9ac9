"""``manage.py check --deploy --fail-level WARNING`` passes with production settings (as ``make test`` runs it),
and the HTTPS settings follow the environment. Each runs in a fresh process, so settings.py reads the
environment as it does in production."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


# The test run's own settings (pytest-env, pytest-playwright) stay out of the production environment.
_NOT_PASSED_ON = ("SECURE_", "DEBUG", "CSRF_", "SESSION_", "DJANGO_ALLOW_ASYNC_UNSAFE")


def _environment(**overrides: str | None) -> dict[str, str]:
    """Production-like: DEBUG off, HTTPS on, fresh keys; an override of None removes the variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_PASSED_ON)}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DUPLICATE_HASH_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="ceis.example.org",
        ADMIN_URL="office-7f3a9c/",  # the default path is refused in production (ceis.E002)
        SECURE_COOKIES="1",
        SECURE_SSL_REDIRECT="1",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _run(*args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_environment(**overrides), capture_output=True, text=True, timeout=120
    )


def _deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    return _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **overrides)


def test_the_deploy_check_passes_with_production_settings():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_fails_without_https():
    result = _deploy_check(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", SECURE_COOKIES="0")
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stderr


SHOW = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ceis.settings'; django.setup();"
    "from django.conf import settings as s;"
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
    " s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
)


def _settings(**env: str | None) -> str:
    """The HTTPS settings as the environment gives them, from their defaults (nothing set) on."""
    result = _run("-c", SHOW, **{"SECURE_SSL_REDIRECT": None, "SECURE_COOKIES": None, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_https_is_on_by_default_outside_debug_and_off_in_debug():
    production = _settings()
    assert production == "True 31536000 True False None True True"
    assert _settings(DEBUG="1") == "False 0 True False None False False"


def test_the_proxy_header_and_hsts_preload_are_opt_in():
    configured = _settings(SECURE_PROXY_SSL_HEADER="1", SECURE_HSTS_PRELOAD="1", SECURE_HSTS_SECONDS="600")
    assert configured == "True 600 True True ('HTTP_X_FORWARDED_PROTO', 'https') True True"
