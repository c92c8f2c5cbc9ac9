"""``/healthz``: may a load balancer send this process traffic? The database and the broker must answer.

Public (a probe has no account) and therefore silent: the body is ``ok`` or ``unavailable`` and nothing
else, no version, no host name, no error text. Nothing is audited: no record is read.
"""

from __future__ import annotations

import logging

import redis
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.http import require_safe
from kombu import Connection
from redis.backoff import NoBackoff
from redis.retry import Retry

from ceis.celery import app as celery_app

logger = logging.getLogger(__name__)

# Each broker socket operation gives up after this; connect + PING stay under 2 s together.
BROKER_TIMEOUT = 0.9


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def broker_answers() -> bool:
    """PING the Redis broker once, no retries; an eager or in-memory Celery has no broker to lose."""
    conf = celery_app.conf
    url = conf.broker_url or ""
    if conf.task_always_eager or url.startswith("memory://"):
        return True
    try:
        if url.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(
                url,
                socket_connect_timeout=BROKER_TIMEOUT,
                socket_timeout=BROKER_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
            )
            try:
                return bool(client.ping())
            finally:
                client.close()
        with Connection(url, connect_timeout=BROKER_TIMEOUT) as broker:
            broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
            return True
    except Exception:  # noqa: BLE001  any failure of the probe means "not ready", never a 500
        return False


@login_not_required
@require_safe
def healthz(request):
    database, broker = database_answers(), broker_answers()
    healthy = database and broker
    if not healthy:
        # The reason goes to the server's log, never to the (anonymous) caller.
        logger.warning("health check failed: database=%s broker=%s", database, broker)
    response = HttpResponse(
        b"ok\n" if healthy else b"unavailable\n",
        status=200 if healthy else 503,
        content_type="text/plain; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response
