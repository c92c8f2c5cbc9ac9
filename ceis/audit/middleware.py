from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.conf import settings


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware, but the client's X-Forwarded-For is trusted only behind our own proxy.

    Upstream takes the header whenever present, so any client could write the IP of the audit trail.
    With ``TRUST_X_FORWARDED_FOR`` on (a proxy that overwrites the header), its first address is used.
    """

    @staticmethod
    def _get_remote_addr(request):
        if settings.TRUST_X_FORWARDED_FOR:
            return _AuditlogMiddleware._get_remote_addr(request)
        return request.META.get("REMOTE_ADDR")
