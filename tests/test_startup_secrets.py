"""Without its keys (DEBUG off) the app builds and checks migrations, but never serves or runs a worker."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from ceis import crypto, startup

KEYS = ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DUPLICATE_HASH_KEY")


def _run(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_settings_load_and_migrations_check_without_keys():
    done = _run(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ceis.settings'; django.setup();"
        "from django.core.management import call_command; call_command('makemigrations', check=True, dry_run=True)"
    )
    assert done.returncode == 0, done.stderr


def test_the_web_application_refuses_to_start_without_keys():
    done = _run("import ceis.wsgi")
    assert done.returncode != 0
    assert "Set SECRET_KEY, FIELD_ENCRYPTION_KEY, DUPLICATE_HASH_KEY" in done.stderr


def test_the_deploy_check_reports_each_missing_key():
    done = _run(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ceis.settings'; django.setup();"
        "from django.core.management import call_command; call_command('check', deploy=True)"
    )
    assert done.returncode != 0
    for variable in ("SECRET_KEY is not set", "FIELD_ENCRYPTION_KEY is not set", "ceis.E001"):
        assert variable in done.stderr


def test_the_worker_refuses_to_start_without_keys():
    from ceis.celery import _refuse_without_secrets

    with override_settings(SECRET_KEY="x", FIELD_ENCRYPTION_KEYS=[], DUPLICATE_HASH_KEY="x"):
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
            _refuse_without_secrets()


def test_nothing_is_encrypted_or_hashed_with_a_missing_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=[]), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("Joy")
    with override_settings(DUPLICATE_HASH_KEY=""), pytest.raises(ImproperlyConfigured):
        crypto.keyed_hash("name", "joy")


def test_with_its_keys_the_app_starts():
    assert startup.missing_secrets() == []
    startup.require_secrets()


def test_the_web_application_imports_its_views_and_catalogues_before_the_first_request():
    """A gunicorn worker imports ``ceis.wsgi`` at start: by then every view is imported and both languages'
    catalogues loaded, so that its first user does not wait for them (~0.6 s; bench/README.md, "Cold workers")."""
    code = (
        "import os, sys; from cryptography.fernet import Fernet;"
        "os.environ.update(SECRET_KEY='k' * 50, FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),"
        " DUPLICATE_HASH_KEY='d' * 50);"
        "import ceis.wsgi; from django.db import connections; from django.utils.translation import trans_real;"
        "print(sorted(m for m in ('referrals.views', 'interviews.views', 'protection.views') if m in sys.modules));"
        "print(sorted(trans_real._translations)); print(connections['default'].connection is None)"
    )
    done = _run(code)
    assert done.returncode == 0, done.stderr
    views, languages, unconnected = done.stdout.strip().splitlines()
    assert views == "['interviews.views', 'protection.views', 'referrals.views']"
    assert "'it'" in languages and "'en'" in languages
    assert unconnected == "True"  # nothing read from the database at import
