from __future__ import annotations

import datetime
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, F, Model, Q, QuerySet, Value, When
from django.utils.translation import pgettext_lazy

from .models import Event

# What a record-level entry (django-auditlog) did, in the same words as the security events.
RECORD_ACTIONS = {
    "create": (LogEntry.Action.CREATE, pgettext_lazy("audit action", "created")),
    "update": (LogEntry.Action.UPDATE, pgettext_lazy("audit action", "changed")),
    "delete": (LogEntry.Action.DELETE, pgettext_lazy("audit action", "deleted")),
    "access": (LogEntry.Action.ACCESS, pgettext_lazy("audit action", "viewed")),
}
ACTION_LABELS = {code: label for code, (_n, label) in RECORD_ACTIONS.items()} | dict(Event.Kind.choices)
# The columns both tables give to the trail, in this order (a UNION needs the same on each side).
COLUMNS = ("when", "who", "what", "kind_id", "record", "address", "row")


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


@dataclass(frozen=True)
class TrailFilter:
    actor: Model | None = None
    # (content type, record id) pairs: one record, or a person and the records hanging from her.
    records: tuple[tuple[int, str], ...] = ()
    kind_id: int | None = None  # every record of one kind
    action: str = ""
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None


def _record_rows(f: TrailFilter) -> QuerySet | None:
    if f.action and f.action not in RECORD_ACTIONS:
        return None
    qs = LogEntry.objects.all()
    if f.actor is not None:
        qs = qs.filter(actor=f.actor)
    if f.records:
        qs = qs.filter(_any(("content_type_id", "object_pk"), f.records))
    if f.kind_id:
        qs = qs.filter(content_type_id=f.kind_id)
    if f.action:
        qs = qs.filter(action=RECORD_ACTIONS[f.action][0])
    if f.start:
        qs = qs.filter(timestamp__gte=f.start)
    if f.end:
        qs = qs.filter(timestamp__lt=f.end)
    what = Case(
        *(When(action=n, then=Value(code)) for code, (n, _l) in RECORD_ACTIONS.items()), output_field=CharField()
    )
    return (
        qs.annotate(
            when=F("timestamp"),
            who=F("actor_id"),
            what=what,
            kind_id=F("content_type_id"),
            record=F("object_pk"),
            address=F("remote_addr"),
            row=F("id"),
        )
        .values(*COLUMNS)
        .order_by()
    )


def _event_rows(f: TrailFilter) -> QuerySet | None:
    if f.action and f.action not in Event.Kind.values:
        return None
    qs = Event.objects.all()
    if f.actor is not None:
        qs = qs.filter(actor=f.actor)
    if f.records:
        qs = qs.filter(_any(("target_type_id", "target_id"), f.records))
    if f.kind_id:
        qs = qs.filter(target_type_id=f.kind_id)
    if f.action:
        qs = qs.filter(kind=f.action)
    if f.start:
        qs = qs.filter(at__gte=f.start)
    if f.end:
        qs = qs.filter(at__lt=f.end)
    return (
        qs.annotate(
            when=F("at"),
            who=F("actor_id"),
            what=F("kind"),
            kind_id=F("target_type_id"),
            record=F("target_id"),
            address=F("ip"),
            row=F("id"),
        )
        .values(*COLUMNS)
        .order_by()
    )


def _any(columns: tuple[str, str], records) -> Q:
    q = Q()
    for type_id, pk in records:
        q |= Q(**{columns[0]: type_id, columns[1]: str(pk)})
    return q


def audit_trail(f: TrailFilter) -> QuerySet:
    """Both audit tables as one list of plain rows (``COLUMNS``), newest first: ids and codes, never content."""
    parts = [qs for qs in (_record_rows(f), _event_rows(f)) if qs is not None]
    if len(parts) == 1:
        return parts[0].order_by("-when", "-row")
    return parts[0].union(parts[1], all=True).order_by("-when", "-row")


def trail_page_rows(rows) -> list[dict]:
    """The page's rows with their actor and record kind: two queries whatever the number of rows."""
    rows = list(rows)
    users = get_user_model().objects.in_bulk({r["who"] for r in rows if r["who"]})
    kinds = ContentType.objects.in_bulk({r["kind_id"] for r in rows if r["kind_id"]})
    for r in rows:
        r["actor"] = users.get(r["who"])
        kind = kinds.get(r["kind_id"])
        model = kind.model_class() if kind else None
        r["kind"] = model._meta.verbose_name if model else (kind.model if kind else "")
        r["action"] = ACTION_LABELS.get(r["what"], r["what"])
    return rows


def person_records(person) -> tuple[tuple[int, str], ...]:
    """A person and the referrals, interviews and pathways about her, as (content type, id) pairs."""
    Person, Referral, Interview, ProtectionPathway = (
        apps.get_model(label)
        for label in ("referrals.Person", "referrals.Referral", "interviews.Interview", "protection.ProtectionPathway")
    )
    get = ContentType.objects.get_for_model
    pairs = [(get(Person).pk, str(person.pk))]
    pairs += [(get(Referral).pk, str(pk)) for pk in Referral.objects.filter(person=person).values_list("pk", flat=True)]
    pairs += [
        (get(Interview).pk, str(pk))
        for pk in Interview.objects.filter(referral__person=person).values_list("pk", flat=True)
    ]
    pairs += [
        (get(ProtectionPathway).pk, str(pk))
        for pk in ProtectionPathway.objects.filter(person=person).values_list("pk", flat=True)
    ]
    return tuple(pairs)
