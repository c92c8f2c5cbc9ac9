"""Admins manage accounts: list, create (no password: an e-mailed one-time link), edit, deactivate, reactivate."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from ceis.accounts import tasks
from tests import factories
from tests.otp_helpers import log_in

User = get_user_model()

NEW = {
    "username": "nuova",
    "first_name": "Anna",
    "last_name": "Nuova",
    "email": "nuova@example.org",
    "language": "it",
    "role": "coordinatore",
}


def test_it_creates_an_account_without_a_password_and_mails_the_link(
    admin_client_role, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    original = tasks.send_set_password_link.delay
    monkeypatch.setattr(tasks.send_set_password_link, "delay", lambda *a, **kw: queued.append(a) or original(*a, **kw))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_role.post(reverse("users:create"), NEW)
    assert response.status_code == 302
    user = User.objects.get(username="nuova")
    assert not user.has_usable_password()
    assert user.is_coordinator and user.is_active
    assert queued == [(user.pk,)]  # the task gets the id only
    [message] = mail.outbox
    assert message.to == ["nuova@example.org"]
    assert re.search(r"/accounts/set-password/\S+/\S+/", message.body)
    assert "nuova" in message.body


def test_the_form_has_no_password_field_and_requires_an_email(admin_client_role):
    page = admin_client_role.get(reverse("users:create"))
    assert 'type="password"' not in page.text
    response = admin_client_role.post(reverse("users:create"), {**NEW, "email": ""})
    assert response.status_code == 200
    assert "is-invalid" in response.text
    assert not User.objects.filter(username="nuova").exists()


def test_a_taken_user_name_is_refused_on_the_form(admin_client_role, operator):
    response = admin_client_role.post(reverse("users:create"), {**NEW, "username": "op_a"})
    assert response.status_code == 200
    assert "is-invalid" in response.text
    assert User.objects.filter(username="op_a").count() == 1


def test_it_edits_role_name_email_and_language(admin_client_role, operator):
    response = admin_client_role.post(
        reverse("users:edit", args=[operator.pk]),
        {
            "first_name": "Giulia",
            "last_name": "Rossi",
            "email": "g@example.org",
            "language": "en",
            "role": "coordinatore",
        },
    )
    assert response.status_code == 302
    operator = User.objects.get(pk=operator.pk)
    assert (operator.first_name, operator.last_name, operator.email, operator.language) == (
        "Giulia",
        "Rossi",
        "g@example.org",
        "en",
    )
    assert operator.is_coordinator and not operator.is_operator


def test_deactivation_asks_for_confirmation_then_ends_the_sessions(admin_client_role, operator):
    client = Client()
    log_in(client, "op_a")
    page = admin_client_role.get(reverse("users:deactivate", args=[operator.pk]))
    assert 'id="confirm-question"' in page.text
    operator.refresh_from_db()
    assert operator.is_active  # a GET changes nothing
    assert admin_client_role.post(reverse("users:deactivate", args=[operator.pk])).status_code == 302
    operator.refresh_from_db()
    assert not operator.is_active
    assert client.get(reverse("referrals:mine")).status_code == 302
    assert log_in(Client(), "op_a").status_code == 200  # cannot log in

    assert admin_client_role.post(reverse("users:reactivate", args=[operator.pk])).status_code == 302
    operator.refresh_from_db()
    assert operator.is_active
    assert log_in(Client(), "op_a").status_code == 302


def test_an_admin_cannot_deactivate_herself(admin_client_role, admin_user):
    response = admin_client_role.post(reverse("users:deactivate", args=[admin_user.pk]))
    assert response.status_code == 200
    assert 'id="confirm-error"' in response.text
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_resetting_two_factor_removes_the_devices(admin_client_role, operator):
    from tests.otp_helpers import totp_device

    totp_device(operator)
    assert admin_client_role.post(reverse("users:reset_two_factor", args=[operator.pk])).status_code == 302
    assert not operator.totpdevice_set.exists()


def test_the_list_searches_and_filters(admin_client_role, operator, coordinator):
    factories.OperatorFactory(username="spenta", is_active=False)
    page = admin_client_role.get(reverse("users:list"))
    assert 'id="user-' + str(operator.pk) in page.text and "spenta" not in page.text
    page = admin_client_role.get(reverse("users:list"), {"role": "coordinatore"})
    assert "coord" in page.text and "op_a" not in page.text
    page = admin_client_role.get(reverse("users:list"), {"status": "inactive"})
    assert "spenta" in page.text and "op_a" not in page.text
    page = admin_client_role.get(reverse("users:list"), {"q": "op_"})
    assert "op_a" in page.text and "coord<" not in page.text


def test_the_list_costs_the_same_queries_whatever_the_page_size(admin_client_role, django_assert_max_num_queries):
    admin_client_role.get(reverse("users:list"))
    with django_assert_max_num_queries(8) as few:
        admin_client_role.get(reverse("users:list"))
    factories.OperatorFactory.create_batch(20)
    factories.CoordinatorFactory.create_batch(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = admin_client_role.get(reverse("users:list"))
    assert page.text.count('<tr id="user-') == 25  # a full page; the 26th account is on page 2


def test_the_accounts_area_shows_no_case_content(admin_client_role, referral_a, operator):
    for url in (reverse("users:list"), reverse("users:edit", args=[operator.pk])):
        text = admin_client_role.get(url).text
        assert referral_a.person.case_code not in text
        assert referral_a.person.last_name not in text


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
def test_others_get_404(request, db, client_name):
    assert request.getfixturevalue(client_name).get(reverse("users:list")).status_code == 404


def test_changes_of_access_are_in_the_audit_trail_without_names(admin_client_role, admin_user, operator):
    from auditlog.models import LogEntry

    admin_client_role.post(reverse("users:deactivate", args=[operator.pk]))
    admin_client_role.post(
        reverse("users:edit", args=[operator.pk]),
        {
            "first_name": "Segreto",
            "last_name": "Nome",
            "email": "s@example.org",
            "language": "it",
            "role": "coordinatore",
        },
    )
    entries = LogEntry.objects.get_for_object(operator)
    assert entries.filter(actor=admin_user).exists()
    changed = [e.changes_dict for e in entries]
    assert any("is_active" in c for c in changed)
    assert any("groups" in c for c in changed)
    assert not any("Segreto" in str(c) or "s@example.org" in str(c) for c in changed)
