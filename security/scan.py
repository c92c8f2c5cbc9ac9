"""``make scan``: wapiti and sqlmap against the production shape on loopback; writes ``security/report.md``.

1. Checks that Debian's ``wapiti`` and ``sqlmap`` are installed (it installs nothing).
2. Builds a throw-away PostgreSQL database (``SCAN_DATABASE_URL``; its name must contain ``scan``, it is
   dropped and created again), runs ``make serve``'s preflight, migrations and ``collectstatic`` with DEBUG
   off and fresh keys, seeds the demo and gives the operator and the coordinator an authenticator (TOTP).
3. Serves it as ``make serve`` does (gunicorn, DEBUG off, two-factor login on, a Celery worker on Redis
   ``SCAN_BROKER_URL``) on 127.0.0.1:``SCAN_PORT`` only, with an access log of status, method, path and agent.
4. Logs in through the real login wizard (password, then the code the authenticator shows) as each role;
   walks the pages that role sees for the GET URLs with parameters; runs wapiti (crawl and attack modules,
   each bounded in time) and sqlmap (level 1, risk 1, on those URLs, bounded in time) with that session.
   Logout and the two-factor management pages are left out so that the session lives through the scan.
5. Stops the server, counts requests and answers ≥ 500 in its log, turns everything into findings, judges them
   against ``security/judgements.toml`` and writes ``security/report.md``. Exit status 1 when a finding is
   open (no judgement matches it) or a scanner left no result; 2 when a scanner is missing.

Environment: ``SCAN_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/ceis_scan``),
``SCAN_BROKER_URL`` (default ``redis://127.0.0.1:6379/0``), ``SCAN_PORT`` (default 8090), per role
``SCAN_WAPITI_CRAWL_SECONDS`` (40), ``SCAN_WAPITI_ATTACK_SECONDS`` (10, per attack module),
``SCAN_SQLMAP_SECONDS`` (130), ``SCAN_CRAWL_PAGES`` (60, the walk that finds sqlmap's URLs),
``SCAN_SQLMAP_URLS`` (40), ``SCAN_KEEP=1`` keeps the database and ``.run/scan/``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from security import findings as F  # noqa: E402
from security import judgements as J  # noqa: E402
from security.report import Phase, ScanRun, render  # noqa: E402

VENV_BIN = Path(sys.executable).parent
WORK = ROOT / ".run" / "scan"
REPORT = ROOT / "security" / "report.md"
STEP_FIELD = "login_view-current_step"  # the login wizard's management field

WAPITI_MODULES = [
    "sql",
    "blindsql",
    "xss",
    "permanentxss",
    "exec",
    "file",
    "crlf",
    "redirect",
    "csrf",
    "http_headers",
    "cookieflags",
    "csp",
    "methods",
]
# Paths no scanner visits: logging out would end the session the scan runs in; the two-factor pages would
# replace the authenticator it logs in with. Downloads are left to the test suite (large, slow PDFs).
EXCLUDED = [
    r"^/accounts/logout/",
    r"^/accounts/two-factor/",
]
NOT_CRAWLED = [r"\.(csv|xlsx|pdf|ics|json)$", r"/download/$", r"^/static/", r"/pdf/$"]


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# --- the authenticator app --------------------------------------------------------------------------------


def totp_code(key_hex: str, at: float, *, step: int = 30, t0: int = 0, digits: int = 6) -> tuple[str, int]:
    """RFC 6238 as django-otp's TOTPDevice checks it: the code shown at time ``at`` and its time step."""
    counter = (int(at) - t0) // step
    mac = hmac.new(bytes.fromhex(key_hex), counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}", counter


# --- pages: links and GET forms ---------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "textarea"} and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "reset", "file", "image"}:
                return
            if kind in {"checkbox", "radio"} and a["name"] in self._form["fields"]:
                return
            self._form["fields"][a["name"]] = a.get("value") or _sample(kind)
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].setdefault(a["name"], "")
        elif self._form is not None and tag == "option" and self._select:
            if not self._form["fields"][self._select] and a.get("value"):
                self._form["fields"][self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _sample(kind: str) -> str:
    return {
        "date": datetime.date.today().isoformat(),
        "number": "1",
        "month": datetime.date.today().strftime("%Y-%m"),
    }.get(kind, "1")


def _excluded(path: str) -> bool:
    return any(re.search(p, path) for p in EXCLUDED)


def parameter_urls(html: str, page_url: str, base: str) -> tuple[list[str], list[str]]:
    """The same-origin links of a page, and the GET URLs with parameters its links and GET forms make."""
    page = _Page()
    page.feed(html)
    links, with_params = [], []
    for href in page.links:
        url = urljoin(page_url, href).split("#")[0]
        if not url.startswith(base) or _excluded(urlsplit(url).path):
            continue
        links.append(url)
        if urlsplit(url).query:
            with_params.append(url)
    for form in page.forms:
        if form["method"] != "get" or not form["fields"]:
            continue
        action = urljoin(page_url, form["action"]) if form["action"] else page_url.split("?")[0]
        fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
        if action.startswith(base) and fields and not _excluded(urlsplit(action).path):
            with_params.append(f"{action.split('?')[0]}?{urlencode(fields)}")
    return links, with_params


def walk(session, base: str, max_pages: int) -> list[str]:
    """Breadth-first over the pages a session sees; one GET URL per path and set of parameter names."""
    seen, queue, targets = set(), deque([base + "/"]), {}
    while queue and len(seen) < max_pages:
        url = queue.popleft()
        if url in seen or any(re.search(p, urlsplit(url).path) for p in NOT_CRAWLED):
            continue
        seen.add(url)
        try:
            response = session.get(url, timeout=30)
        except Exception:  # noqa: BLE001 - a page that does not answer is no reason to stop the walk
            continue
        landed = response.url
        if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
            continue
        if not landed.startswith(base) or _excluded(urlsplit(landed).path):
            continue
        seen.add(landed)
        links, with_params = parameter_urls(response.text, landed, base)
        for target in with_params:
            parts = urlsplit(target)
            targets.setdefault((parts.path, frozenset(k for k, _ in parse_qsl(parts.query, True))), target)
        queue.extend(link for link in links if link not in seen)
    # Fewest parameters first: within sqlmap's time, as many pages as possible rather than one long form.
    return sorted(targets.values(), key=lambda url: (len(parse_qsl(urlsplit(url).query, True)), url))


# --- the server ---------------------------------------------------------------------------------------------


def _run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True, **kwargs)


def _scan_env(database_url: str, broker_url: str, port: int) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        DUPLICATE_HASH_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        ADMIN_URL=f"admin-{secrets.token_hex(8)}/",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        # Plain HTTP on loopback: no Secure cookies, no redirect to HTTPS (the only settings unlike production).
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        REQUIRE_2FA="1",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        STATIC_ROOT=str(WORK / "static"),
        MEDIA_ROOT=str(WORK / "media"),
        SITE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="INFO",
        PYTHONWARNINGS="ignore",
    )
    return env


def _postgres(database_url: str, sql: str) -> None:
    import psycopg2

    parts = urlsplit(database_url)
    conn = psycopg2.connect(parts._replace(path="/postgres").geturl())
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


def _postgres_version(database_url: str) -> str:
    import psycopg2

    conn = psycopg2.connect(database_url)
    with conn.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    conn.close()
    return version


class Server:
    """gunicorn as the Procfile's ``web`` line (plus an access log) and one Celery worker, in their own groups."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port, self.processes = env, port, []
        self.access_log = WORK / "access.log"
        self.server_log = WORK / "server.log"

    def start(self) -> None:
        web = [
            str(VENV_BIN / "gunicorn"),
            "ceis.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--timeout",
            "30",
            "--graceful-timeout",
            "20",
            "--no-control-socket",  # gunicorn's default socket path is shared by every gunicorn of the machine
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            F.ACCESS_LOG_FORMAT,
        ]
        worker = [str(VENV_BIN / "celery"), "-A", "ceis", "worker", "--loglevel", "INFO", "--concurrency", "1"]
        for args, log in ((web, self.server_log), (worker, WORK / "worker.log")):
            out = open(log, "w")  # noqa: SIM115 - closed with the process
            self.processes.append(
                subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True)
            )
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if any(p.poll() is not None for p in self.processes):
                break
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"the server did not answer /healthz on port {self.port}: see {self.server_log}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # the group this scan started, and nothing else
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# --- logging in -------------------------------------------------------------------------------------------


class Login:
    def __init__(self, base: str, account: dict, agent: str) -> None:
        self.base, self.account, self.agent, self.last_step = base, account, agent, -1

    def session(self):
        import requests

        session = requests.Session()
        session.headers["User-Agent"] = self.agent
        url = f"{self.base}/accounts/login/"
        token = _csrf(session.get(url, timeout=30).text)
        account = self.account
        page = session.post(
            url,
            data={
                "csrfmiddlewaretoken": token,
                STEP_FIELD: "auth",
                "username": account["username"],
                "password": account["password"],
            },
            headers={"Referer": url},
            timeout=30,
        )
        totp = account["totp"]
        code, step = totp_code(totp["key"], time.time(), step=totp["step"], t0=totp["t0"], digits=totp["digits"])
        if step <= self.last_step:  # a code is good once: wait for the next one, as a person would
            time.sleep(totp["step"] - (time.time() - totp["t0"]) % totp["step"] + 1)
            code, step = totp_code(totp["key"], time.time(), step=totp["step"], t0=totp["t0"], digits=totp["digits"])
        self.last_step = step
        session.post(
            url,
            data={"csrfmiddlewaretoken": _csrf(page.text), STEP_FIELD: "token", "otp_token": code},
            headers={"Referer": url},
            timeout=30,
        )
        if not logged_in(session, self.base):
            raise SystemExit(f"could not log in as {account['username']} through the login wizard")
        return session


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


def logged_in(session, base: str) -> bool:
    """The home page leads to the role's start page, not to the login or the two-factor setup."""
    response = session.get(f"{base}/", timeout=30)
    return response.status_code == 200 and not urlsplit(response.url).path.startswith("/accounts/")


def wapiti_cookies(session) -> dict:
    """The session's cookies in wapiti's JSON cookie-file format (``wapitiCore.net.jsoncookie``)."""
    jar: dict = {}
    for cookie in session.cookies:
        jar.setdefault(cookie.domain or "127.0.0.1", {}).setdefault(cookie.path or "/", {})[cookie.name] = {
            "value": cookie.value,
            "expires": None,
            "secure": False,
            "port": None,
            "version": 0,
        }
    return jar


# --- the scanners -----------------------------------------------------------------------------------------


# Debian's wapiti 3.0.4, run through its own entry point with two things mended. Its ``-x`` fails on Python 3.11
# (its wildcard regex puts ``(?ms)`` last, which 3.11 refuses). It loads every attack module at each start,
# and two of them (wapp, nikto) then try to download their databases from the web: only the modules of the
# step (``CEIS_WAPITI_MODULES``, comma-separated; none for the crawl and the report) are loaded.
_WAPITI_SHIM = (
    "import os, re, sys\n"
    "from wapitiCore.net import crawler\n"
    "from wapitiCore.attack import attack\n"
    "crawler.wildcard_translate = lambda p: re.compile("
    "'(?ms)' + '.*'.join(re.escape(x) for x in p.split('*')) + r'\\Z')\n"
    "only = set(filter(None, os.environ.get('CEIS_WAPITI_MODULES', '').split(',')))\n"
    "attack.modules = [m for m in attack.modules if m[4:] in only]\n"
    "from wapitiCore.main.wapiti import wapiti_main\n"
    "sys.argv[0] = 'wapiti'\n"
    "sys.exit(wapiti_main())\n"
)


def wapiti_command() -> list[str]:
    script = Path(shutil.which("wapiti") or "/usr/bin/wapiti")
    first = script.read_text(errors="replace").splitlines()[0] if script.exists() else ""
    interpreter = first[2:].strip().split()[0] if first.startswith("#!") else "/usr/bin/python3"
    return [interpreter, "-c", _WAPITI_SHIM]


def run_wapiti(base: str, role: str, session, agent: str) -> tuple[list[F.Finding], str]:
    """Crawl, then each attack module, then the report: one wapiti process each on one stored session.

    Wapiti checks its own time limits only between two pages, and one page with many fields can keep a module
    busy for minutes; a process of its own per step can be stopped at its time without losing what the
    others found (wapiti stores every page crawled and every finding in the session as it goes)."""
    out = WORK / f"wapiti-{role}.json"
    cookies = WORK / f"cookies-{role}.json"
    cookies.write_text(json.dumps(wapiti_cookies(session)))
    crawl, attack = _env_int("SCAN_WAPITI_CRAWL_SECONDS", 40), _env_int("SCAN_WAPITI_ATTACK_SECONDS", 10)
    common = [
        *wapiti_command(),
        "-u",
        f"{base}/",
        "--scope",
        "folder",
        "-c",
        str(cookies),
        "--max-links-per-page",
        "30",
        "--max-files-per-dir",
        "20",
        "--max-parameters",
        "25",
        "-d",
        "4",
        "-t",
        "20",
        "-A",
        agent,
        "--store-session",
        str(WORK / f"wapiti-session-{role}"),
        "--store-config",
        str(WORK / f"wapiti-config-{role}"),
        "--no-bugreport",
        "--skip",
        "csrfmiddlewaretoken",  # attack the other fields with a valid token, so that the attacks reach the views
        "-v",
        "1",
        "-f",
        "json",
        "-o",
        str(out),
    ]
    for pattern in ("/accounts/logout/*", "/accounts/two-factor/*"):
        common += ["-x", f"{base}{pattern}"]
    log = WORK / f"wapiti-{role}.log"
    log.write_text("")
    cut = 0
    _wapiti_step("crawl", [*common, "--flush-session", "--max-scan-time", str(crawl)], log, crawl + 60)
    for step in _wapiti_steps():
        args = [*common, "--skip-crawl", "-m", step, "--max-attack-time", str(attack)]
        cut += _wapiti_step(step, args, log, attack * len(step.split(",")) + 20)
    out.unlink(missing_ok=True)
    _wapiti_step("report", [*common, "--skip-crawl"], log, 120)  # the report of everything stored
    if not out.exists():
        return [], "no report written (see .run/scan/wapiti-*.log)"
    text = log.read_text(errors="replace")
    crawled = re.search(r"Wapiti found (\d+) URLs and forms", text)
    return F.parse_wapiti(json.loads(out.read_text()), role), (
        f"{crawled.group(1) if crawled else '?'} URLs and forms crawled (≤ {crawl} s); "
        f"{len(WAPITI_MODULES)} modules ≤ {attack} s each, {cut} stopped at that limit"
    )


def _wapiti_steps() -> list[str]:
    """The modules one process each, but permanentxss with xss, which it needs (it reuses xss's payloads)."""
    steps = [m for m in WAPITI_MODULES if m not in {"xss", "permanentxss"}]
    if "permanentxss" in WAPITI_MODULES:
        steps.append("xss,permanentxss")
    elif "xss" in WAPITI_MODULES:
        steps.append("xss")
    return steps


def _wapiti_step(step: str, args: list[str], log: Path, seconds: int) -> int:
    """One wapiti process, its output appended to ``log``; 1 when it had to be stopped at ``seconds``."""
    env = {**os.environ, "CEIS_WAPITI_MODULES": step if step not in {"crawl", "report"} else ""}
    with open(log, "a") as handle:
        handle.write(f"\n===== wapiti: {step}\n")
        handle.flush()
        try:
            subprocess.run(
                args,
                cwd=WORK,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=handle,
                stderr=subprocess.STDOUT,
                timeout=seconds,
                check=False,
            )
        except subprocess.TimeoutExpired:
            handle.write(f"\n===== stopped at {seconds} s\n")
            return 1
    return 0


def run_sqlmap(role: str, urls: list[str], session, agent: str) -> tuple[list[F.Finding], str]:
    targets = WORK / f"sqlmap-{role}.txt"
    targets.write_text("\n".join(reversed(urls)) + "\n")  # sqlmap 1.7 takes its bulk file from the end
    results = WORK / f"sqlmap-{role}.csv"
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    seconds = _env_int("SCAN_SQLMAP_SECONDS", 130)
    args = [
        "sqlmap",
        "-m",
        str(targets),
        "--batch",
        "--level",
        "1",
        "--risk",
        "1",
        "--cookie",
        cookie,
        "-A",
        agent,
        "--param-exclude",
        "csrfmiddlewaretoken",
        "--skip-waf",
        "--timeout",
        "20",
        "--retries",
        "1",
        "--disable-coloring",
        "--output-dir",
        str(WORK / f"sqlmap-{role}"),
        "--results-file",
        str(results),
        "--answers",
        "follow=N",
    ]
    log = WORK / f"sqlmap-{role}.log"
    note = ""
    try:
        with open(log, "w") as handle:
            subprocess.run(args, cwd=WORK, stdout=handle, stderr=subprocess.STDOUT, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        note = f"stopped at its time limit ({seconds} s); "
    text = log.read_text(errors="replace")
    reached = [
        f"`{urlsplit(url).path}` ({', '.join(k for k, _ in parse_qsl(urlsplit(url).query, True))})"
        for url in re.findall(r"\[INFO\] testing URL '([^']+)'", text)
    ]
    found = F.parse_sqlmap_results(results.read_text(errors="replace"), role) if results.exists() else []
    return found, note + f"{len(urls)} GET URLs with parameters, {len(reached)} reached: {'; '.join(reached)}"


def _version(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[-1]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def _deb(package: str) -> str:
    return _version(["dpkg-query", "-W", "-f", "${Version}\n", package])


# --- the whole run ----------------------------------------------------------------------------------------


def main() -> int:
    missing = [tool for tool in ("wapiti", "sqlmap") if shutil.which(tool) is None]
    if missing:
        print(
            f"make scan needs Debian's {' and '.join(missing)}: apt-get install -y wapiti sqlmap",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    database_url = os.environ.get("SCAN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ceis_scan")
    name = urlsplit(database_url).path.lstrip("/")
    if "scan" not in name or not re.fullmatch(r"\w+", name):
        print(f"SCAN_DATABASE_URL names {name!r}: it is dropped and created again, so its name must hold 'scan'")
        return 2
    broker_url = os.environ.get("SCAN_BROKER_URL", "redis://127.0.0.1:6379/0")
    port = _env_int("SCAN_PORT", 8090)
    base = f"http://127.0.0.1:{port}"
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    env = _scan_env(database_url, broker_url, port)
    py = [sys.executable]

    print(f"== database {name}: created afresh", flush=True)
    _postgres(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _postgres(database_url, f'CREATE DATABASE "{name}"')
    _run([*py, "-m", "ceis.preflight"], env)
    _run([*py, "manage.py", "migrate", "--noinput", "-v0"], env)
    _run([*py, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    accounts = json.loads(_run([*py, "security/seed.py"], {**env, "DEBUG": "1"}, capture_output=True).stdout)

    server = Server(env, port)
    print(f"== serving on {base} (gunicorn, DEBUG off, two-factor login on)", flush=True)
    server.start()
    raw: list[F.Finding] = []
    phases: list[tuple[str, str, str, float, str]] = []  # role, tool, agent, seconds, note
    incomplete = []
    try:
        logins = {role: Login(base, account, f"ceis-scan login {role}") for role, account in accounts.items()}
        sessions = {role: login.session() for role, login in logins.items()}  # both before any attack
        for role in accounts:
            agent = f"ceis-scan walk {role}"
            t = time.monotonic()
            sessions[role].headers["User-Agent"] = agent
            urls = walk(sessions[role], base, _env_int("SCAN_CRAWL_PAGES", 60))[: _env_int("SCAN_SQLMAP_URLS", 40)]
            phases.append((role, "walk (sqlmap's URLs)", agent, time.monotonic() - t, f"{len(urls)} URLs found"))

            print(f"== {role}: wapiti", flush=True)
            agent = f"ceis-scan wapiti {role}"
            t = time.monotonic()
            found, note = run_wapiti(base, role, sessions[role], agent)
            if "no report" in note:
                incomplete.append(f"wapiti as {role}")
            raw += found
            phases.append((role, "wapiti", agent, time.monotonic() - t, note))

            if not logged_in(sessions[role], base):
                subprocess.run([*py, "manage.py", "axes_reset"], cwd=ROOT, env=env, capture_output=True, check=False)
                sessions[role] = logins[role].session()
            print(f"== {role}: sqlmap on {len(urls)} URLs", flush=True)
            agent = f"ceis-scan sqlmap {role}"
            t = time.monotonic()
            found, note = run_sqlmap(role, urls, sessions[role], agent)
            raw += found
            phases.append((role, "sqlmap", agent, time.monotonic() - t, note))
        versions = {
            "wapiti (Debian package)": _deb("wapiti"),
            "sqlmap (Debian package)": _deb("sqlmap"),
            "PostgreSQL server": _postgres_version(database_url),
            "gunicorn": _version([str(VENV_BIN / "gunicorn"), "--version"]),
            "Django": _version([*py, "-c", "import django; print(django.get_version())"]),
            "Python": sys.version.split()[0],
        }
    finally:
        server.stop()
        if os.environ.get("SCAN_KEEP") != "1":
            _postgres(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    accesses = F.parse_access_log(server.access_log.read_text(errors="replace"))
    roles_by_agent = {
        f"ceis-scan {tool} {role}": role for role in accounts for tool in ("login", "walk", "wapiti", "sqlmap")
    }
    raw += F.server_errors(accesses, roles_by_agent)
    server_text = server.server_log.read_text(errors="replace")
    judged, unused = J.judge(F.merge(raw), J.load())
    run = ScanRun(
        date=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        versions=versions,
        target=f"`make serve`'s shape on {base} (loopback only): gunicorn (2 workers), DEBUG off, "
        "PostgreSQL, a Celery worker on Redis, two-factor login on",
        scope=[
            "Roles: operator (`operatore1`) and coordinator (`coordinatore`) of `seed_demo`, each with an "
            "authenticator (TOTP), logged in through the login wizard (password, then the 6-digit code).",
            f"wapiti modules: {', '.join(WAPITI_MODULES)}; scope `folder` from `/`, depth 4, ≤ 30 links per page, "
            f"≤ 20 pages per folder, crawl ≤ {_env_int('SCAN_WAPITI_CRAWL_SECONDS', 40)} s, each module "
            f"≤ {_env_int('SCAN_WAPITI_ATTACK_SECONDS', 10)} s.",
            "sqlmap: level 1, risk 1, all techniques (BEUSTQ), `--batch`, on the GET URLs with parameters found "
            "by walking each role's pages (links with a query string and GET forms, one URL per path and set "
            f"of parameter names, ≤ {_env_int('SCAN_SQLMAP_URLS', 40)}), "
            f"≤ {_env_int('SCAN_SQLMAP_SECONDS', 130)} s per role.",
            "Left out: " + ", ".join(f"`{p.strip('^')}`" for p in EXCLUDED) + " (they would end or change the "
            "session the scan runs in); downloads (CSV, XLSX, PDF, iCalendar) are not walked for sqlmap.",
            "Not in scope: TLS and the reverse proxy (plain HTTP on loopback, `SECURE_COOKIES=0`, "
            "`SECURE_SSL_REDIRECT=0`), the admin role, anonymous pages beyond the login.",
        ],
        phases=[
            Phase(
                role=role,
                tool=tool,
                seconds=seconds,
                requests=sum(1 for a in accesses if a.agent == agent),
                answers_5xx=sum(1 for a in accesses if a.agent == agent and a.status >= 500),
                note=note,
            )
            for role, tool, agent, seconds, note in phases
        ],
        answers_5xx=sum(1 for a in accesses if a.status >= 500),
        error_lines=len(re.findall(r"Internal Server Error|Traceback \(most recent call last\)", server_text)),
        judged=judged,
        unused=unused,
        total_seconds=time.monotonic() - started,
    )
    REPORT.write_text(render(run), encoding="utf-8")
    if os.environ.get("SCAN_KEEP") != "1":
        shutil.rmtree(WORK / "static", ignore_errors=True)
    open_ = J.open_findings(judged)
    print(f"== {REPORT.relative_to(ROOT)}: {len(open_)} open, {len(judged) - len(open_)} judged", flush=True)
    for j in open_:
        f = j.finding
        print(f"OPEN  {f.tool} · {f.category} · {f.method} {f.path} {f.parameter} · {f.info}")
    for what in incomplete:
        print(f"INCOMPLETE  {what}: no result")
    return J.exit_status(judged, incomplete)


if __name__ == "__main__":
    sys.exit(main())
