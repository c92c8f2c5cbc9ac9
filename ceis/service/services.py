from __future__ import annotations

from django.db import transaction

from .models import ServiceSettings
from .selectors import service_settings


@transaction.atomic
def service_settings_update(*, by, **changes) -> ServiceSettings:
    """Change some settings; auditlog records who changed which field (``by`` is the request's user)."""
    row = service_settings()
    row = ServiceSettings.objects.select_for_update().get(pk=row.pk)
    for name, value in changes.items():
        if not hasattr(row, name) or name in {"id", "pk", "updated_at"}:
            raise ValueError(f"unknown service setting: {name}")
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row
