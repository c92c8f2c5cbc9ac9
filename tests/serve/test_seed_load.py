"""``manage.py seed_load``: load-test accounts with their referrals, never on a database with real accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from ceis import access
from ceis.approvals.models import ClosureRequest
from groups.models import GroupSession
from interviews.models import Interview
from materials.models import Material
from protection.models import ProtectionPathway
from referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db

SMALL = {"operators": 2, "coordinators": 1, "referrals": 3, "pathways": 2, "materials": 3}


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


def test_it_gives_each_operator_her_pathways_and_sessions_and_fills_the_library():
    call_command("seed_load", **SMALL)

    User = get_user_model()
    op1, op2 = User.objects.get(username="load-op-01"), User.objects.get(username="load-op-02")
    coordinator = User.objects.get(username="load-coord-01")
    mine = access.visible(ProtectionPathway, op1)
    assert mine.count() == 2
    assert all(p.is_open and p.started_on < timezone.localdate() for p in mine)
    assert not mine.filter(pk__in=access.visible(ProtectionPathway, op2)).exists()
    assert access.visible(ProtectionPathway, coordinator).count() == 4
    sessions = access.visible(GroupSession, op1)
    assert sorted(s.status for s in sessions) == ["held", "planned"]
    held = sessions.get(status="held")
    assert held.held_at < timezone.now() and held.attendance.count() == 1
    assert sessions.get(status="planned").held_at > timezone.now()
    assert not sessions.filter(pk__in=access.visible(GroupSession, op2)).exists()
    assert Material.objects.filter(active=True).count() == 3
    assert all(m.languages.exists() and m.url.startswith("https://") for m in Material.objects.all())


def test_each_operator_asks_to_close_her_oldest_referral():
    call_command("seed_load", **SMALL)

    requests = ClosureRequest.objects.filter(status=ClosureRequest.Status.PENDING).select_related("referral")
    assert sorted(r.requested_by.username for r in requests) == ["load-op-01", "load-op-02"]
    for request in requests:
        mine = Referral.objects.filter(created_by=request.requested_by)
        assert request.referral == mine.order_by("received_at").first()
        assert request.referral.is_open and request.outcome == Referral.Outcome.UNREACHABLE
        assert not request.referral.interviews.exists()


def test_it_adds_pathways_and_sessions_to_accounts_seeded_before_them():
    call_command("seed_load", **{**SMALL, "pathways": 0, "materials": 0})
    ProtectionPathway.objects.all().delete()
    GroupSession.objects.all().delete()

    call_command("seed_load", **SMALL)
    assert ProtectionPathway.objects.count() == 4
    assert GroupSession.objects.count() == 4
    assert Referral.objects.count() == 6


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
    assert (ProtectionPathway.objects.count(), GroupSession.objects.count(), Material.objects.count()) == (4, 4, 3)
    assert ClosureRequest.objects.count() == 2


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
