"""Throttling per token: each token has its own budget (``API_THROTTLE_RATE``), whoever holds it."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        from django.conf import settings

        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None or not getattr(token, "pk", None):
            return None  # unauthenticated requests are refused before any work
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
