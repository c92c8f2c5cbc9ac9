"""What keeps audit rows free of content, and append-only, whatever model is registered with auditlog.

Audit rows outlive the records they describe: they cannot be changed or deleted (on PostgreSQL not even
by SQL, see migration 0002), so an erased person's name must never have reached them. Every
``auditlog.LogEntry`` is therefore rewritten here just before it is inserted:

- ``object_repr`` is the model and the id ("Person #12"), never ``str(instance)``;
- in ``changes`` a free-text field (any text field without choices, every encrypted field) records only
  that it changed, both values replaced by ``REDACTED``; choices, flags, numbers, dates and foreign-key ids
  keep their values; a many-to-many change keeps the labels only of coded lists (``M2M_LABELS``);
- ``serialized_data``, ``additional_data`` and ``changes_text`` stay empty, and the correlation id (a request
  header) is kept only when it looks like an id.

The rules work on field types, so a model registered tomorrow is covered without touching this file;
``CLEAR_TEXT`` lists the few text fields that are codes, not content.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.deletion import ProtectedError

REDACTED = "[redacted]"

# Text fields without choices whose value is a generated code or a technical value, not content.
CLEAR_TEXT: set[tuple[str, str]] = {
    ("referrals.Person", "case_code"),
    ("interviews.Indicator", "code"),
    ("materials.Language", "code"),
    ("materials.Material", "file_type"),
}

# Many-to-many targets whose label is the translation of a fixed code: their labels may appear in a change.
# Any other target (languages, materials, people, ...) is labelled by words someone typed: only the count stays.
M2M_LABELS: set[str] = {"referrals.ExploitationForm", "materials.Topic"}


# A correlation id comes from a request header: only what looks like an id is kept.
_CID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def clean_cid(value: str | None) -> str:
    return value if value and _CID.fullmatch(value) else ""


class AppendOnlyError(ValueError):
    """An audit row may be written once and never changed or deleted."""

    def __init__(self):
        super().__init__("Audit rows are append-only.")


def neutral_repr(model: type[models.Model] | None, pk: Any, fallback: str = "record") -> str:
    return f"{model.__name__ if model is not None else fallback} #{pk}"


def is_free_text(model: type[models.Model], field: models.Field) -> bool:
    """Whether a field may hold words about a person (and so never goes into an audit row)."""
    if field.name in getattr(model, "ENCRYPTED_FIELDS", ()):
        return True
    if (model._meta.label, field.name) in CLEAR_TEXT:
        return False
    return isinstance(field, models.CharField | models.TextField) and not field.choices


def redacted_changes(model: type[models.Model] | None, changes: dict | None) -> dict | None:
    if not changes:
        return changes
    clean: dict[str, Any] = {}
    for name, values in changes.items():
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        if isinstance(values, dict) and values.get("type") == "m2m":
            target = field.related_model._meta.label if field is not None and field.related_model else ""
            objects = values.get("objects") or []
            if target not in M2M_LABELS:
                objects = [REDACTED] * len(objects)
            clean[name] = {**values, "objects": objects}
        elif field is None or is_free_text(model, field):
            clean[name] = [REDACTED, REDACTED]
        else:
            clean[name] = values
    return clean


def scrub_log_entry(sender, instance, **kwargs) -> None:
    """pre_save of auditlog's LogEntry: refuse updates, strip content from new rows."""
    if not instance._state.adding:
        raise AppendOnlyError()
    model = instance.content_type.model_class() if instance.content_type_id else None
    instance.object_repr = neutral_repr(model, instance.object_pk)
    instance.changes = redacted_changes(model, instance.changes)
    instance.changes_text = ""
    instance.cid = clean_cid(instance.cid) or None
    instance.serialized_data = None
    instance.additional_data = None


def refuse_delete(sender, instance, **kwargs) -> None:
    """pre_delete of an audit model (a queryset delete sends it too)."""
    raise AppendOnlyError()


def keep_audited_users(sender, instance, **kwargs) -> None:
    """pre_delete of the user model: users are deactivated, never deleted, once they appear in the trail.

    auditlog's actor foreign key is SET_NULL: deleting such a user would rewrite audit rows (refused by the
    PostgreSQL trigger, silently done elsewhere), so it is stopped here, before anything is touched.
    """
    from auditlog.models import LogEntry

    # (Event.actor and Event.subject are PROTECT: Django refuses those on its own.)
    rows = LogEntry.objects.filter(actor=instance)
    if rows.exists():
        raise ProtectedError("Users who appear in the audit trail are deactivated, never deleted.", set(rows[:1]))
