"""Two web machines, one database, one Redis: a change made through one is seen at once through the other.

Two gunicorn instances (the ``Procfile``'s ``web`` line, DEBUG off) on ports 8101 and 8102 (or free ones, when
those are taken) stand for two machines behind a load balancer: one throw-away PostgreSQL database, one Redis
cache (``CACHE_URL=redis://127.0.0.1:6379/2``, under a key prefix of this test's own, removed afterwards) and
one shared ``MEDIA_ROOT`` (the mount every machine has). A coordinator logs in through the first; her session
works on the second (sessions live in the database). The caseload dashboard's cards are the project's cached
figures: a card stored through one machine is read from Redis by the other, and after she reassigns a referral
through one machine the other shows the moved figures on its very next page. A file she uploads through one is
downloaded through the other.

No worker runs here: the tasks that mark stored figures after a change run in the request
(``CELERY_TASK_ALWAYS_EAGER``, as when the broker is down); the worker's path has its own tests. On a machine
without PostgreSQL or Redis the test skips; with CI=true it fails (``require_service``).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import pickle
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from tests.conftest import require_service
from tests.factories import PASSWORD
from tests.serve.test_production_shape import postgres_database  # noqa: F401  (a fixture)

pytestmark = pytest.mark.redis

VENV_BIN = Path(sys.executable).parent
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 2
BOOT_TIMEOUT = 60.0


def _port(preferred: int) -> int:
    """``preferred`` when nothing listens there, else a free port."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]


def _redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def shared_redis() -> Iterator[tuple[str, str]]:
    """(CACHE_URL, key prefix of this run) on the local Redis; the run's keys are removed afterwards."""
    import redis

    require_service(_redis_answers(), f"Redis ({REDIS_HOST}:{REDIS_PORT})")
    prefix = f"ceis-two-machines-{uuid.uuid4().hex[:8]}"
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}", prefix
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def _environment(database_url: str, cache_url: str, prefix: str, tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DJANGO_", "PYTEST_", "SECURE_", "CACHE_")) and key not in {"DEBUG", "PORT"}
    }
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        DEBUG="0",
        SECRET_KEY=Fernet.generate_key().decode(),
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DUPLICATE_HASH_KEY=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        CACHE_URL=cache_url,
        CACHE_KEY_PREFIX=prefix,
        CELERY_BROKER_URL="memory://",  # tasks in the request: see the module's docstring
        REQUIRE_2FA="0",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "shared-media"),  # the mount both machines share
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


SEED = """
import datetime, json
from django.utils import timezone
from tests import factories
coordinator = factories.CoordinatorFactory(username="coord")
a, b = factories.OperatorFactory(username="op_a"), factories.OperatorFactory(username="op_b")
ten_days_ago = timezone.now() - datetime.timedelta(days=10)  # no interview yet: overdue, listed on the card
moved, stays = (
    factories.ReferralFactory(
        person=factories.PersonFactory(case_code=code), received_at=ten_days_ago, assigned_to=[a]
    )
    for code in ("CL-MOVED", "CL-STAYS")
)
from materials.models import Language
language = Language.objects.filter(active=True).order_by("pk").first()
print(json.dumps({"a": a.pk, "b": b.pk, "moved": moved.pk, "language": language.pk}))
"""


class Gunicorn:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        with open(log, "w") as out:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "ceis.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
                + ["--timeout", "60"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_listening(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn on {self.port} exited:\n{self.log.read_text()[-4000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)  # polling for the port to open
        pytest.fail(f"gunicorn did not listen on {self.port} within {BOOT_TIMEOUT:.0f}s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One browser, whose requests a load balancer sends now to one machine, now to the other: one cookie jar."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def get(self, url: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: list[tuple[str, str]], file: tuple[str, str, bytes] | None = None):
        """POST the fields (and ``file``: field name, file name, content, as multipart/form-data)."""
        headers = {"Referer": url}
        if file is None:
            data = urllib.parse.urlencode(fields).encode()
        else:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                for name, value in fields
            ]
            name, filename, content = file
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/pdf\r\n\r\n".encode()
                + content
                + f"\r\n--{boundary}--\r\n".encode()
            )
            data = b"".join(parts)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        return self._open(urllib.request.Request(url, data=data, headers=headers))

    def get_bytes(self, url: str) -> tuple[int, bytes]:
        with self.opener.open(urllib.request.Request(url), timeout=30) as response:
            return response.status, response.read()

    def _open(self, request) -> tuple[int, str, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match[1]


def _submission_token(html: str) -> str:
    """The form's one-time submission token (ceis/submissions), as a browser sends it back."""
    match = re.search(r'name="submission_token" value="([^"]+)"', html)
    assert match, "no submission token on the form"
    return match[1]


def _pdf() -> bytes:
    """A one-page PDF that parses (uploads are checked by parsing)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _card(page: str, operator_pk: int) -> str:
    match = re.search(rf'<section class="card mb-3" id="operator-{operator_pk}".*?</section>', page, re.S)
    assert match, f"no card of operator {operator_pk} on the dashboard"
    return match[0]


def test_a_change_through_one_machine_is_seen_at_once_through_the_other(postgres_database, shared_redis, tmp_path):  # noqa: F811
    import redis

    cache_url, prefix = shared_redis
    env = _environment(postgres_database, cache_url, prefix, tmp_path)
    _manage(env, "migrate", "--noinput", "--verbosity", "0")
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")  # the manifest storage (DEBUG off) needs it
    ids = json.loads(_manage(env, "shell", "--no-imports", "-c", SEED).strip().splitlines()[-1])

    one = Gunicorn(env, _port(8101), tmp_path / "one.log")
    two = Gunicorn(env, _port(8102), tmp_path / "two.log")
    try:
        one.wait_until_listening()
        two.wait_until_listening()
        browser = Browser()

        # Logged in through one machine, the session holds on the other.
        status, page, _ = browser.get(f"{one.base}/accounts/login/")
        assert status == 200
        status, _, location = browser.post(
            f"{one.base}/accounts/login/",
            [
                ("csrfmiddlewaretoken", _csrf(page)),
                ("login_view-current_step", "auth"),
                ("username", "coord"),
                ("password", PASSWORD),
            ],
        )
        assert status == 302 and "/accounts/login" not in location, (status, location)
        dashboard = "/caseload/"
        status, first, _ = browser.get(two.base + dashboard)
        assert status == 200, "the session opened through one machine is valid on the other"
        assert "CL-MOVED" in _card(first, ids["a"]) and "CL-MOVED" not in _card(first, ids["b"])

        # The cards: counted and stored by one machine (second view), kept in the one Redis ...
        status, stored, _ = browser.get(one.base + dashboard)
        assert status == 200
        client = redis.Redis(host="127.0.0.1", port=6379, db=2)
        keys = sorted(k.decode() for k in client.scan_iter(f"{prefix}:*caseload-card:{ids['a']}:*"))
        assert len(keys) == 1, "the first machine stored operator a's card in the shared cache"
        # ... and read from there by the other: a card changed in Redis is what the second machine shows.
        original = client.get(keys[0])
        marked = pickle.loads(original).replace("CL-STAYS", "CL-STAYS-FROM-THE-SHARED-CACHE")
        client.set(keys[0], pickle.dumps(marked, pickle.HIGHEST_PROTOCOL))
        status, page, _ = browser.get(two.base + dashboard)
        assert "CL-STAYS-FROM-THE-SHARED-CACHE" in _card(page, ids["a"])
        client.set(keys[0], original)
        status, page, _ = browser.get(two.base + dashboard)
        assert _card(page, ids["a"]) == _card(stored, ids["a"])

        # A change through one machine: the coordinator reassigns CL-MOVED from op_a to op_b ...
        status, page, _ = browser.get(one.base + dashboard)
        status, _, location = browser.post(
            one.base + "/caseload/reassign/",
            [
                ("csrfmiddlewaretoken", _csrf(page)),
                ("referrals", str(ids["moved"])),
                ("operator", str(ids["b"])),
                ("confirm", "on"),
            ],
        )
        assert (status, location) == (302, dashboard)

        # ... and the other machine shows it on its very next page, cached figures included.
        status, after, _ = browser.get(two.base + dashboard)
        assert status == 200
        card_a, card_b = _card(after, ids["a"]), _card(after, ids["b"])
        assert "CL-MOVED" not in card_a and "CL-STAYS" in card_a
        assert "CL-MOVED" in card_b
        status, records, _ = browser.get(f"{two.base}/caseload/operator/{ids['b']}/")
        assert status == 200 and "CL-MOVED" in records
        # Once stored again, the fresh cards come from the shared cache on both machines alike.
        status, again_two, _ = browser.get(two.base + dashboard)
        status, again_one, _ = browser.get(one.base + dashboard)
        assert _card(again_one, ids["b"]) == _card(again_two, ids["b"]) == card_b

        # A file uploaded through one machine is downloaded through the other (one shared MEDIA_ROOT).
        status, page, _ = browser.get(one.base + "/groups/materials/new/")
        assert status == 200
        leaflet = _pdf()
        status, body, location = browser.post(
            one.base + "/groups/materials/new/",
            [
                ("csrfmiddlewaretoken", _csrf(page)),
                ("submission_token", _submission_token(page)),
                ("title", "Leaflet on two machines"),
                ("kind", "leaflet"),
                ("languages", str(ids["language"])),
                ("description", ""),
                ("url", ""),
            ],
            file=("file", "leaflet.pdf", leaflet),
        )
        assert status == 302 and re.fullmatch(r"/groups/materials/\d+/", location), (status, location, body[-2000:])
        assert browser.get_bytes(f"{two.base}{location}download/") == (200, leaflet)
        client.close()
    finally:
        one.stop()
        two.stop()
