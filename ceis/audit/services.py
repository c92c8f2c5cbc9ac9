"""Write audit events. Callers pass records and users, never free text about a person."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value, set_extra_data
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .guards import clean_cid
from .models import Event


def _context() -> dict[str, Any]:
    try:
        return auditlog_value.get()
    except LookupError:
        return {}


def event_record(
    *,
    kind: str,
    actor=None,
    target: models.Model | None = None,
    subject=None,
    username: str = "",
    ip: str | None = None,
    details: dict | None = None,
) -> Event:
    ctx = _context()
    if actor is None:
        actor = ctx.get("actor")
    return Event.objects.create(
        kind=kind,
        actor=actor,
        subject=subject,
        username=username[:150],
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        ip=ip or ctx.get("remote_addr"),
        request_id=clean_cid(get_cid()),
        details=details or {},
    )


def record_viewed(instance: models.Model) -> None:
    """Log a read of a case record (django-auditlog ACCESS entry, actor from the request)."""
    accessed.send(sender=instance.__class__, instance=instance)


@contextlib.contextmanager
def acting_as(by) -> Iterator[None]:
    """Make ``by`` the actor of the audit entries written inside the block, then restore the request's context."""
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    extra = {k: v for k, v in (outer or {}).items() if k != "signal_duid"}
    with set_extra_data(context_data={**extra, "actor": by}):
        yield
    if outer is not None:
        auditlog_value.set(outer)
