from __future__ import annotations

from auditlog.context import disable_auditlog

from .models import ServiceSettings


def service_settings() -> ServiceSettings:
    """The service's settings row, created with its defaults the first time it is read (one query)."""
    row = ServiceSettings.objects.filter(pk=ServiceSettings.SINGLETON_PK).first()
    if row is None:
        # The defaults, written on first read: no one changed anything, so no audit row.
        with disable_auditlog():
            row, _created = ServiceSettings.objects.get_or_create(pk=ServiceSettings.SINGLETON_PK)
    return row
