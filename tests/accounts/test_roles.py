from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Group

from ceis.accounts import roles

PROTECTED_ROOTS = ("referral", "groupsession", "protectionpathway")


def _perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ALL)
def test_it_gives_each_role_exactly_its_permissions(role):
    assert _perms(role) == set(roles.PERMISSIONS[role])


def test_the_migrations_and_the_roles_module_agree():
    """The roles migration plus the later grants equal ``roles.PERMISSIONS`` (migrations copy, never import)."""
    granted = {k: set(v) for k, v in importlib.import_module("ceis.accounts.migrations.0002_roles").PERMISSIONS.items()}
    later = importlib.import_module("ceis.accounts.migrations.0003_indicator_admin_perms")
    granted[roles.ADMIN] |= {f"interviews.{p}" for p in later.PERMS}
    mediators = importlib.import_module("ceis.accounts.migrations.0009_mediator_admin_perms")
    granted[roles.ADMIN] |= {f"interviews.{p}" for p in mediators.PERMS}
    granted.update({role: set() for role in roles.ALL if role not in granted})
    for name in (
        "0004_group_session_perms",
        "0005_pathway_perms",
        "0006_caseload_perms",
        "0010_operators_add_materials",
        "0011_partner_and_network_roles",
    ):
        for role, perms in importlib.import_module(f"ceis.accounts.migrations.{name}").GRANTS.items():
            granted[role] |= set(perms)
    # Models that moved app keep their permissions: the migrations that moved them relabel the content types.
    moves = [
        ("groups", "materials", "groups.migrations.0004_materials_move_to_their_app"),
        ("caseload", "stats", "caseload.migrations.0004_statistics_move_to_their_app"),
    ]
    for old, new, name in moves:
        moved = importlib.import_module(name).MOVED
        for role, perms in granted.items():
            granted[role] = {
                f"{new}.{p.split('.')[1]}" if p.split(".")[0] == old and p.split("_", 1)[1] in moved else p
                for p in perms
            }
    assert granted == {k: set(v) for k, v in roles.PERMISSIONS.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("model", PROTECTED_ROOTS)
def test_operators_hold_no_model_level_view_or_change_on_protected_roots(model):
    perms = _perms(roles.OPERATOR)
    assert not {p for p in perms if p.split(".")[1] in (f"view_{model}", f"change_{model}")}
    assert "referrals.view_person" not in perms


@pytest.mark.django_db
def test_admins_hold_no_case_permission():
    perms = _perms(roles.ADMIN)
    assert not {p for p in perms if p.startswith("referrals.")}


@pytest.mark.django_db
def test_coordinators_see_all_referrals_through_their_group():
    assert {"referrals.view_referral", "referrals.change_referral"} <= _perms(roles.COORDINATOR)
