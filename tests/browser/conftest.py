"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (Debian's package,
installed by ``.ci/run``). Without it a developer machine skips these tests and CI fails them.

The tests run with ``transaction=True``: the live server answers from its own connection, so it
sees only what the test has committed. The reference data they need is re-created by fixtures
(see ``roles_present``), never taken for granted from the data migrations.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from playwright.sync_api import Page, expect

from ceis.accounts import roles
from tests import factories
from tests.conftest import require_service

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
def base_url() -> None:
    """Unused (tests build URLs from ``live_server.url``); replaces pytest-playwright's fallback,
    a fixture defined as a method, which pytest 9.2 warns about."""
    return None


@pytest.fixture
def roles_present(transactional_db) -> None:
    """The three role Groups with their permissions, as migration ``accounts/0002_roles`` makes them.

    The flush after every ``transaction=True`` test empties every table, the Groups included; only
    content types and permissions come back (post_migrate), and not after a ``serialized_rollback``
    test. Restoring the serialized data instead collides with content types re-created in another
    order, so whatever state the previous test left, this re-creates what the browser tests need.
    """
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    for name, perms in roles.PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codes = [perm.split(".") for perm in perms]
        group.permissions.set(
            [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in codes]
        )


@pytest.fixture
def operators(roles_present):
    """``operatore1`` and ``operatore2``, as in the demo, with the factories' password."""
    return (
        factories.OperatorFactory(username="operatore1", first_name="Giulia", last_name="Uno"),
        factories.OperatorFactory(username="operatore2", first_name="Marco", last_name="Due"),
    )


@pytest.fixture
def log_in(live_server) -> Callable[[Page, str], None]:
    """Log in through the real login form and wait for the landing page."""

    def _log_in(page: Page, username: str, password: str = factories.PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        expect(page).not_to_have_url(f"{live_server.url}/accounts/login/")
        expect(page.locator("#id_password")).to_have_count(0)

    return _log_in
