from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet


def record_readers(instance: Model, *, limit: int = 50) -> QuerySet[LogEntry]:
    """Who opened this record, newest first (for coordinators)."""
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance),
            object_pk=str(instance.pk),
            action=LogEntry.Action.ACCESS,
        )
        .select_related("actor")
        .order_by("-timestamp")[:limit]
    )
