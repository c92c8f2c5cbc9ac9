from __future__ import annotations

import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, what: str) -> None:
    """Skip when a service is missing on a developer machine; fail in CI (CI=true)."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true but is not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True)
def _fast_and_clean(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    ContentType.objects.clear_cache()
    cache.clear()  # e.g. dashboard cards keyed by record ids, which another test's database reuses
    yield
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _submission_tokens(request, monkeypatch):
    """Test-client POSTs without a one-time submission token count as carrying a fresh, valid one.

    Forms posted by hand in tests would otherwise all be refused (ceis/submissions); a POST that does carry
    a token is checked as in production. Tests of the mechanism itself mark ``real_submission_tokens``.
    Browser tests post the real forms, with the real tokens, and need none of this.
    """
    if request.node.get_closest_marker("real_submission_tokens"):
        return
    import secrets

    from django.utils import timezone

    from ceis.submissions import tokens

    check = tokens.check

    def lenient(token, user):
        if not token:
            return tokens.Checked(digest=secrets.token_hex(32), issued_at=timezone.now())
        return check(token, user)

    monkeypatch.setattr(tokens, "check", lenient)


# Data migrations that seed reference data, and the function of each that (re)loads it.
_SEEDS = (
    ("ceis.partners.migrations.0002_seed_local_network", "seed"),
    ("referrals.migrations.0002_seed_exploitation_forms", "seed"),
    ("interviews.migrations.0007_labour_lists_become_version_1", "seed"),  # 0002's lists, as version 1
    ("groups.migrations.0002_reference_data", "seed"),
    ("privacy.migrations.0002_seed_retention_rules", "seed"),
    ("ceis.consent.migrations.0002_information_notices", "seed"),
)


def _restore_reference_data() -> None:
    """Put back what the data migrations made, after a committing test's flush emptied the tables.

    The flush re-creates content types and permissions (post_migrate), not the rows of data
    migrations: the role Groups and the reference lists. Seed functions only use
    ``apps.get_model``, so they run on the live registry too.
    """
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from ceis.accounts import roles

    if not Permission.objects.exists():  # after a serialized-rollback flush, which skips post_migrate
        from django.contrib.auth.management import create_permissions
        from django.contrib.contenttypes.management import create_contenttypes

        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0)
            create_permissions(app_config, verbosity=0)
    for role, perms in roles.PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            [Permission.objects.get(content_type__app_label=p.split(".")[0], codename=p.split(".")[1]) for p in perms]
        )
    for module, function in _SEEDS:
        getattr(importlib.import_module(module), function)(_MovedModels(apps), None)


class _MovedModels:
    """The live registry, answering for models by the app that held them when their data migration ran."""

    MOVED = {("groups", "topic"): "materials", ("groups", "language"): "materials"}

    def __init__(self, apps):
        self.apps = apps

    def get_model(self, app_label: str, model_name: str | None = None):
        if model_name is None:
            app_label, model_name = app_label.split(".")
        return self.apps.get_model(self.MOVED.get((app_label, model_name.lower()), app_label), model_name)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Every database test starts with the roles and reference lists, whatever ran before it."""
    if not ({"db", "transactional_db"} & set(request.fixturenames)) and not request.node.get_closest_marker(
        "django_db"
    ):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from django.contrib.auth.models import Group

    from ceis.accounts import roles

    if not Group.objects.filter(name=roles.OPERATOR).exists():
        _restore_reference_data()


@pytest.fixture
def operator(db):
    return factories.OperatorFactory(username="op_a")


@pytest.fixture
def operator_b(db):
    return factories.OperatorFactory(username="op_b")


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory(username="coord")


@pytest.fixture
def admin_user(db):
    return factories.AdminFactory(username="admin_role")


@pytest.fixture
def partner(db):
    """A CAS worker's portal account (role ``ente``)."""
    return factories.PartnerUserFactory(username="cas_worker")


@pytest.fixture
def network_user(db):
    return factories.NetworkFactory(username="rete_lucca")


def _client_for(client_class, user):
    c = client_class()
    c.force_login(user)
    return c


@pytest.fixture
def op_client(operator):
    from django.test import Client

    return _client_for(Client, operator)


@pytest.fixture
def op_b_client(operator_b):
    from django.test import Client

    return _client_for(Client, operator_b)


@pytest.fixture
def coord_client(coordinator):
    from django.test import Client

    return _client_for(Client, coordinator)


@pytest.fixture
def admin_client_role(admin_user):
    from django.test import Client

    return _client_for(Client, admin_user)


@pytest.fixture
def closure_approval_off(db):
    """The service has turned closure approval off (``ServiceSettings.closure_approval``): operators close
    referrals and pathways directly, as coordinators always do. Tests of the direct closure use it; the
    approval itself is tested in tests/approvals."""
    from ceis.service.services import service_settings_update

    service_settings_update(by=None, closure_approval=False)


@pytest.fixture
def partner_client(partner):
    from django.test import Client

    return _client_for(Client, partner)


@pytest.fixture
def network_client(network_user):
    from django.test import Client

    return _client_for(Client, network_user)


@pytest.fixture
def referral_a(operator):
    """A referral assigned to operator A only."""
    return factories.ReferralFactory(assigned_to=[operator])


def pytest_terminal_summary(terminalreporter):
    """Print the route sweep's coverage (tests/security/test_every_route.py) in the summary of every run.

    Here rather than in tests/security/conftest.py: under xdist only the root conftest reaches the controller.
    """
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for key, value in getattr(report, "user_properties", ()):
                if key == "route_sweep":
                    terminalreporter.write_line(f"route sweep: {value} URL patterns covered")
                    return


def pytest_collection_modifyitems(config, items):
    """Refuse a committing test without ``serialized_rollback=True`` (see tests/browser/conftest.py).

    A plain ``transaction=True`` test's flush re-creates content types with new ids; the next
    serialized-rollback test then collides with them, and a test after a serialized one finds no
    permissions at all. Which one fails depends on the order xdist deals them: refuse the cause.
    """
    wrong = []
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            wrong.append(item.nodeid)
        elif "transactional_db" in getattr(item, "fixturenames", ()) and not (
            marker and marker.kwargs.get("serialized_rollback")
        ):
            wrong.append(item.nodeid)
    if wrong:
        raise pytest.UsageError(
            "transaction=True needs serialized_rollback=True in this suite (tests/browser/conftest.py):\n  "
            + "\n  ".join(wrong)
        )
