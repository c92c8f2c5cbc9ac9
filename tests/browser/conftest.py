"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (Debian's package,
installed by ``.ci/run``). Without it a developer machine skips these tests and CI fails them.

The tests run with ``transaction=True`` (the live server answers from its own connection, so it
sees only what the test has committed) and ``serialized_rollback=True``: the flush after each such
test empties every table, and the restore brings back what the data migrations made (the role
Groups, the local partner network, the forms of exploitation). The restore collides with content
types that a plain ``transaction=True`` test's flush re-creates, so in this suite every
``transaction=True`` test also uses ``serialized_rollback=True``.

Every browser test fails on a Content-Security-Policy violation (``csp_violations``, at the end of this
file): open pages from a context (the ``page``/``context`` fixtures or ``browser.new_context()``), not with
``browser.new_page()``, which the listener does not see.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from guardian.shortcuts import clear_ct_cache
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from ceis.accounts import roles
from tests import factories
from tests.conftest import require_service
from tests.otp_helpers import code_for_user

CHROMIUM = Path("/usr/bin/chromium")

# As root on a machine with a closed network: no sandbox, no GPU, and none of Chromium's own
# background traffic (each refused connection would otherwise slow every start).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium instead of a Playwright-managed build."""
    require_service(CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK), f"Chromium ({CHROMIUM})")
    args = CHROMIUM_ARGS
    if browser_type_launch_args.get("headless") is False:  # pytest --headed, for a developer with a screen
        args = [a for a in args if a != "--headless"]
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": args}


@pytest.fixture(scope="session")
def _serialized_db_contents(django_db_setup) -> dict[str, str]:
    """What ``setup_databases`` serialized for ``serialized_rollback``, read before Playwright starts."""
    return {c.alias: c._test_serialized_contents for c in connections.all() if hasattr(c, "_test_serialized_contents")}


@pytest.fixture(scope="session")
def playwright(_serialized_db_contents, playwright):
    """pytest-playwright's ``playwright``, with the serialized database contents carried over.

    Playwright's sync API leaves its event loop marked as running in this thread for the rest of
    the session. Django's connection handler (a thread-critical asgiref ``Local``) then hands out
    new ``DatabaseWrapper`` objects, which lack the ``_test_serialized_contents`` set on the old
    ones: ``serialized_rollback`` would silently restore nothing, here and in every later test
    (pytest-django issue #1117). Putting the contents on the new wrappers restores it.
    """
    for alias, contents in _serialized_db_contents.items():
        connections[alias]._test_serialized_contents = contents
    return playwright


@pytest.fixture(scope="session")
def base_url() -> None:
    """Unused (tests build URLs from ``live_server.url``); replaces pytest-playwright's fallback,
    a fixture defined as a method, which pytest 9.2 warns about."""
    return None


@pytest.fixture(autouse=True)
def _fresh_guardian_cache():
    """guardian caches content types too; after a flush and restore they must be looked up again."""
    clear_ct_cache()
    yield
    clear_ct_cache()


@pytest.fixture
def operators(transactional_db):
    """``operatore1`` and ``operatore2``, as in the demo, with the factories' password."""
    present = set(Group.objects.filter(name__in=roles.ALL).values_list("name", flat=True))
    assert present == set(roles.ALL), (
        "the role Groups of migration accounts/0002_roles are missing: serialized_rollback restored nothing "
        "(does every transaction=True test of the suite use serialized_rollback=True?)"
    )
    return (
        factories.OperatorFactory(username="operatore1", first_name="Giulia", last_name="Uno"),
        factories.OperatorFactory(username="operatore2", first_name="Marco", last_name="Due"),
    )


@pytest.fixture
def log_in(live_server) -> Callable[[Page, str], None]:
    """Log in through the real login page (password, then the authenticator code if the account has a device)
    and wait for the landing page. With REQUIRE_2FA on, an account without a device lands on the setup page."""

    def _log_in(page: Page, username: str, password: str = factories.PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.locator("#login-form button[type=submit]").click()
        if page.locator("#id_otp_token").count():
            page.locator("#id_otp_token").fill(code_for_user(username))
            with page.expect_navigation():
                page.locator("#login-form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(re.escape(f"{live_server.url}/accounts/login/")))
        expect(page.locator("#id_password")).to_have_count(0)

    return _log_in


# Registered in every document of every context before the page's own scripts run: each Content-Security-
# Policy violation is kept on ``window`` and printed on the console, where the context's listener takes it.
CSP_LISTENER = """
(() => {
  const seen = (window.__cspViolations = window.__cspViolations || []);
  document.addEventListener("securitypolicyviolation", (e) => {
    const v = {directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
               line: e.lineNumber, column: e.columnNumber, page: document.location.href};
    seen.push(v);
    console.error("CSP violation: " + JSON.stringify(v));
  }, true);
})();
"""
CSP_PREFIX = "CSP violation: "


class CspViolations:
    """The CSP violations the browser saw during one test: its own console messages and the listener's."""

    def __init__(self) -> None:
        self.events: list[dict] = []  # from the ``securitypolicyviolation`` listener
        self._seen: list[dict] = []  # every event ever reported, so that one read again after clear() stays out
        self.console: list[str] = []  # Chromium's own "Refused to ... Content Security Policy" messages
        self._contexts: list[BrowserContext] = []

    def __bool__(self) -> bool:
        return bool(self.events or self.console)

    def clear(self) -> None:
        self.events.clear()
        self.console.clear()

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._on_console)
        close = context.close

        def close_after_collecting(*args, **kwargs):
            self.collect(context)
            return close(*args, **kwargs)

        context.close = close_after_collecting
        self._contexts.append(context)
        return context

    def _add_event(self, event: dict) -> None:
        if event not in self._seen:
            self._seen.append(event)
            self.events.append(event)

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if text.startswith(CSP_PREFIX):
            self._add_event(json.loads(text[len(CSP_PREFIX) :]))
        elif "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(text)

    def collect(self, context: BrowserContext | None = None) -> None:
        """Read what the listener stored in the open pages (a console message may not have arrived yet)."""
        for ctx in [context] if context else self._contexts:
            if ctx not in self._contexts:
                continue
            for page in ctx.pages:
                try:
                    for event in page.evaluate("window.__cspViolations || []"):
                        self._add_event(event)
                except Exception:  # noqa: BLE001 - a closed, crashed or downloading page has nothing left to read
                    pass
            if context is not None:
                self._contexts.remove(ctx)

    def report(self) -> str:
        lines = [json.dumps(e, sort_keys=True) for e in self.events] + self.console
        return "Content-Security-Policy violations in the browser:\n" + "\n".join(f"  {line}" for line in lines)


def fail_on_csp_violations(violations: CspViolations) -> None:
    if violations:
        pytest.fail(violations.report(), pytrace=False)


@pytest.fixture(autouse=True)
def csp_violations(request) -> Iterator[CspViolations | None]:
    """Every context a browser test opens (``context``/``page`` fixtures or ``browser.new_context()``) is
    watched for CSP violations; any violation fails the test at teardown. A test that expects one reads
    this fixture and clears it."""
    if "browser" not in request.fixturenames:
        yield None
        return
    browser: Browser = request.getfixturevalue("browser")
    violations = CspViolations()
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs) -> BrowserContext:
        return violations.watch(new_context(*args, **kwargs))

    browser.new_context = watched_new_context
    try:
        yield violations
    finally:
        del browser.new_context
    violations.collect()
    fail_on_csp_violations(violations)
