"""A real Celery worker against Redis, for the tests that prove the e-mail path end to end.

The worker is Celery's own in-process test worker (a thread, solo pool) on the project's app from
``ceis.celery``; the broker is the Redis of ``CELERY_BROKER_URL`` (CI) or ``redis://127.0.0.1:6379/15``.
Each test gets its own key prefix on that Redis, so stale messages from an earlier run, or another
pytest process sharing the server, can never reach this test's worker.

These tests commit for real (``transaction=True``): the worker thread reads what the test wrote
through its own database connection. ``serialized_rollback`` brings back what the data migrations
created (the role Groups) after the flush, as in the rest of the suite; ``roles_present`` checks it.
The content-type caches (Django's and guardian's) are cleared around each test, or permissions would
point at stale content types.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from guardian.shortcuts import clear_ct_cache
from kombu import pools

from ceis.accounts import roles
from ceis.celery import app as celery_app
from ceis.notifications.models import Notification
from tests import factories
from tests.conftest import require_service

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
# Nothing listens on port 1: connections are refused at once, like a broker that is down.
DEAD_BROKER_URL = "redis://127.0.0.1:1/0"


def redis_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith(("redis://", "rediss://")) else DEFAULT_REDIS_URL


def redis_is_up(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


def _forget_broker_connections() -> None:
    """Drop pooled broker connections, so the next publish connects to the broker configured now.

    The app caches its connection and producer pools on first use; Celery itself resets the same two
    attributes after a fork (``Celery._after_fork``).
    """
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@dataclass
class Broker:
    """Where the Celery app publishes for this test: ``broker.down()`` or ``broker.up()``."""

    settings: object
    monkeypatch: pytest.MonkeyPatch
    url: str
    prefix: str = field(default_factory=lambda: f"ceis-test-{uuid.uuid4().hex[:12]}:")

    def _use(self, url: str) -> None:
        # ceis.celery reads the CELERY_* settings live, so pytest-django's ``settings`` (restored after
        # the test) is enough, except that Celery prefers the CELERY_BROKER_URL environment variable
        # (set in CI) to any configuration. The assertions guard against either changing silently.
        self.settings.CELERY_BROKER_URL = url
        self.monkeypatch.setenv("CELERY_BROKER_URL", url)
        _forget_broker_connections()
        assert celery_app.conf.broker_url == url
        assert celery_app.conf.broker_transport_options["global_keyprefix"] == self.prefix

    def down(self) -> None:
        self._use(DEAD_BROKER_URL)

    def up(self) -> None:
        self._use(self.url)

    def queued(self) -> list[dict]:
        """Task messages waiting in Redis for a worker, decoded, oldest first (kombu pushes on the left)."""
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)
        raw = client.lrange(f"{self.prefix}{celery_app.conf.task_default_queue}", 0, -1)
        return [json.loads(item) for item in reversed(raw)]


@pytest.fixture
def roles_present(transactional_db) -> None:
    """The role Groups of the data migrations are back after the flush (``serialized_rollback``).

    Checked first, so that a broken restore says so instead of failing later in a factory.
    (tests/browser/conftest.py keeps the restore working once Playwright has started.)
    """
    present = set(Group.objects.filter(name__in=roles.ALL).values_list("name", flat=True))
    assert present == set(roles.ALL), (
        "the role Groups of migration accounts/0002_roles are missing: serialized_rollback restored nothing"
    )
    ContentType.objects.clear_cache()
    clear_ct_cache()


@pytest.fixture
def broker(settings, monkeypatch, roles_present) -> Iterator[Broker]:
    """Redis required (skipped locally when down, a failure with CI=true); Celery not eager."""
    url = redis_url()
    require_service(redis_is_up(url), f"Redis ({url})")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # leave pytest's log capture alone
    for variable in ("CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL"):
        monkeypatch.delenv(variable, raising=False)
    broker = Broker(settings=settings, monkeypatch=monkeypatch, url=url)
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": broker.prefix,
    }
    yield broker
    _forget_broker_connections()
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    keys = list(client.scan_iter(match=f"{broker.prefix}*"))
    if keys:
        client.delete(*keys)
    ContentType.objects.clear_cache()
    clear_ct_cache()


@dataclass
class TaskRuns:
    """Tasks the worker finished during this test, in order: ``(task name, return value)``."""

    done: list[tuple[str, object]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def record(self, sender=None, retval=None, **kwargs) -> None:
        with self.changed:
            self.done.append((sender.name, retval))
            self.changed.notify_all()

    def wait_for(self, name: str, count: int = 1, timeout: float = 10.0) -> list[object]:
        """Block until ``name`` has finished ``count`` times; its return values."""
        with self.changed:
            ok = self.changed.wait_for(lambda: len(self.results(name)) >= count, timeout=timeout)
            assert ok, f"{name} finished {len(self.results(name))} times within {timeout}s, expected {count}"
            return self.results(name)

    def results(self, name: str) -> list[object]:
        return [retval for task, retval in self.done if task == name]


@pytest.fixture
def celery_worker(broker) -> Callable[[], AbstractContextManager[TaskRuns]]:
    """``with celery_worker() as runs:`` runs a real worker on the live broker until the block ends."""

    @contextmanager
    def run() -> Iterator[TaskRuns]:
        broker.up()
        runs = TaskRuns()
        signals.task_postrun.connect(runs.record, weak=False)
        try:
            with start_worker(celery_app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
                yield runs
        finally:
            signals.task_postrun.disconnect(runs.record)

    return run


@pytest.fixture
def notify(db) -> Callable[..., Notification]:
    """``notify(user, label="LU-2026-0001", path="/referrals/1/")``: an unread notification for ``user``."""

    def make(recipient, *, label: str = "LU-2026-0001", path: str = "", kind: str = Notification.Kind.ASSIGNED):
        return Notification.objects.create(recipient=recipient, kind=kind, label=label, path=path)

    return make


REASON = "Costretta a prostituirsi sulla via Pesciatina per ripagare un debito di viaggio"
PERSONAL_DATA = ("Blessing", "Okonkwo", "Joy Benin", "765 4321", "Pesciatina", "debito")


@pytest.fixture
def sensitive_referral(db):
    """A new referral whose person and reason are distinctive, to prove none of them leaks."""
    person = factories.PersonFactory(
        first_name="Blessing", last_name="Okonkwo", aliases="Joy Benin", phone="+39 333 765 4321"
    )
    return factories.ReferralFactory(person=person, reason=REASON)


@pytest.fixture
def assert_no_personal_data() -> Callable[..., None]:
    def check(*texts: str) -> None:
        for text in texts:
            leaked = [secret for secret in PERSONAL_DATA if secret in text]
            assert not leaked, f"personal data {leaked} in: {text!r}"

    return check
