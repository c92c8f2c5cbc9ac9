from __future__ import annotations

from django.db import transaction

from .models import ProtocolCounter, ServiceSettings
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


def protocol_take(*, year: int) -> int:
    """The next protocol number of ``year``. Call it inside the transaction that records what was sent: the
    counter row stays locked until that transaction ends, so concurrent sends get consecutive, distinct numbers,
    and a send that fails gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("protocol_take must run inside the transaction that records the sending")
    ProtocolCounter.objects.bulk_create([ProtocolCounter(year=year, last=0)], ignore_conflicts=True)
    counter = ProtocolCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
