from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ceis.audit.models import Event
from tests.factories import PASSWORD


def test_it_logs_in_and_audits_it(operator):
    client = Client()
    response = client.post(reverse("login"), {"username": "op_a", "password": PASSWORD})
    assert response.status_code == 302
    event = Event.objects.get(kind=Event.Kind.LOGIN)
    assert event.actor == operator
    assert event.ip == "127.0.0.1"


def test_it_audits_a_failed_login_without_the_password(operator):
    client = Client()
    response = client.post(reverse("login"), {"username": "op_a", "password": "wrong-password-123"})
    assert response.status_code == 200
    event = Event.objects.get(kind=Event.Kind.LOGIN_FAILED)
    assert event.username == "op_a"
    assert event.actor is None
    assert "wrong-password-123" not in str(event.details)


@pytest.mark.django_db
def test_it_answers_an_unknown_user_like_a_wrong_password(operator):
    def answer(username):
        response = Client().post(reverse("login"), {"username": username, "password": "whatever-123456"})
        main = re.search(r"(?s)<main.*</main>", response.text).group(0)
        main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)
        return response.status_code, main.replace(f'value="{username}"', 'value="typed"')

    unknown, wrong = answer("nobody"), answer("op_a")
    assert unknown == wrong
    assert unknown[0] == 200
    assert "Inserisci nome utente e password corretti" in unknown[1]


def test_it_audits_logout(op_client, operator):
    op_client.post(reverse("logout"))
    assert Event.objects.filter(kind=Event.Kind.LOGOUT, actor=operator).exists()


def test_logout_by_get_is_refused(op_client):
    assert op_client.get(reverse("logout")).status_code == 405


@pytest.mark.parametrize(
    ("username", "landing"),
    [("op", "referrals:mine"), ("coord", "referrals:all"), ("adm", "partners:list")],
)
def test_each_role_lands_on_its_workspace(username, landing, operator, coordinator, admin_user):
    user = {"op": operator, "coord": coordinator, "adm": admin_user}[username]
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


def test_the_login_page_speaks_italian_by_default(db):
    response = Client(headers={"accept-language": "en-US,en;q=0.9"}).get(reverse("login"))
    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    assert '<html lang="it">' in response.text
