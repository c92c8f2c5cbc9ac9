from __future__ import annotations

from .models import ServiceSettings


def service_settings() -> ServiceSettings:
    """The service's settings row, created with its defaults the first time it is read (one query)."""
    row = ServiceSettings.objects.filter(pk=ServiceSettings.SINGLETON_PK).first()
    if row is None:
        row, _created = ServiceSettings.objects.get_or_create(pk=ServiceSettings.SINGLETON_PK)
    return row
