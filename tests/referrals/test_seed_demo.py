from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from ceis import access
from ceis.accounts import roles
from referrals.models import Referral


@pytest.mark.django_db
def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_it_creates_the_demo_accounts_and_referrals_across_two_operators(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    users = {}
    for username, role in (
        ("operatore1", roles.OPERATOR),
        ("operatore2", roles.OPERATOR),
        ("coordinatore", roles.COORDINATOR),
        ("amministratore", roles.ADMIN),
        ("ente", roles.PARTNER),
        ("rete", roles.NETWORK),
    ):
        # django-axes (first backend) needs the request it counts failures against.
        user = authenticate(RequestFactory().post("/accounts/login/"), username=username, password="ceis-demo-2026")
        assert user is not None and user.has_role(role), username
        assert username in out
        users[username] = user
    mine1 = access.assigned_to(Referral, users["operatore1"])
    mine2 = access.assigned_to(Referral, users["operatore2"])
    assert mine1.exists() and mine2.exists()
    assert not set(mine1.values_list("pk", flat=True)) & set(mine2.values_list("pk", flat=True))
    assert Referral.objects.filter(status=Referral.Status.NEW).exists()
    # The CAS's partner account has sent one through the portal.
    assert users["ente"].partner_body is not None
    assert (
        Referral.objects.filter(channel=Referral.Channel.PORTAL, referring_body=users["ente"].partner_body).count() == 1
    )
    # Apps built on referrals add their demo records: a completed interview and two on tomorrow's agenda.
    from interviews.models import Interview

    assert Interview.objects.filter(status=Interview.Status.COMPLETED, answers__isnull=False).exists()
    assert Interview.objects.filter(status=Interview.Status.SCHEDULED).count() == 2


@pytest.mark.django_db
def test_it_can_run_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    count = Referral.objects.count()
    call_command("seed_demo")
    assert Referral.objects.count() == count
