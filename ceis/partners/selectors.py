"""Reads on partner bodies. Bodies are reference data: model permissions decide who reads them."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Lower

from .models import PartnerBody, PartnerContact

STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"
STATUS_ALL = "all"

SORT_ORDERS: dict[str, tuple] = {
    "name": (Lower("name"), "pk"),
    "kind": ("kind", Lower("name"), "pk"),
    "municipality": (Lower("municipality"), Lower("name"), "pk"),
}


def partner_bodies(
    *, q: str = "", kind: str = "", status: str = STATUS_ACTIVE, sort: str = "name"
) -> QuerySet[PartnerBody]:
    """Bodies for the list page, each with ``active_contacts`` counted in the same query."""
    qs = PartnerBody.objects.annotate(active_contacts=Count("contacts", filter=Q(contacts__active=True)))
    q = q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(municipality__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if status == STATUS_ACTIVE:
        qs = qs.filter(active=True)
    elif status == STATUS_INACTIVE:
        qs = qs.filter(active=False)
    return qs.order_by(*SORT_ORDERS.get(sort, SORT_ORDERS["name"]))


def partner_body_name_taken(name: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another body already has this name, ignoring case (as the database constraint does)."""
    # Lower() on both sides, in SQL, so the check folds case exactly as the constraint does on each backend.
    qs = PartnerBody.objects.annotate(lower_name=Lower("name")).filter(lower_name=Lower(Value(name.strip())))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def contacts_of(body: PartnerBody) -> QuerySet:
    """The body's contacts, active ones first."""
    return body.contacts.order_by("-active", Lower("name"), "pk")


def active_bodies(current_pk: int | None = None):
    """Active bodies, plus the one already chosen (so an old record stays editable)."""
    return PartnerBody.objects.filter(Q(active=True) | Q(pk=current_pk or 0)).order_by("name")


def active_contacts(current_pk: int | None = None):
    return (
        PartnerContact.objects.filter(Q(active=True, body__active=True) | Q(pk=current_pk or 0))
        .select_related("body")
        .order_by("body__name", "name")
    )
