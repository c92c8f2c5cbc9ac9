"""``manage.py create_admin``: the first admin account without a Python shell (asked, or from the environment).

The account has the admin role only, its password passed the project's validators, it is refused when the
user name or e-mail is taken, the password is never printed, and with REQUIRE_2FA on its first login leads to
setting up the second factor and nowhere else.
"""

from __future__ import annotations

import io
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from ceis.accounts import roles
from ceis.accounts.management.commands import create_admin
from tests import factories
from tests.otp_helpers import log_in

User = get_user_model()
GOOD = "Lanterna-Fiume-42-Torre"
ENV = {
    "CEIS_ADMIN_USERNAME": "prima.admin",
    "CEIS_ADMIN_EMAIL": "prima.admin@example.org",
    "CEIS_ADMIN_PASSWORD": GOOD,
    "CEIS_ADMIN_FIRST_NAME": "Prima",
    "CEIS_ADMIN_LAST_NAME": "Amministratrice",
}


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_admin", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def environment(monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def terminal(monkeypatch):
    """A person at a terminal: ``answers`` for input(), ``passwords`` for getpass(); what was asked is kept."""
    asked: list[str] = []
    answers: list[str] = []
    passwords: list[str] = []

    def fake_input(prompt=""):
        asked.append(prompt)
        return answers.pop(0)

    def fake_getpass(prompt=""):
        asked.append(prompt)
        return passwords.pop(0)

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr(create_admin.getpass, "getpass", fake_getpass)
    return answers, passwords, asked


def test_it_creates_an_admin_from_the_environment(db, environment, settings):
    settings.REQUIRE_2FA = True
    out, err = _run("--no-input")

    user = User.objects.get(username="prima.admin")
    assert (user.email, user.first_name, user.last_name) == ("prima.admin@example.org", "Prima", "Amministratrice")
    assert list(user.groups.values_list("name", flat=True)) == [roles.ADMIN]
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert user.check_password(GOOD)
    assert "Admin account 'prima.admin' created" in out
    assert "second factor" in out
    assert GOOD not in out + err
    assert err == ""


def test_its_first_login_leads_to_the_second_factor_setup_and_nowhere_else(db, environment, client, settings):
    settings.REQUIRE_2FA = True
    _run("--no-input")

    response = log_in(client, "prima.admin", GOOD)
    assert response.status_code == 302
    for path in (reverse("home"), reverse("users:list"), reverse("users:create")):
        page = client.get(path)
        assert (page.status_code, page["Location"]) == (302, reverse("two_factor:setup"))
    assert client.get(reverse("two_factor:setup")).status_code == 200


def test_without_the_environment_it_names_what_is_missing(db, monkeypatch):
    for key in ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("CEIS_ADMIN_USERNAME", "prima.admin")
    with pytest.raises(CommandError, match="CEIS_ADMIN_EMAIL, CEIS_ADMIN_PASSWORD"):
        _run("--no-input")
    assert not User.objects.filter(username="prima.admin").exists()


def test_a_weak_password_from_the_environment_is_refused_and_not_shown(db, environment, monkeypatch):
    monkeypatch.setenv("CEIS_ADMIN_PASSWORD", "password123")
    with pytest.raises(CommandError) as error:
        _run("--no-input")
    assert "The password is refused" in str(error.value)
    assert "password123" not in str(error.value)
    assert not User.objects.filter(username="prima.admin").exists()


@pytest.mark.parametrize(
    ("taken", "message"),
    [
        ({"username": "Prima.Admin"}, "An account named 'prima.admin' already exists"),
        ({"email": "PRIMA.admin@example.org"}, "An account with this e-mail already exists"),
    ],
)
def test_it_refuses_a_duplicate(db, environment, taken, message):
    factories.OperatorFactory(**{"username": "someone", "email": "someone@example.org", **taken})
    with pytest.raises(CommandError, match=message):
        _run("--no-input")
    assert User.objects.count() == 1


def test_at_a_terminal_it_asks_and_checks_the_password_twice(db, terminal, settings):
    settings.REQUIRE_2FA = True
    factories.OperatorFactory(username="taken")
    answers, passwords, asked = terminal
    answers += ["", "taken", "nuova.admin", "Nuova", "Admin", "not-an-email", "nuova@example.org"]
    passwords += [
        GOOD,
        GOOD + "x",  # the two differ
        "12345678",  # too short, too common, numeric
        "12345678",
        GOOD,
        GOOD,
    ]
    out, err = _run()

    user = User.objects.get(username="nuova.admin")
    assert user.check_password(GOOD)
    assert (user.first_name, user.last_name, user.email) == ("Nuova", "Admin", "nuova@example.org")
    assert user.has_role(roles.ADMIN)
    assert asked.count("Password: ") == 3 and asked.count("Password (again): ") == 3
    assert "User name is required." in err
    assert "An account named 'taken' already exists" in err
    assert "The two passwords differ" in err
    assert "This password is too short" in err and "too common" in err
    assert "email: Enter a valid email address." in err
    assert GOOD not in out + err and "12345678" not in out + err
    assert answers == [] and passwords == []


def test_with_two_factor_off_it_warns(db, environment, settings):
    settings.REQUIRE_2FA = False
    _out, err = _run("--no-input")
    assert "REQUIRE_2FA is off" in err
