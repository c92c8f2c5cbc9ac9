from __future__ import annotations

import pytest
from django.test import Client

from api import services


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def token_for(user, name: str = "test") -> str:
    _, secret = services.token_create(user=user, name=name)
    return secret


class ApiClient(Client):
    """A test client that sends one token with every request."""

    def __init__(self, secret: str, **kwargs):
        super().__init__(**kwargs)
        self.secret = secret

    def request(self, **request):
        request.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.secret}")
        return super().request(**request)


@pytest.fixture
def op_api(operator):
    return ApiClient(token_for(operator))


@pytest.fixture
def op_b_api(operator_b):
    return ApiClient(token_for(operator_b))


@pytest.fixture
def coord_api(coordinator):
    return ApiClient(token_for(coordinator))


@pytest.fixture
def admin_api(admin_user):
    return ApiClient(token_for(admin_user))


@pytest.fixture
def partner_api(partner):
    return ApiClient(token_for(partner))


@pytest.fixture
def network_api(network_user):
    return ApiClient(token_for(network_user))
