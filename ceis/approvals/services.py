"""Closure requests: asked by an operator, approved (the closure performed) or sent back by a coordinator.

The apps register how their records close (``register_closure``): a check of what was entered, run when the
request is made (so the operator learns at once of a missing outcome or consent), and the closure itself, run
when a coordinator approves, in the same transaction as the decision.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis import access
from ceis.accounts import roles
from ceis.audit.services import acting_as
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create
from ceis.service.selectors import service_settings

from .models import TARGETS, ClosureRequest

ALREADY_REQUESTED = _("Closure has already been requested: a coordinator will approve it or send it back.")
ALREADY_DECIDED = _("This request has already been decided.")
SEND_BACK_NOTE_REQUIRED = _("Say why the request goes back: the operator reads this note.")


@dataclass(frozen=True)
class Closure:
    """How one kind of record closes. Both take the record and what was entered (``outcome``, ``ended_on``,
    ``receiving_body``, ``note``); ``check`` raises ``ValidationError`` and saves nothing, ``close`` closes
    (``by`` the one approving)."""

    check: Callable[..., None]
    close: Callable[..., object]


_CLOSURES: dict[str, Closure] = {}
_LABELS = {label: field for field, (label, _outcome) in TARGETS.items()}


def register_closure(label: str, *, check: Callable[..., None], close: Callable[..., object]) -> None:
    """Called by the apps at start-up (``AppConfig.ready``): ``label`` is one of ``TARGETS``' models."""
    if label not in _LABELS:
        raise ValueError(f"{label} cannot be closed through a request")
    _CLOSURES[label] = Closure(check=check, close=close)


def _label(record: models.Model) -> str:
    return record._meta.label


def target_field(record: models.Model) -> str:
    return _LABELS[_label(record)]


def needs_approval(user) -> bool:
    """Whether this user's closures wait for a coordinator: operators' do, while the service setting is on."""
    if user.is_superuser or user.has_role(roles.COORDINATOR):
        return False
    return service_settings().closure_approval


def pending_requests(model_or_qs) -> models.QuerySet[ClosureRequest]:
    """Pending requests, for a ``Subquery``/``Exists`` on the records' querysets (``OuterRef("pk")``)."""
    model = model_or_qs if isinstance(model_or_qs, type) else model_or_qs.model
    field = _LABELS[model._meta.label]
    return ClosureRequest.objects.filter(status=ClosureRequest.Status.PENDING, **{field: models.OuterRef("pk")})


def pending_for(record: models.Model) -> ClosureRequest | None:
    return (
        ClosureRequest.objects.filter(status=ClosureRequest.Status.PENDING, **{target_field(record): record})
        .select_related("requested_by")
        .first()
    )


def _coordinators():
    return get_user_model().objects.filter(is_active=True, groups__name=roles.COORDINATOR).distinct()


def _path(request: ClosureRequest) -> str:
    return reverse("approvals:detail", args=[request.pk])


@transaction.atomic
def closure_request(
    *,
    record: models.Model,
    outcome: str,
    ended_on: datetime.date | None = None,
    receiving_body=None,
    note: str = "",
    by,
) -> ClosureRequest:
    """An operator asks to close ``record`` with what she entered; coordinators are notified.

    What was entered is checked now as the closure would check it (nothing saved if it would be refused).
    A second request while one is pending is refused, also when both are sent at the same moment.
    """
    label = _label(record)
    field = target_field(record)
    type(record)._default_manager.select_for_update().filter(pk=record.pk).first()  # closures of it queue here
    if ClosureRequest.objects.filter(status=ClosureRequest.Status.PENDING, **{field: record}).exists():
        raise ValidationError(ALREADY_REQUESTED, code="already_requested")
    data = {"outcome": outcome, "ended_on": ended_on, "receiving_body": receiving_body, "note": note}
    _CLOSURES[label].check(record, **data)
    try:
        with transaction.atomic(), acting_as(by):
            request = ClosureRequest.objects.create(**{field: record}, requested_by=by, **data)
    except IntegrityError as exc:  # a concurrent request won
        raise ValidationError(ALREADY_REQUESTED, code="already_requested") from exc
    for coordinator in _coordinators():
        notification_create(
            recipient=coordinator,
            kind=Notification.Kind.CLOSURE_REQUESTED,
            label=record.person.case_code,
            path=_path(request),
        )
    return request


def _lock_pending(request: ClosureRequest) -> ClosureRequest:
    locked = (
        ClosureRequest.objects.select_for_update(of=("self",))
        .select_related("referral__person", "pathway__person", "receiving_body", "requested_by")
        .get(pk=request.pk)
    )
    if not locked.is_pending:
        raise ValidationError(ALREADY_DECIDED, code="already_decided")
    return locked


@transaction.atomic
def closure_approve(*, request: ClosureRequest, by) -> ClosureRequest:
    """Close the record with what the operator entered, and mark the request approved: all or nothing."""
    request = _lock_pending(request)
    record = request.target
    _CLOSURES[_label(record)].close(
        record,
        outcome=request.outcome,
        ended_on=request.ended_on,
        receiving_body=request.receiving_body,
        note=request.note,
        by=by,
    )
    request.status = ClosureRequest.Status.APPROVED
    request.decided_by = by
    request.decided_at = timezone.now()
    with acting_as(by):
        request.save(update_fields=["status", "decided_by", "decided_at"])
    _tell_requester(request, record, Notification.Kind.CLOSURE_APPROVED)
    return request


def _tell_requester(request: ClosureRequest, record: models.Model, kind: str) -> None:
    """Notify the operator who asked, while she still sees the record (a notification names its case code)."""
    if access.can_view(request.requested_by, record):
        notification_create(
            recipient=request.requested_by, kind=kind, label=record.person.case_code, path=_path(request)
        )


@transaction.atomic
def closure_send_back(*, request: ClosureRequest, note: str, by) -> ClosureRequest:
    """Refuse the closure for now, saying why; the record stays open and may be requested again."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"decision_note": SEND_BACK_NOTE_REQUIRED})
    request = _lock_pending(request)
    request.status = ClosureRequest.Status.SENT_BACK
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_note = note
    with acting_as(by):
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _tell_requester(request, request.target, Notification.Kind.CLOSURE_SENT_BACK)
    return request
