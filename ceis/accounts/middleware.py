from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as _LoginRequired
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import translation
from two_factor.utils import default_device

from . import roles


class UserLanguageMiddleware:
    """Speak the signed-in user's chosen language; everyone else gets Italian, whatever the browser asks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = settings.LANGUAGE_CODE
        if user is not None and user.is_authenticated and user.language:
            language = user.language
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class LoginRequiredMiddleware(_LoginRequired):
    """Login is required everywhere; views opt out with ``@login_not_required``."""


# Session keys of the limits below (Unix timestamps, seconds).
AUTHENTICATED_AT = "ceis_authenticated_at"
SEEN_AT = "ceis_seen_at"
EXPIRED = "ceis_session_expired"
# A request refreshes SEEN_AT only when the stored value is older than this: not a session write per request.
SEEN_RESOLUTION = 60


def start_session_clock(request) -> None:
    """Called at login: both limits count from now."""
    now = int(time.time())
    request.session[AUTHENTICATED_AT] = now
    request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT_MINUTES without a request, or SESSION_ABSOLUTE_TIMEOUT_HOURS after login.

    The timestamps live in the session on the server, so a client cannot stretch them by keeping its cookie.
    An ended session is emptied (the next page asks to log in again); other sessions of the user go on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            started = session.setdefault(AUTHENTICATED_AT, now)
            seen = session.setdefault(SEEN_AT, now)
            idle = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT_HOURS * 60 * 60
            if now - seen > idle or now - started > absolute:
                session.flush()
                request.user = AnonymousUser()
                session[EXPIRED] = True
            elif now - seen >= SEEN_RESOLUTION:
                session[SEEN_AT] = now
        return self.get_response(request)


# Where a signed-in user without a second factor may still go while REQUIRE_2FA is on.
SETUP_ROUTES = {"two_factor:setup", "two_factor:qr", "logout", "set_language"}


class RequireTwoFactorMiddleware:
    """With REQUIRE_2FA on (read per request), a session counts only once verified with a second factor.

    A user without a device is sent to set one up and reaches nothing else until done; a session of a user who
    has a device but did not use it (opened before the device existed, or by another way in) is ended.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if settings.REQUIRE_2FA and user.is_authenticated and not user.is_verified():
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = None
            if default_device(user) is not None:
                request.session.flush()
                return redirect_to_login(request.get_full_path())
            if name not in SETUP_ROUTES:
                return redirect("two_factor:setup")
        return self.get_response(request)


# The pages every signed-in account reaches: its own login, second factor, password link, language and logout.
ACCOUNT_ROUTES = (
    "home",
    "login",
    "logout",
    "set_language",
    "set_password",
    "two_factor:*",
)

# The API's pages and schema (their tokens, the documentation): for every role that has an endpoint.
API_ROUTES = ("api_tokens:*", "api:docs", "api:schema")

# What each confined role may open besides ACCOUNT_ROUTES: view names, or "namespace:*" for a whole namespace.
# Everything else (other apps, the Django admin, the notifications) answers 404 to them, as to anyone a route
# is not for. Other entry points meant for these roles (the REST API) add their names here.
CONFINED_ROUTES: dict[str, tuple[str, ...]] = {
    roles.PARTNER: ("portal:*", *API_ROUTES, "api:portal_referrals"),
    roles.NETWORK: (
        "caseload:statistics",
        "caseload:statistics_csv",
        "caseload:statistics_xlsx",
        *API_ROUTES,
        "api:statistics",
    ),
}


def route_allowed(role: str, view_name: str | None) -> bool:
    """Whether a confined role may open the route named ``view_name``."""
    if not view_name:
        return False
    for pattern in (*ACCOUNT_ROUTES, *CONFINED_ROUTES.get(role, ())):
        if pattern == view_name or (pattern.endswith(":*") and view_name.startswith(pattern[:-1])):
            return True
    return False


def confined_role(user) -> str | None:
    """The confined role of a signed-in user (``roles.CONFINED``), or None for everyone else.

    An account holding a confined role is confined even if it also held another role: the role that can see
    less wins. The break-glass superuser is never confined.
    """
    if not user.is_authenticated or user.is_superuser:
        return None
    for role in roles.CONFINED:
        if user.has_role(role):
            return role
    return None


class ConfinedRolesMiddleware:
    """Partner (``ente``) and network (``rete``) accounts reach their own pages only: anything else is a 404.

    Checked on the resolved route before any view runs, so a view that forgets its own role check still
    answers 404 to them; the role comes from the one query that reads the user's roles and permissions.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        role = confined_role(request.user)
        if role is not None:
            match = request.resolver_match
            if not route_allowed(role, match.view_name if match else None):
                raise Http404
        return None
