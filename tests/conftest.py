from __future__ import annotations

import os

import pytest
from django.contrib.contenttypes.models import ContentType

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
    yield
    ContentType.objects.clear_cache()


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
def referral_a(operator):
    """A referral assigned to operator A only."""
    return factories.ReferralFactory(assigned_to=[operator])
