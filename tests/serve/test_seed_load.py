"""``manage.py seed_load``: load-test accounts with their referrals, never on a database with real accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from ceis import access
from interviews.models import Interview
from referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db

SMALL = {"operators": 2, "coordinators": 1, "referrals": 3}


def test_it_creates_operators_with_their_own_referrals_and_coordinators():
    call_command("seed_load", **SMALL)

    User = get_user_model()
    op1, op2 = User.objects.get(username="load-op-01"), User.objects.get(username="load-op-02")
    coordinator = User.objects.get(username="load-coord-01")
    assert (op1.is_operator, op2.is_operator, coordinator.is_coordinator) == (True, True, True)
    assert access.visible(Referral, op1).count() == 3
    assert access.visible(Referral, op2).count() == 3
    assert not access.visible(Referral, op1).filter(pk__in=access.visible(Referral, op2)).exists()
    assert access.visible(Referral, coordinator).count() == 6
    assert Interview.objects.filter(referral__in=access.visible(Referral, op1)).count() == 2
    assert _logs_in("load-op-01", "ceis-load-test-2026")
    assert set(User.objects.values_list("email", flat=True)) == {
        "load-op-01@load.invalid",
        "load-op-02@load.invalid",
        "load-coord-01@load.invalid",
    }


def _logs_in(username: str, password: str) -> bool:
    """Through the real login page (django-axes needs the request that Client.login does not give it)."""
    from django.urls import reverse

    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "/accounts/login/" not in response["Location"]


def test_it_takes_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOAD_PASSWORD", "another-long-load-password")
    call_command("seed_load", **SMALL)
    assert _logs_in("load-coord-01", "another-long-load-password")


def test_running_it_again_adds_nothing():
    call_command("seed_load", **SMALL)
    call_command("seed_load", **SMALL)
    assert get_user_model().objects.count() == 3
    assert Referral.objects.count() == 6


def test_it_runs_beside_the_demo_accounts():
    factories.OperatorFactory(username="operatore1")  # seed_demo's account, with its @example.org address
    call_command("seed_load", **SMALL)
    assert Referral.objects.count() == 6


@pytest.mark.parametrize(
    "real",
    [
        {"username": "m.rossi", "email": "m.rossi@ceis-lucca.it"},
        {"username": "operatore1", "email": "giulia@ceis-lucca.it"},  # a demo name with a real address
    ],
)
def test_it_refuses_a_database_holding_a_real_account(real):
    factories.OperatorFactory(**real)
    with pytest.raises(CommandError, match="1 account\\(s\\) not created by a seeder"):
        call_command("seed_load", **SMALL)
    assert get_user_model().objects.count() == 1
    assert Referral.objects.count() == 0


def test_it_refuses_a_superuser_made_by_hand():
    get_user_model().objects.create_superuser("root", "root@ceis-lucca.it", "a-long-password-123")
    with pytest.raises(CommandError):
        call_command("seed_load", **SMALL)
    assert Referral.objects.count() == 0
