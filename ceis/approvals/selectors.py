from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ceis import access

from .models import ClosureRequest


def requests_for(user) -> QuerySet[ClosureRequest]:
    """The closure requests ``user`` may read: a coordinator those of every record she sees, an operator her own
    (and only while she still sees the record)."""
    qs = access.visible(ClosureRequest, user).select_related(
        "referral__person", "pathway__person", "requested_by", "decided_by", "receiving_body"
    )
    if not (user.is_superuser or user.is_coordinator):
        qs = qs.filter(requested_by=user)
    return qs


def queue_for(user) -> QuerySet[ClosureRequest]:
    """What waits for a decision, oldest first (a coordinator's queue)."""
    return requests_for(user).filter(status=ClosureRequest.Status.PENDING).order_by("requested_at", "id")


def mine(user) -> QuerySet[ClosureRequest]:
    """Her own requests, newest first."""
    return requests_for(user).filter(requested_by=user).order_by("-requested_at", "-id")


def request_for(user, pk) -> ClosureRequest:
    try:
        return requests_for(user).get(pk=pk)
    except (ClosureRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def pending_redirect(user, pending: ClosureRequest, record_url_name: str, record_pk: int) -> tuple:
    """Where a closure page sends whoever finds a request pending: a coordinator to decide it, the rest to the
    record (which says "closure requested")."""
    if user.is_superuser or user.is_coordinator:
        return ("approvals:detail", pending.pk)
    return (record_url_name, record_pk)
