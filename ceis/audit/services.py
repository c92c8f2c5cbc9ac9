"""Write audit events. Callers pass records and users, never free text about a person."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value, set_extra_data
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save

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
    event = event_build(
        kind=kind, actor=actor, target=target, subject=subject, username=username, ip=ip, details=details
    )
    event.save(force_insert=True)
    return event


def event_build(
    *,
    kind: str,
    actor=None,
    target: models.Model | None = None,
    subject=None,
    username: str = "",
    ip: str | None = None,
    details: dict | None = None,
) -> Event:
    """The event ``event_record`` writes, not yet saved (for a caller that inserts it with other rows)."""
    ctx = _context()
    if actor is None:
        actor = ctx.get("actor")
    return Event(
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


# django-auditlog entries written in one INSERT (``batched_log_entries``). Every entry is built exactly as
# ``LogEntry.objects.create`` builds it and goes through the same ``pre_save`` receivers (auditlog's actor
# and remote address, ``guards.scrub_log_entry``); only the INSERTs are gathered into one ``bulk_create``
# at the end of the block. Outside such a block nothing changes.
_pending_log_entries: contextvars.ContextVar[list | None] = contextvars.ContextVar("ceis_pending_log_entries")


def _install_batched_create() -> None:
    from auditlog.models import LogEntryManager

    if getattr(LogEntryManager, "_ceis_batched", False):
        return
    original = LogEntryManager.create

    def create(self, **kwargs):
        pending = _pending_log_entries.get(None)
        if pending is None:
            return original(self, **kwargs)
        entry = self.model(**kwargs)
        pre_save.send(sender=self.model, instance=entry, raw=False, using=self.db, update_fields=None)
        pending.append(entry)
        return entry

    LogEntryManager.create = create
    LogEntryManager._ceis_batched = True


@contextlib.contextmanager
def batched_log_entries() -> Iterator[None]:
    """Gather the django-auditlog entries written inside the block and insert them in one query at its end.

    Use it inside the writing transaction (an error before the end writes none of them, as it rolls back
    the records they describe). Nested blocks join the outer one.
    """
    from auditlog.models import LogEntry

    _install_batched_create()
    if _pending_log_entries.get(None) is not None:
        yield
        return
    pending: list = []
    token = _pending_log_entries.set(pending)
    try:
        yield
    finally:
        _pending_log_entries.reset(token)
    if pending:
        LogEntry.objects.bulk_create(pending)
