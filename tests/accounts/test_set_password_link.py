"""The one-time link that lets the owner of a new account choose her password (validators applied)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client

from ceis.accounts import services
from tests import factories
from tests.otp_helpers import log_in

NEW_PASSWORD = "treno-per-viareggio-2026"


@pytest.fixture
def new_account(admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_create(
            username="nuova",
            first_name="Anna",
            last_name="Nuova",
            email="nuova@example.org",
            language="it",
            role="operatore",
            by=admin_user,
        )
    return user


def _link(message) -> str:
    return (
        re.search(r"https?://\S+/accounts/set-password/\S+/", message.body).group(0).split("://", 1)[1].split("/", 1)[1]
    )


def _set(client, link: str, password: str, confirm: str | None = None):
    form = client.get("/" + link, follow=True)
    return form, client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else "/" + link,
        {"new_password1": password, "new_password2": confirm or password},
    )


def test_the_link_works_once_only(new_account):
    assert not new_account.has_usable_password()
    link = _link(mail.outbox[-1])
    client = Client()
    form, done = _set(client, link, NEW_PASSWORD)
    assert 'id="set-password-form"' in form.text
    assert done.status_code == 302
    assert log_in(Client(), "nuova", NEW_PASSWORD).status_code == 302

    again = Client().get("/" + link, follow=True)
    assert 'id="invalid-link"' in again.text
    assert 'name="new_password1"' not in again.text


def test_the_link_expires(admin_user, settings, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.user_send_set_password_link(user=factories.OperatorFactory(username="lenta"), by=admin_user)
    link = _link(mail.outbox[-1])
    time_machine.shift(settings.PASSWORD_RESET_TIMEOUT - 60)
    assert 'id="set-password-form"' in Client().get("/" + link, follow=True).text
    time_machine.shift(120)
    assert 'id="invalid-link"' in Client().get("/" + link, follow=True).text


def test_the_token_leaves_the_address_bar_at_once(new_account):
    link = _link(mail.outbox[-1])
    token = link.rstrip("/").rsplit("/", 1)[1]
    response = Client().get("/" + link)
    assert response.status_code == 302
    assert token not in response["Location"]


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("corta-2026", "troppo corta: deve contenere almeno 12 caratteri"),
        ("password1234", "troppo comune"),
        ("739218467305", "interamente numerica"),
        ("nuova@example", "troppo simile"),
    ],
)
def test_the_set_password_form_applies_the_validators(new_account, password, error):
    client = Client()
    form, response = _set(client, _link(mail.outbox[-1]), password)
    assert response.status_code == 200
    assert error in response.text, re.findall(r"(?s)<main.*</main>", response.text)[0]
    new_account.refresh_from_db()
    assert not new_account.has_usable_password()


def test_mismatched_passwords_are_refused(new_account):
    _, response = _set(Client(), _link(mail.outbox[-1]), NEW_PASSWORD, NEW_PASSWORD + "x")
    assert response.status_code == 200
    new_account.refresh_from_db()
    assert not new_account.has_usable_password()


def test_a_resent_link_cancels_the_old_one_and_the_current_password(admin_user, django_capture_on_commit_callbacks):
    user = factories.OperatorFactory(username="esistente")
    client = Client()
    log_in(client, "esistente")
    with django_capture_on_commit_callbacks(execute=True):
        services.user_send_set_password_link(user=user, by=admin_user)
    first = _link(mail.outbox[-1])
    assert log_in(Client(), "esistente").status_code == 200  # the old password no longer works
    assert client.get("/referrals/").status_code == 302  # and its sessions ended
    with django_capture_on_commit_callbacks(execute=True):
        services.user_send_set_password_link(user=user, by=admin_user)
    second = _link(mail.outbox[-1])
    assert first != second
    assert 'id="invalid-link"' in Client().get("/" + first, follow=True).text
    _, done = _set(Client(), second, NEW_PASSWORD)
    assert done.status_code == 302
