"""Admins create partner accounts for one body: the same account form, with the body required for that role."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from ceis.accounts import roles
from tests import factories

User = get_user_model()


def _new(**overrides) -> dict:
    return {
        "username": "cas_nuova",
        "first_name": "Lucia",
        "last_name": "Operatrice",
        "email": "lucia@cas.example.org",
        "language": "it",
        "role": roles.PARTNER,
        **overrides,
    }


def test_an_admin_creates_a_partner_account_for_one_body(admin_client_role, django_capture_on_commit_callbacks):
    body = factories.PartnerBodyFactory(name="CAS Le Querce")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_role.post(reverse("users:create"), _new(partner_body=body.pk))
    assert response.status_code == 302
    user = User.objects.get(username="cas_nuova")
    assert user.partner_body == body
    assert user.is_partner and not user.has_usable_password()


def test_a_partner_account_needs_its_body(admin_client_role):
    response = admin_client_role.post(reverse("users:create"), _new())
    assert response.status_code == 200
    assert "deve indicare l&#x27;ente" in response.text
    assert not User.objects.filter(username="cas_nuova").exists()


def test_an_inactive_body_cannot_be_chosen(admin_client_role):
    body = factories.PartnerBodyFactory(active=False)
    response = admin_client_role.post(reverse("users:create"), _new(partner_body=body.pk))
    assert response.status_code == 200
    assert not User.objects.filter(username="cas_nuova").exists()


@pytest.mark.parametrize("role", [roles.OPERATOR, roles.COORDINATOR, roles.NETWORK])
def test_other_roles_belong_to_no_body(admin_client_role, role):
    body = factories.PartnerBodyFactory()
    response = admin_client_role.post(reverse("users:create"), _new(role=role, partner_body=body.pk))
    assert response.status_code == 302
    assert User.objects.get(username="cas_nuova").partner_body is None


def test_a_network_account_is_created_like_any_other(admin_client_role):
    response = admin_client_role.post(reverse("users:create"), _new(role=roles.NETWORK))
    assert response.status_code == 302
    assert User.objects.get(username="cas_nuova").is_network


def test_moving_a_partner_account_to_another_body_ends_its_sessions(admin_client_role, partner):
    other = factories.PartnerBodyFactory()
    epoch = partner.session_epoch
    response = admin_client_role.post(
        reverse("users:edit", args=[partner.pk]),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "a@b.org",
            "language": "it",
            "role": roles.PARTNER,
            "partner_body": other.pk,
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.partner_body == other and partner.session_epoch == epoch + 1


def test_partners_hold_no_permission_to_read_records(db):
    perms = {
        f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=roles.PARTNER).permissions.all()
    }
    assert perms == {"referrals.add_referral", "referrals.add_person"}
    assert not {p for p in perms if p.split(".")[1].startswith(("view_", "change_", "delete_"))}


def test_the_break_glass_superuser_is_never_confined(db):
    from django.test import Client

    superuser = factories.PartnerUserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)
    assert client.get(reverse("notifications:list")).status_code == 200


def test_the_partner_logs_in_with_her_second_factor_like_everyone(settings, partner):
    """Same login wizard, second factor and lockout as the staff: she lands on the portal only once verified."""
    from django.test import Client

    from tests.otp_helpers import code_for, log_in, totp_device

    settings.REQUIRE_2FA = True
    device = totp_device(partner)
    client = Client()
    first = log_in(client, partner.username)
    assert first.status_code == 200 and 'name="otp_token"' in first.text  # the password alone is not enough
    assert client.get(reverse("portal:home")).status_code == 302
    response = log_in(client, partner.username, code=code_for(device))
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_a_partner_without_a_device_is_sent_to_set_one_up(settings, partner):
    settings.REQUIRE_2FA = True
    from django.test import Client

    client = Client()
    client.force_login(partner)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"] == reverse("two_factor:setup")
    assert client.get(reverse("two_factor:setup")).status_code == 200
