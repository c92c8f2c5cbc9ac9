"""Every page carries the security headers: the login page and the pages behind it.

HSTS is only sent over HTTPS, so the pages are asked for with ``secure=True``, as behind the TLS proxy.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@pytest.fixture
def login_page(client):
    return client.get(reverse("login"), secure=True)


@pytest.fixture
def authenticated_page(op_client):
    return op_client.get(reverse("referrals:mine"), secure=True)


@pytest.fixture(params=["login_page", "authenticated_page"])
def response(request):
    response = request.getfixturevalue(request.param)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(("header", "value"), HEADERS.items())
def test_it_sends_the_header(response, header, value):
    assert response.headers.get(header) == value


def _cache_control(response) -> set[str]:
    return {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}


@pytest.mark.django_db
def test_no_page_is_kept_in_a_cache(response):
    """The login page adds Django's own never-cache directives; no-store is the one that matters."""
    assert "no-store" in _cache_control(response)
    assert "public" not in _cache_control(response)


@pytest.mark.django_db
def test_it_denies_camera_microphone_and_location(response):
    policy = response.headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in policy


def _directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


def _nonce(response) -> str:
    (nonce,) = [s[len("'nonce-") : -1] for s in _directives(response)["script-src"] if s.startswith("'nonce-")]
    return nonce


@pytest.mark.django_db
def test_the_content_security_policy_is_strict(response):
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert set(directives["img-src"]) == {"'self'", "data:"}
    for directive in ("script-src", "style-src"):
        assert directives[directive][0] == "'self'"
        assert directives[directive][1] == f"'nonce-{_nonce(response)}'"
        assert len(directives[directive]) == 2
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "*" not in header


@pytest.mark.django_db
def test_the_nonce_is_the_one_on_the_page_and_changes_with_every_request(client, op_client):
    for c, url in ((client, reverse("login")), (op_client, reverse("referrals:mine"))):
        first, second = c.get(url), c.get(url)
        assert len(_nonce(first)) >= 22  # 16 random bytes, base64
        assert _nonce(first) != _nonce(second)
        assert re.search(rf'<script src="[^"]+" nonce="{re.escape(_nonce(first))}"></script>', first.content.decode())


@pytest.mark.django_db
def test_a_redirect_and_a_404_carry_the_headers_too(client, op_client):
    for response in (client.get(reverse("referrals:mine")), op_client.get("/referrals/999999/")):
        assert response.status_code in (302, 404)
        assert "no-store" in _cache_control(response)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_http_is_redirected_to_https_when_asked_for(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    assert Client().get(reverse("login"), secure=True).status_code == 200


@pytest.mark.django_db
def test_the_health_check_is_not_redirected_to_https(settings):
    """A load balancer probes /healthz over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code != 301
    assert Client().get("/healthz/").status_code != 301


@pytest.mark.django_db
def test_behind_a_tls_proxy_the_forwarded_scheme_counts_only_when_configured(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get(reverse("login"), HTTP_X_FORWARDED_PROTO="https").status_code == 301
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
