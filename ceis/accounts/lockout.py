"""Lockout after repeated wrong passwords (django-axes), seen from ceis."""

from __future__ import annotations

from axes.utils import reset
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def client_ip(request) -> str | None:
    """The address axes counts failures against: X-Forwarded-For only behind our own proxy (as the audit)."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


def is_locked(username: str) -> bool:
    """Whether this account is locked out now: its failures within the cool-off reached the limit."""
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return (failures or 0) >= settings.AXES_FAILURE_LIMIT


def unlock(username: str) -> int:
    """Lift the lockout of an account at once (what `manage.py axes_reset_username` does)."""
    return reset(username=username)
