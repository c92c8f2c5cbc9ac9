"""A POST without its CSRF token is refused: what ``make scan``'s judgement of wapiti's CSRF finding rests on.

Wapiti 3.0.4 does not know Django's ``csrfmiddlewaretoken`` and reports every form as lacking a token
(``security/judgements.toml``). These are forms it reported, and the uploads, whose views are ``csrf_exempt``
only to check the token themselves after setting the size limit.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

FORMS = ["set_language", "feeds:settings", "referrals:search", "referrals:intake", "materials:create"]


@pytest.fixture
def strict_client(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    return client


@pytest.mark.parametrize("name", FORMS)
def test_a_post_without_the_token_is_refused(strict_client, name):
    assert strict_client.post(reverse(name), {"q": "x"}).status_code == 403


@pytest.mark.parametrize("name", FORMS)
def test_the_same_post_with_the_token_of_the_page_gets_through(strict_client, name):
    strict_client.get(reverse("referrals:mine"))  # sets the CSRF cookie, as a page with a form does
    token = strict_client.cookies["csrftoken"].value
    assert strict_client.post(reverse(name), {"q": "x", "csrfmiddlewaretoken": token}).status_code != 403
