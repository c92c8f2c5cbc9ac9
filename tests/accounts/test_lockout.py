"""Six wrong passwords lock the account on the real login page: then even the right one is refused."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.otp_helpers import log_in


def _fail(client, username: str, times: int):
    return [log_in(client, username, "wrong-password-123") for _ in range(times)]


def test_six_wrong_passwords_lock_the_account_even_for_the_right_password(operator):
    client = Client()
    answers = _fail(client, "op_a", 5)
    assert [a.status_code for a in answers] == [200] * 5
    assert log_in(client, "op_a").status_code == 302  # five wrong ones do not lock; a success resets the count
    client.post(reverse("logout"))

    answers = _fail(client, "op_a", 6)
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    refused = log_in(Client(), "op_a")
    assert refused.status_code == 429
    assert 'id="locked-out"' in refused.text
    assert "Troppe password errate" in refused.text
    assert "30 minuti" in refused.text


def test_the_lock_holds_from_another_address(operator):
    _fail(Client(REMOTE_ADDR="10.0.0.1"), "op_a", 6)
    assert log_in(Client(REMOTE_ADDR="10.0.0.2"), "op_a").status_code == 429


def test_the_lock_ends_after_the_cool_off(operator, time_machine):
    time_machine.move_to("2026-03-02 09:00 +01:00", tick=False)
    _fail(Client(), "op_a", 6)
    time_machine.shift(settings.AXES_COOLOFF_TIME.total_seconds() - 60)
    assert log_in(Client(), "op_a").status_code == 429
    time_machine.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 60)
    assert log_in(Client(), "op_a").status_code == 302


def test_an_unknown_user_is_locked_out_the_same_way(db):
    answers = _fail(Client(), "nobody", 6)
    assert [a.status_code for a in answers] == [200] * 5 + [429]


def test_an_admin_unlocks_the_account(operator, admin_client_role):
    _fail(Client(), "op_a", 6)
    page = admin_client_role.get(reverse("users:edit", args=[operator.pk]))
    assert 'id="account-locked"' in page.text
    assert admin_client_role.post(reverse("users:unlock", args=[operator.pk])).status_code == 302
    assert log_in(Client(), "op_a").status_code == 302


def test_the_axes_backend_comes_first():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AXES_FAILURE_LIMIT == 6
