from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ceis.audit.models import Event
from ceis.audit.services import event_record


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    event_record(kind=Event.Kind.LOGIN, actor=user, subject=user, ip=_ip(request))
    if request is not None and hasattr(request, "session"):
        from .middleware import start_session_clock

        start_session_clock(request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        event_record(kind=Event.Kind.LOGOUT, actor=user, subject=user, ip=_ip(request))
        # Logging out ends every session of the account, on every device.
        from .services import user_end_sessions

        user_end_sessions(user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    event_record(
        kind=Event.Kind.LOGIN_FAILED, actor=None, username=str(credentials.get("username", "")), ip=_ip(request)
    )
