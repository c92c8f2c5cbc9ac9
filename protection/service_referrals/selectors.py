"""Reads of service referrals, always through ``ceis.access``."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Case, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ceis import access
from ceis.service.models import ServiceSettings
from ceis.service.selectors import service_settings

from .models import ServiceReferral, ServiceStatus, ServiceStatusChange

# How many overdue services the caseload dashboard lists (the count covers them all).
DASHBOARD_OVERDUE_ROWS = 20


# The service settings' answer days as a column (its default while the settings row is not written yet).
_ANSWER_DAYS = Coalesce(
    Subquery(ServiceSettings.objects.filter(pk=ServiceSettings.SINGLETON_PK).values("service_answer_days")[:1]),
    Value(ServiceSettings._meta.get_field("service_answer_days").default),
)


def overdue_before(today: datetime.date | None = None, *, answer_days: int | None = None) -> datetime.date:
    """Services requested before this date and still unanswered are overdue."""
    today = today or timezone.localdate()
    if answer_days is None:
        answer_days = service_settings().service_answer_days
    return today - datetime.timedelta(days=answer_days)


def overdue_q(before: datetime.date) -> Q:
    return Q(status=ServiceStatus.REQUESTED, requested_on__lt=before)


def _listing(qs: QuerySet[ServiceReferral], before: datetime.date) -> QuerySet[ServiceReferral]:
    return (
        qs.select_related("person", "provider")
        .defer("outcome_note")  # never decrypted for a list
        .annotate(
            overdue=Case(When(overdue_q(before), then=Value(True)), default=Value(False), output_field=BooleanField())
        )
    )


def services_for(user, *, status: str = "", overdue_only: bool = False) -> QuerySet[ServiceReferral]:
    """The services this user may see (beneath her pathways and referrals), newest first, marked overdue."""
    before = overdue_before()
    qs = access.visible(ServiceReferral, user)
    if status in ServiceStatus.values:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(overdue_q(before))
    return _listing(qs, before).order_by("-requested_on", "-id")


def overdue_for_dashboard(user) -> tuple[int, list[ServiceReferral]]:
    """Every overdue service the coordinator sees: how many, and the longest waiting first (two queries)."""
    before = overdue_before()
    qs = access.visible(ServiceReferral, user).filter(overdue_q(before))
    rows = list(_listing(qs, before).order_by("requested_on", "id")[:DASHBOARD_OVERDUE_ROWS])
    return (len(rows) if len(rows) < DASHBOARD_OVERDUE_ROWS else qs.count()), rows


def services_of(anchor) -> list[ServiceReferral]:
    """The services beneath one pathway or referral (already fetched through ``ceis.access``), one query: the
    service's answer days come as a column of the same query, and "overdue" is decided here from it."""
    today = timezone.localdate()
    field = "pathway" if anchor._meta.model_name == "protectionpathway" else "referral"
    qs = (
        ServiceReferral.objects.filter(**{field: anchor})
        .select_related("person", "provider")
        .defer("outcome_note")  # never decrypted for a list
        .annotate(answer_days=_ANSWER_DAYS)
        .order_by("-requested_on", "-id")
    )
    services = list(qs)
    for service in services:
        before = today - datetime.timedelta(days=service.answer_days)
        service.overdue = overdue_q_matches(service, before)
    return services


def overdue_q_matches(service: ServiceReferral, before: datetime.date) -> bool:
    """``overdue_q(before)`` for one service in hand."""
    return service.status == ServiceStatus.REQUESTED and service.requested_on < before


def changes_of(service: ServiceReferral) -> list[ServiceStatusChange]:
    return list(service.changes.select_related("created_by").order_by("changed_on", "id"))


def timeline_items(pathway) -> list:
    """The pathway's chronology: each service on its request date, and each later change of status (one query)."""
    from protection.timeline import TimelineItem

    today = timezone.localdate()
    rows = (
        ServiceStatusChange.objects.filter(service__pathway=pathway)
        .select_related("service__provider")
        .defer("service__outcome_note")
        .annotate(answer_days=_ANSWER_DAYS)  # the setting read in the same query
        .order_by("service_id", "changed_on", "id")
    )
    items = []
    for change in rows:
        service = change.service
        before = today - datetime.timedelta(days=change.answer_days)
        what = f"{service.get_type_display()} · {service.provider_label}"
        if change.status == ServiceStatus.REQUESTED and change.changed_on == service.requested_on:
            parts = [_("Service requested: %(what)s") % {"what": what}, service.get_urgency_display()]
            if service.status == ServiceStatus.REQUESTED and service.requested_on < before:
                parts.append(_("no answer yet, overdue"))
            summary = " · ".join(str(p) for p in parts)
        else:
            summary = _("Service %(what)s: %(status)s") % {"what": what, "status": change.get_status_display()}
        item = TimelineItem(change.changed_on, "service", _("service"), summary, pk=service.pk, rank=9)
        item.edit_url = reverse("service_referrals:detail", args=[service.pk])  # the page where it changes
        items.append(item)
    return items
