"""CI runs the suite in the production shape: PostgreSQL, a Redis broker, Debian's Chromium.

These check CI's own environment (set up by ``.ci/run``), so they run only when CI=true: the one
place where skipping on the CI flag is right. Everywhere else a missing service goes through
``require_service``, which fails in CI.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import IN_CI

pytestmark = pytest.mark.skipif(not IN_CI, reason="checks CI's own environment; runs only with CI=true")

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.django_db
def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_the_celery_broker_is_redis_and_answers():
    import redis

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()


def test_debian_chromium_is_installed():
    assert CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
    version = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30, check=True)
    assert "Chromium" in version.stdout
