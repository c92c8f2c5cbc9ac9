"""``/healthz``: 200 ``ok`` when the database and the broker answer, 503 otherwise; public, silent, never cached."""

from __future__ import annotations

import os
import socket
import time

import pytest
import redis
from auditlog.models import LogEntry
from django.db import OperationalError
from django.test import Client

from ceis import health
from ceis.audit.models import Event
from ceis.celery import app as celery_app
from tests.conftest import require_service

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens once the socket closes


@pytest.fixture
def use_broker(settings, monkeypatch):
    """Point the Celery app at ``url``, not eager (Celery prefers the environment variable to settings)."""

    def use(url: str) -> None:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = url
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        assert celery_app.conf.broker_url == url
        assert not celery_app.conf.task_always_eager

    return use


def _redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else "redis://127.0.0.1:6379/6"


def _redis_is_up(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


def test_it_answers_ok_to_an_anonymous_probe():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"


def test_it_answers_head_too():
    response = Client().head("/healthz")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_it_refuses_anything_but_get_and_head(method):
    response = getattr(Client(), method)("/healthz")
    assert response.status_code == 405


def test_it_answers_503_with_the_broker_down_and_says_nothing_about_it(use_broker):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    use_broker(url)
    started = time.monotonic()
    response = Client().get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert response["Cache-Control"] == "no-store"
    assert elapsed < 2, f"the probe took {elapsed:.1f}s"


def test_a_broker_that_never_answers_fails_within_two_seconds(use_broker):
    with socket.socket() as silent:  # accepts connections (backlog) but never replies to PING
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        use_broker(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        started = time.monotonic()
        response = Client().get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < 2, f"the probe took {elapsed:.1f}s"


def test_it_answers_ok_with_a_live_redis_broker(use_broker):
    url = _redis_url()
    require_service(_redis_is_up(url), f"Redis ({url})")
    use_broker(url)
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_it_answers_503_when_the_database_fails(monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("connection to server at 10.0.0.5 failed: password authentication failed")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"


def test_it_writes_no_audit_row(operator):
    client = Client()
    client.force_login(operator)
    events, entries = Event.objects.count(), LogEntry.objects.count()
    assert client.get("/healthz").status_code == 200
    assert (Event.objects.count(), LogEntry.objects.count()) == (events, entries)


def test_the_probe_is_not_redirected_to_https_when_everything_else_is(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
    login = Client().get("/accounts/login/")
    assert login.status_code == 301
    assert login["Location"].startswith("https://")
