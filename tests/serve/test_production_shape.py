"""``make serve``'s production shape as real processes: honcho runs the Procfile, /healthz follows the broker.

honcho starts gunicorn, one Celery worker and Celery beat with DEBUG off, against a throw-away
PostgreSQL database and a Redis server of this test's own on a free port (the shared Redis is never
touched). The test stops that Redis: /healthz answers 503; starts it again: 200. On a developer machine
without redis-server or PostgreSQL it skips; with CI=true it fails (``require_service``).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from tests.conftest import require_service

pytestmark = pytest.mark.redis

VENV_BIN = Path(sys.executable).parent
BOOT_TIMEOUT = 45.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {timeout:.0f}s")


class RedisServer:
    """A redis-server of this test's own, in the foreground, that can be stopped and started again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self.answers, 10, f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _postgres_admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else "postgres://postgres@127.0.0.1:5432/postgres"


def _postgres_connect(url: str, dbname: str):
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    return psycopg2.connect(
        dbname=dbname,
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
        connect_timeout=3,
    )


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A throw-away PostgreSQL database on the server of DATABASE_URL (or the local one); its URL."""
    import environ

    admin_url = _postgres_admin_url()
    try:
        admin = _postgres_connect(admin_url, "postgres")
    except Exception:  # noqa: BLE001  any failure to connect means PostgreSQL is not available
        admin = None
    require_service(admin is not None, f"PostgreSQL ({environ.Env.db_url_config(admin_url)['HOST']})")
    admin.autocommit = True
    name = f"ceis_serve_test_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    config = environ.Env.db_url_config(admin_url)
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    try:
        yield f"postgres://{auth}@{config['HOST']}:{config['PORT'] or 5432}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    require_service(shutil.which("redis-server") is not None, "redis-server")
    server = RedisServer(_free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Honcho:
    """``honcho start`` on the repository's Procfile; its output read line by line in a thread."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.port = port
        self.lines: list[str] = []
        self._new = queue.Queue()
        self.process = subprocess.Popen(
            [str(VENV_BIN / "honcho"), "--no-colour", "--procfile", "Procfile", "start", "--port", str(port)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def pids(self) -> dict[str, int]:
        return {m[0]: int(m[1]) for m in re.findall(r"system\s*\| (\w+)\.1 started \(pid=(\d+)\)", self.output)}

    def wait_for(self, pattern: str, what: str) -> None:
        def seen() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"honcho exited ({self.process.returncode}) before {what}:\n{self.output[-4000:]}")
            return re.search(pattern, self.output, re.MULTILINE) is not None

        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if seen():
                return
            time.sleep(0.1)
        pytest.fail(f"{what} not seen within {BOOT_TIMEOUT:.0f}s:\n{self.output[-4000:]}")

    def stop(self) -> None:
        children = self.pids().values()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # honcho passes it on to each process
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for pid in children:  # each child leads its own process group (honcho starts new sessions)
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _health(port: int) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status, response.read(), response.headers.get("Cache-Control", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Cache-Control", "")


def test_it_serves_with_web_worker_and_beat_and_health_follows_the_broker(postgres_database, own_redis, tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DJANGO_", "PYTEST_", "SECURE_")) and key not in {"DEBUG", "PORT", "HOST"}
    }
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        DEBUG="0",
        SECRET_KEY=Fernet.generate_key().decode(),
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DUPLICATE_HASH_KEY=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=postgres_database,
        CELERY_BROKER_URL=own_redis.url,
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        WORKER_CONCURRENCY="1",
        BEAT_SCHEDULE=str(tmp_path / "celerybeat-schedule"),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    # As `make serve` does before honcho: the manifest storage (DEBUG off) needs collected files.
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr[-4000:]
    honcho = Honcho(env, port)
    try:
        honcho.wait_for(rf"\bweb\.1\s*\|.*Listening at: http://127\.0\.0\.1:{port}\b", "gunicorn listening")
        honcho.wait_for(r"\bworker\.1\s*\|.*celery@\S+ ready\.", "the Celery worker ready")
        honcho.wait_for(r"\bbeat\.1\s*\|.*beat: Starting\.\.\.", "Celery beat starting")
        pids = honcho.pids()
        assert set(pids) == {"web", "worker", "beat"}
        assert all(_alive(pid) for pid in pids.values()), honcho.output[-4000:]

        assert _health(port) == (200, b"ok\n", "no-store")
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/{manifest['paths']['css/ceis.css']}") as css:
            assert css.status == 200
            assert "immutable" in css.headers["Cache-Control"], "whitenoise serves the hashed, collected file"

        own_redis.stop()
        started = time.monotonic()
        assert _health(port) == (503, b"unavailable\n", "no-store")
        assert time.monotonic() - started < 2.5

        own_redis.start()
        _wait(lambda: _health(port)[0] == 200, 10, "/healthz did not answer 200 again with Redis back")
        assert all(_alive(pid) for pid in honcho.pids().values()), "a process died while the broker was away"
        assert honcho.process.poll() is None
    finally:
        honcho.stop()
