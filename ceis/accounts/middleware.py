from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware as _LoginRequired
from django.utils import translation


class UserLanguageMiddleware:
    """Activate the signed-in user's chosen interface language (Italian by default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class LoginRequiredMiddleware(_LoginRequired):
    """Login is required everywhere; views opt out with ``@login_not_required``."""
