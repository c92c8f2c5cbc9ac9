"""A NUL byte in a URL or a form never reaches the database (PostgreSQL refuses it): no 500, the rest is kept."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


def test_a_nul_in_the_search_is_dropped(op_client):
    response = op_client.get(reverse("referrals:mine"), {"q": "Jo\x00y"})
    assert response.status_code == 200
    assert 'value="Joy"' in response.text


def test_a_nul_in_the_caseload_search_is_dropped(coord_client):
    assert coord_client.get("/caseload/?q=%00").status_code == 200


def test_a_nul_in_a_posted_form_is_dropped(operator):
    response = Client().post(reverse("login"), {"username": "op\x00_a", "password": PASSWORD})
    assert response.status_code in (200, 302)  # the form answers (signed in, or asks again): never a 500
