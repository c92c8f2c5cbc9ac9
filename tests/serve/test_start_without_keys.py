"""``make serve`` stops before starting anything when the environment lacks what production needs."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

SERVE_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "DUPLICATE_HASH_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "ADMIN_URL",
    "FIELD_ENCRYPTION_KEYS_OLD",
    "BACKUP_ENCRYPTION_KEY",
)


def _preflight(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SERVE_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "ceis.preflight"],
        cwd=settings.BASE_DIR,
        env={**clean, "DEBUG": "0", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_names_every_missing_variable_and_how_to_make_the_keys():
    done = _preflight()
    assert done.returncode == 2
    for variable in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DUPLICATE_HASH_KEY (or SECRET_KEY)", "ALLOWED_HOSTS"):
        assert f"{variable} is not set" in done.stderr
    assert "DATABASE_URL is not set to PostgreSQL" in done.stderr
    assert "CELERY_BROKER_URL is not set to Redis" in done.stderr
    assert "CACHE_URL is not set to Redis" in done.stderr
    assert "README.md, Production" in done.stderr


def test_it_names_only_what_is_missing_and_never_prints_a_value():
    done = _preflight(
        SECRET_KEY="secret-value-that-must-not-be-printed",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL="postgres://postgres:pg-password@127.0.0.1:5432/ceis",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert done.returncode == 2
    assert "FIELD_ENCRYPTION_KEY is not set" in done.stderr
    for absent in ("SECRET_KEY is not set", "DUPLICATE_HASH_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER"):
        assert absent not in done.stderr
    assert "secret-value" not in done.stderr + done.stdout
    assert "pg-password" not in done.stderr + done.stdout


def test_it_refuses_sqlite_the_in_memory_broker_and_a_per_process_cache():
    done = _preflight(DATABASE_URL="sqlite:///db.sqlite3", CELERY_BROKER_URL="memory://", CACHE_URL="locmem://")
    assert done.returncode == 2
    assert "DATABASE_URL is not set to PostgreSQL" in done.stderr
    assert "CELERY_BROKER_URL is not set to Redis" in done.stderr
    assert "CACHE_URL is not set to Redis, the cache every web machine shares" in done.stderr


def test_it_lets_a_complete_environment_through():
    done = _preflight(
        SECRET_KEY="k" * 50,
        FIELD_ENCRYPTION_KEY="Jq0pP8b3Y9m3pQyQvJQ5n0bKx0cVh8m3Yf5m0n1l2s4=",
        DUPLICATE_HASH_KEY="d" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/ceis",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/1",
        ADMIN_URL="office-7f3a9c/",
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_it_refuses_the_default_admin_path():
    complete = {
        "SECRET_KEY": "k" * 50,
        "FIELD_ENCRYPTION_KEY": "Jq0pP8b3Y9m3pQyQvJQ5n0bKx0cVh8m3Yf5m0n1l2s4=",
        "DUPLICATE_HASH_KEY": "d" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ceis",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    for admin_url in (None, "django-admin/", "admin/"):
        done = _preflight(**complete, **({"ADMIN_URL": admin_url} if admin_url else {}))
        assert done.returncode == 2
        assert "ADMIN_URL is the default" in done.stderr


def _deploy_check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SERVE_VARIABLES}
    keys = {
        "SECRET_KEY": "k" * 50,
        "FIELD_ENCRYPTION_KEY": "Jq0pP8b3Y9m3pQyQvJQ5n0bKx0cVh8m3Yf5m0n1l2s4=",
        "DUPLICATE_HASH_KEY": "d" * 50,
        "ALLOWED_HOSTS": "ceis.example.org",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
        cwd=settings.BASE_DIR,
        env={**clean, "DEBUG": "0", **keys, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_deploy_check_refuses_the_default_admin_path_and_accepts_another():
    assert "ceis.E002" in _deploy_check().stderr
    assert "ceis.E002" not in _deploy_check(ADMIN_URL="office-7f3a9c/").stderr


def test_it_refuses_a_backup_key_that_is_a_field_key():
    field_key = "Jq0pP8b3Y9m3pQyQvJQ5n0bKx0cVh8m3Yf5m0n1l2s4="
    done = _preflight(
        SECRET_KEY="k" * 50,
        FIELD_ENCRYPTION_KEY=field_key,
        BACKUP_ENCRYPTION_KEY=field_key,
        DUPLICATE_HASH_KEY="d" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/ceis",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        ADMIN_URL="office-7f3a9c/",
    )
    assert done.returncode == 2
    assert "BACKUP_ENCRYPTION_KEY is one of the field encryption keys" in done.stderr
    assert field_key not in done.stderr + done.stdout
