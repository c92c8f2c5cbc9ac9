"""Our own error pages, in the user's language, revealing nothing: no path, no exception, no stack.

pytest-django runs with DEBUG off, as production does.
"""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.security.error_urls import SECRET_DETAIL

pytestmark = [pytest.mark.urls("tests.security.error_urls"), pytest.mark.django_db]


def _page(response) -> str:
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def _reveals_nothing(html: str) -> None:
    for detail in (SECRET_DETAIL, "Traceback", "RuntimeError", "SuspiciousOperation", "PermissionDenied", "test-only"):
        assert detail not in html


def test_it_shows_a_404_that_does_not_echo_the_path(op_client):
    response = op_client.get("/referrals/no-such-case-LU-2026-9999/")
    html = _page(response)
    assert response.status_code == 404
    assert "Pagina non trovata" in html
    assert "no-such-case" not in html and "LU-2026-9999" not in html
    assert 'href="/"' in html


def test_a_foreign_record_gets_the_same_404(op_b_client, referral_a):
    response = op_b_client.get(reverse("referrals:detail", args=[referral_a.pk]))
    html = _page(response)
    assert response.status_code == 404
    assert "Pagina non trovata" in html
    assert referral_a.person.case_code not in html


def test_it_speaks_the_users_language(db):
    client = Client()
    client.force_login(factories.OperatorFactory(language="en"))
    html = _page(client.get("/referrals/nothing-here/"))
    assert "Page not found" in html and "Pagina non trovata" not in html


def test_it_shows_a_500_page_without_the_error(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):  # the 500 page reads nothing: the database may be what failed
        response = client.get("/test-only/500/")
    html = _page(response)
    assert response.status_code == 500
    assert "Si è verificato un errore da parte nostra" in html
    _reveals_nothing(html)


def test_the_500_page_renders_without_any_context():
    with translation.override("en"):
        html = loader.get_template("500.html").render({})
    assert "Something went wrong on our side" in html


def test_it_shows_a_400_page():
    response = Client().get("/test-only/400/")
    html = _page(response)
    assert response.status_code == 400
    assert "La richiesta non è comprensibile" in html
    _reveals_nothing(html)


def test_it_shows_a_403_page():
    response = Client().get("/test-only/403/")
    html = _page(response)
    assert response.status_code == 403
    assert "Non hai il permesso di farlo" in html
    _reveals_nothing(html)


def test_a_form_without_its_csrf_token_gets_our_page_and_no_reason():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    html = _page(response)
    assert response.status_code == 403
    assert "Non è stato possibile inviare il modulo" in html
    assert "CSRF" not in html and "cookie not set" not in html.lower()


def test_the_error_pages_carry_the_security_headers(op_client):
    response = op_client.get("/referrals/nothing-here/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
