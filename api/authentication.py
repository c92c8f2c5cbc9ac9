"""``Authorization: Bearer <token>``: a personal API token (``api.services``), nothing else."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import services


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give one token after Bearer."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from exc
        token = services.token_user(secret)
        if token is None:
            # Unknown, revoked, expired, or the account is disabled: the same answer for all.
            raise exceptions.AuthenticationFailed(_("This token is not valid, has expired or was revoked."))
        return token.user, token

    def authenticate_header(self, request):
        # A WWW-Authenticate header makes DRF answer 401 (not 403) to a request without valid credentials.
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token (ceis_...)."}
