"""Time the pages over HTTP, as users feel them: gunicorn as ``make serve`` runs it, real logins and sessions.

Against a database seeded by ``seed_scale`` (``DATABASE_URL``; ``bench/run.py`` passes its large one):

1. gives the synthetic accounts the benchmark uses a password (they have none: ``seed_scale`` databases are
   throw-away and refuse real accounts), hashed by the configured hasher, so logins cost what they cost;
2. starts gunicorn with ``gunicorn.conf.py`` (``DEBUG`` off, PostgreSQL, Celery's broker on Redis at
   ``BENCH_BROKER_URL``, whitenoise serving the collected static files, the whole middleware stack) on
   ``BENCH_HTTP_PORT``;
3. runs 1, 10 and 50 simulated users (``BENCH_HTTP_USERS``), each a thread with its own session: log in
   through the login form (CSRF token, ``Referer``), then pages picked at random, operators (4 in 5) and
   coordinators (1 in 5) as in ``load/locustfile.py``. Without think time at 1 and 10 users (closed loop: the
   server's capacity), with 1-3 s between pages at 50 (people at work). A status other than 200, or a page
   that sends back to the login form, counts as an error;
4. prints JSON: per level and page, requests, median, p95, errors; the machine's load average before and after.

By hand: ``DATABASE_URL=postgres://.../ceis_bench_100000 python bench/over_http.py``. The server runs with
``REQUIRE_2FA=0`` (the simulated users do not answer TOTP challenges, as in ``make load``) and without HTTPS
(``SECURE_COOKIES=0``, ``SECURE_SSL_REDIRECT=0``: a local socket); the Celery tasks pages queue are left in the
broker (no worker runs during the measurement) and purged afterwards.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PASSWORD = "bench-http-password-2026"  # noqa: S105 - throw-away benchmark databases only
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOGIN_FORM = re.compile(r'name="[^"]*password"')


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


SETUP = r"""
import json, os, sys
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils import timezone
from ceis import access
from ceis.accounts.models import User
from devdata.scale import PREFIX
from interviews.models import Interview
from protection.models import ProtectionPathway
from referrals.models import Referral

n_ops, n_coords, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ops = list(User.objects.filter(username__startswith=f"{PREFIX}op-").annotate(n=Count("referraluserobjectpermission"))
           .order_by("n", "pk"))
middle = len(ops) // 2
ops = ops[max(0, middle - n_ops // 2):][:n_ops]
coords = list(User.objects.filter(username__startswith=f"{PREFIX}coord-").order_by("pk")[:n_coords])
hashed = make_password(password)  # one hash for all (the salt is shared: benchmark accounts only)
User.objects.filter(pk__in=[u.pk for u in ops + coords]).update(password=hashed)
out = {"operators": [], "coordinators": [u.username for u in coords], "year": timezone.localdate().year - 1}
for op in ops:
    mine = access.assigned_to(Referral, op)
    referrals = list(mine.order_by("-received_at").values_list("pk", flat=True)[:20])
    interviews = list(Interview.objects.filter(referral__in=mine, held_at__isnull=False, answers__isnull=False)
                      .order_by("-held_at").values_list("pk", flat=True).distinct()[:5])
    pathways = list(access.assigned_to(ProtectionPathway, op).order_by("-started_on").values_list("pk", flat=True)[:5])
    out["operators"].append({"username": op.username, "referrals": referrals, "interviews": interviews,
                             "pathways": pathways})
print(json.dumps(out))
"""


def server_env(database_url: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the served settings, not the in-process benchmark's
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        FIELD_ENCRYPTION_KEY=env.get("FIELD_ENCRYPTION_KEY") or "dTSyb7SxOlV0a18g25ywVuajt8tvefHN7_9dHBhIBd0=",
        DUPLICATE_HASH_KEY=env.get("DUPLICATE_HASH_KEY") or "bench-only-duplicate-hash-key",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CELERY_BROKER_URL=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7"),
        CELERY_TASK_ALWAYS_EAGER="0",
        REQUIRE_2FA="0",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="WARNING",
        HOST="127.0.0.1",
        PORT=str(port),
        PYTHONWARNINGS="ignore",
    )
    return env


def gunicorn_config(env: dict[str, str]) -> dict:
    """What gunicorn.conf.py sets with this environment: workers, threads, worker class."""
    code = (
        "import json, runpy; ns = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps({k: ns[k] for k in ('workers', 'threads', 'worker_class', 'bind')}))"
    )
    return json.loads(subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True, text=True,
                                     capture_output=True).stdout)  # fmt: skip


class Server:
    """gunicorn as the Procfile's ``web`` runs it, in its own process group (stopped by its pid)."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.url = f"http://127.0.0.1:{env['PORT']}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=self.env, check=True)
        gunicorn = str(Path(PY).with_name("gunicorn"))
        self.proc = subprocess.Popen(
            [gunicorn, "ceis.wsgi", "--config", "gunicorn.conf.py"], cwd=ROOT, env=self.env, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/accounts/login/", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                raise SystemExit("gunicorn stopped before answering")
            time.sleep(0.5)
        raise SystemExit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.times.setdefault(name, []).append(seconds)
            if error:
                self.errors.setdefault(name, []).append(error)


class User(threading.Thread):
    def __init__(self, base: str, account: dict, coordinator: bool, year: int, results: Results, stop: float,
                 think: tuple[float, float] | None, rng: random.Random):  # fmt: skip
        super().__init__(daemon=True)
        self.base, self.account, self.coordinator, self.year = base, account, coordinator, year
        self.results, self.stop, self.think, self.rng = results, stop, think, rng
        self.session = requests.Session()

    def get(self, path: str, name: str) -> None:
        start = time.perf_counter()
        error = ""
        try:
            r = self.session.get(self.base + path, timeout=60)
            if r.status_code != 200:
                error = f"status {r.status_code}"
            elif "/accounts/login" in r.url:
                error = "sent to the login page"
        except requests.RequestException as exc:
            error = type(exc).__name__
        self.results.add(name, time.perf_counter() - start, error)

    def log_in(self) -> bool:
        start = time.perf_counter()
        page = self.session.get(self.base + "/accounts/login/", timeout=60)
        self.results.add("login (form)", time.perf_counter() - start, "" if page.status_code == 200 else "status")
        token = CSRF.search(page.text)
        fields = {name: "" for name in re.findall(r'<input[^>]+name="([^"]+)"', page.text)}
        data = {}
        for name in fields:
            if name.endswith("username"):
                data[name] = self.account["username"]
            elif name.endswith("password"):
                data[name] = PASSWORD
        for hidden in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text):
            data.setdefault(hidden.group(1), hidden.group(2))
        if token:
            data["csrfmiddlewaretoken"] = token.group(1)
        start = time.perf_counter()
        r = self.session.post(page.url, data=data, headers={"Referer": page.url}, allow_redirects=False, timeout=60)
        ok = r.status_code == 302 and "/accounts/login" not in r.headers.get("Location", "")
        self.results.add("login (post)", time.perf_counter() - start, "" if ok else f"refused {r.status_code}")
        return ok

    def pages(self) -> list[tuple[str, str, int]]:
        a, year = self.account, self.year
        if self.coordinator:
            return [
                ("/caseload/", "/caseload/ (dashboard)", 3),
                ("/referrals/all/?status=new&status=assigned&status=in_assessment&urgency=immediate"
                 "&urgency=priority&sort=-received", "/referrals/all/ (filtered)", 3),
                (f"/caseload/statistics/?from={year}-01-01&to={year}-12-31", "/caseload/statistics/ (a year)", 2),
                ("/protection/all/", "/protection/all/", 1),
                ("/groups/all/", "/groups/all/ (sessions)", 1),
                ("/groups/materials/", "/groups/materials/", 1),
            ]  # fmt: skip
        out = [
            ("/referrals/", "/referrals/ (mine)", 6),
            ("/interviews/", "/interviews/", 2),
            ("/interviews/agenda/", "/interviews/agenda/", 2),
            ("/protection/", "/protection/ (mine)", 1),
            ("/groups/", "/groups/ (my sessions)", 1),
            ("/groups/materials/", "/groups/materials/", 1),
        ]
        if a["referrals"]:
            out.append((f"/referrals/{self.rng.choice(a['referrals'])}/", "/referrals/[id]/", 6))
        if a["interviews"]:
            out.append((f"/interviews/{self.rng.choice(a['interviews'])}/edit/", "/interviews/[id]/edit/ (form)", 3))
        if a["pathways"]:
            out.append((f"/protection/{self.rng.choice(a['pathways'])}/", "/protection/[id]/", 2))
        return out

    def run(self) -> None:
        if self.think:
            time.sleep(self.rng.uniform(0, self.think[1]))  # people do not all arrive in the same second
        if not self.log_in():
            return
        while time.monotonic() < self.stop:
            if self.think:
                time.sleep(self.rng.uniform(*self.think))
            pages = self.pages()
            path, name, _ = self.rng.choices(pages, weights=[w for *_, w in pages])[0]
            self.get(path, name)


def run_level(base: str, accounts: dict, users: int, seconds: float, think) -> dict:
    results = Results()
    rng = random.Random(2026 + users)
    stop = time.monotonic() + seconds
    load_before = os.getloadavg()
    threads = []
    for i in range(users):
        coordinator = i % 5 == 4 and accounts["coordinators"]
        if coordinator:
            account = {"username": accounts["coordinators"][(i // 5) % len(accounts["coordinators"])]}
        else:
            account = accounts["operators"][i % len(accounts["operators"])]
        threads.append(
            User(base, account, bool(coordinator), accounts["year"], results, stop, think, random.Random(rng.random()))
        )
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
    elapsed = time.monotonic() - started
    pages = {}
    for name, times in sorted(results.times.items()):
        errors = results.errors.get(name, [])
        pages[name] = {
            "requests": len(times),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(_percentile(times, 95) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
            "errors": len(errors),
            "error_kinds": sorted(set(errors))[:3],
        }
    total = sum(p["requests"] for p in pages.values())
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "think_time_s": list(think) if think else None,
        "requests": total,
        "requests_per_s": round(total / elapsed, 1) if elapsed else 0,
        "errors": sum(p["errors"] for p in pages.values()),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "pages": pages,
    }


def measure(database_url: str) -> dict:
    port = int(os.environ.get("BENCH_HTTP_PORT", "8301"))
    levels = [int(x) for x in os.environ.get("BENCH_HTTP_USERS", "1,10,50").split(",")]
    seconds = float(os.environ.get("BENCH_HTTP_SECONDS", "60"))
    env = server_env(database_url, port)
    setup = subprocess.run(
        [PY, "-c", SETUP, "40", "10", PASSWORD],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "ceis.settings"},
        check=True,
        text=True,
        capture_output=True,
    )
    accounts = json.loads(setup.stdout.strip().splitlines()[-1])
    out = {"port": port, "cores": os.cpu_count(), "levels": []}
    out["server"] = gunicorn_config(env)
    with Server(env) as server:
        for users in levels:
            think = (1.0, 3.0) if users >= 50 else None
            level = run_level(server.url, accounts, users, seconds if users >= 50 else seconds / 2, think)
            out["levels"].append(level)
            print(
                f"  {users:>3} users: {level['requests']} requests, {level['errors']} errors, "
                f"load {level['load_average_after']}",
                file=sys.stderr,
                flush=True,
            )
    _purge(env["CELERY_BROKER_URL"])
    return out


def _purge(broker: str) -> None:
    """Drop the tasks the pages queued (no worker ran): the bench's Redis database only."""
    if not broker.startswith("redis://"):
        return
    try:
        import redis

        redis.Redis.from_url(broker).flushdb()
    except Exception as error:  # noqa: BLE001 - a leftover queue is not a reason to lose the figures
        print(f"broker not purged: {error}", file=sys.stderr)


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database seeded by seed_scale")
    print(json.dumps(measure(url), indent=2))


if __name__ == "__main__":
    main()
