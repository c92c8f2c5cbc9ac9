"""Personal API tokens: made only after the second factor, shown once, stored hashed, expiring, revocable."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiToken
from tests.otp_helpers import code_for, log_in, totp_device

from .conftest import bearer, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_client(operator):
    """The operator signed in with her password and her authenticator app's code."""
    device = totp_device(operator)
    client = Client()
    log_in(client, operator.username, code=code_for(device))
    return client


def test_a_token_is_shown_once_and_stored_as_its_sha256(verified_client, operator):
    response = verified_client.post(reverse("api_tokens:list"), {"name": "Foglio di calcolo", "days": "10"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("ceis_") and secret in response.text
    row = ApiToken.objects.get(user=operator)
    assert (row.name, row.token_hash) == ("Foglio di calcolo", hashlib.sha256(secret.encode()).hexdigest())
    assert secret not in {row.name, row.prefix, row.token_hash}
    assert abs(row.expires_at - (timezone.now() + datetime.timedelta(days=10))) < datetime.timedelta(minutes=1)
    again = verified_client.get(reverse("api_tokens:list"))
    assert secret not in again.text and "Foglio di calcolo" in again.text and row.prefix in again.text


def test_without_the_second_factor_no_token_is_made(op_client, operator):
    page = op_client.get(reverse("api_tokens:list"))
    assert 'id="token-needs-otp"' in page.text and 'id="token-form"' not in page.text
    response = op_client.post(reverse("api_tokens:list"), {"name": "x", "days": "10"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "-3", "99999", "abc", ""])
def test_a_lifetime_outside_the_bounds_is_refused_with_a_message(verified_client, settings, days):
    response = verified_client.post(reverse("api_tokens:list"), {"name": "x", "days": days})
    assert response.status_code == 200 and response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_the_lifetime_never_exceeds_the_maximum(operator, settings):
    settings.API_TOKEN_MAX_DAYS = 7
    token, _ = services.token_create(user=operator, name="x", days=400)
    assert token.expires_at - timezone.now() <= datetime.timedelta(days=7)


def test_a_blank_name_is_refused(verified_client):
    response = verified_client.post(reverse("api_tokens:list"), {"name": "   ", "days": "5"})
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_revoked_expired_and_disabled_give_401(client, operator):
    secret = token_for(operator)
    url = reverse("api:referrals")
    assert client.get(url, **bearer(secret)).status_code == 200
    operator.is_active = False
    operator.save()
    assert client.get(url, **bearer(secret)).status_code == 401
    operator.is_active = True
    operator.save()
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(url, **bearer(secret)).status_code == 401
    ApiToken.objects.update(expires_at=timezone.now() + datetime.timedelta(days=1), revoked_at=timezone.now())
    assert client.get(url, **bearer(secret)).status_code == 401


@pytest.mark.parametrize(
    "header", ["", "Bearer", "Bearer ceis_nope", "Bearer a b", "Token ceis_x", "Bearer " + "ceis_" + "x" * 500]
)
def test_no_valid_token_gives_401_with_a_bearer_challenge(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(reverse("api:referrals"), **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_the_owner_revokes_her_token_and_it_stops_working(op_client, operator, client):
    secret = token_for(operator)
    token = ApiToken.objects.get()
    response = op_client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(reverse("api:referrals"), **bearer(secret)).status_code == 401
    assert op_client.get(reverse("api_tokens:list")).context["tokens"][0].revoked_at is not None


def test_another_users_token_cannot_be_revoked(op_b_client, operator):
    token_for(operator)
    token = ApiToken.objects.get()
    assert op_b_client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_last_use_is_recorded_at_most_once_a_minute(client, operator):
    secret = token_for(operator)
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    client.get(reverse("api:referrals"), **bearer(secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(reverse("api:referrals"), **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first  # no write on the second request within the minute


def test_tokens_list_shows_only_her_own(op_client, operator, operator_b):
    token_for(operator, "Foglio-di-A")
    token_for(operator_b, "Script-di-B")
    page = op_client.get(reverse("api_tokens:list")).text
    assert "Foglio-di-A" in page and "Script-di-B" not in page


def test_the_docs_page_is_for_signed_in_users(op_client, client):
    page = op_client.get(reverse("api:docs"))
    assert page.status_code == 200 and "/api/v1/referrals/" in page.text
    assert client.get(reverse("api:docs")).status_code == 302


def test_the_schema_is_served_to_a_session_or_a_token(op_client, client, operator):
    assert op_client.get(reverse("api:schema")).json()["openapi"].startswith("3.")
    assert client.get(reverse("api:schema")).status_code == 401
    assert client.get(reverse("api:schema"), **bearer(token_for(operator))).status_code == 200


def test_creating_and_revoking_a_token_is_in_the_audit_trail_without_its_hash(verified_client, operator):
    from auditlog.models import LogEntry

    verified_client.post(reverse("api_tokens:list"), {"name": "Rendiconto", "days": "5"})
    token = ApiToken.objects.get()
    verified_client.post(reverse("api_tokens:revoke", args=[token.pk]))
    entries = LogEntry.objects.filter(content_type__model="apitoken", object_pk=str(token.pk)).order_by("pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor == operator for e in entries)
    assert all("token_hash" not in (e.changes or {}) and token.token_hash not in str(e.changes) for e in entries)
