"""Which fields of a record changed in a save or a delete, for the snapshots that must follow them.

A ``Watch`` names the fields a snapshot reads and what to do when one of them changes. The values as loaded
are kept on the instance (``post_init``: no query), so a save compares them with the values saved and
calls ``on_change(instance, before, after)`` only when they differ: ``before`` is None for a new record,
``after`` None for a deleted one. A field deferred when the record was loaded has the value ``MISSING``
(its old value is unknown: callers mark broadly). ``QuerySet.update`` and ``bulk_create`` send no signal;
``stats.snapshots`` says where that is safe. Both snapshot kinds (``stats.snapshots``,
``caseload.caseload_snapshots``) use it, so it lives below them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save

logger = logging.getLogger(__name__)

MISSING = object()


@dataclass(frozen=True)
class Watch:
    fields: tuple[str, ...]
    on_change: Callable[[object, dict | None, dict | None], None]


WATCHES: dict[type, list[Watch]] = {}
_FIELDS: dict[type, tuple[str, ...]] = {}


def watch(model: type, fields: tuple[str, ...], on_change) -> None:
    """Call ``on_change`` when a record of ``model`` is created, deleted, or saved with one of ``fields`` changed."""
    first = model not in WATCHES
    WATCHES.setdefault(model, []).append(Watch(fields, on_change))
    _FIELDS[model] = tuple(dict.fromkeys([*_FIELDS.get(model, ()), *fields]))
    if first:
        label = model._meta.label
        post_init.connect(_on_init, sender=model, dispatch_uid=f"changes-init-{label}")
        post_save.connect(_on_save, sender=model, dispatch_uid=f"changes-save-{label}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"changes-delete-{label}")


def _on_init(sender, instance, **kwargs):
    instance._watched_loaded = {f: instance.__dict__.get(f, MISSING) for f in _FIELDS[sender]}


def _on_save(sender, instance, created, raw=False, **kwargs):
    if raw:  # fixtures
        return
    now = {f: getattr(instance, f) for f in _FIELDS[sender]}
    loaded = getattr(instance, "_watched_loaded", None)
    instance._watched_loaded = now
    for w in WATCHES[sender]:
        after = {f: now[f] for f in w.fields}
        if created or loaded is None:
            w.on_change(instance, None, after)
            continue
        before = {f: loaded[f] for f in w.fields}
        if before != after:
            w.on_change(instance, before, after)


def _on_delete(sender, instance, **kwargs):
    for w in WATCHES[sender]:
        w.on_change(instance, {f: getattr(instance, f, None) for f in w.fields}, None)


def mark_after_commit(queue: Callable[[], object], mark_now: Callable[[], object], what: str) -> None:
    """Once the transaction commits (never if it rolls back), ``queue`` the worker's marking task; if the broker
    cannot take it, ``mark_now`` in the request rather than leave stored figures looking up to date."""

    def send() -> None:
        try:
            queue()
        except Exception:  # noqa: BLE001 - any broker failure
            logger.warning("Broker unavailable; %s marked in the request", what)
            mark_now()

    transaction.on_commit(send)
