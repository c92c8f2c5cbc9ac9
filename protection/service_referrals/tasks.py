"""Daily reminder of services waiting too long for an answer. The task takes no argument: no personal data.

A service still "requested" more than ``service_answer_days`` (service settings, default 7) after its request
notifies every active operator assigned to the pathway or referral above it, once (one event per service and
request date). Rows carry the case code and a link to the service page, nothing else; the services are read
without their encrypted outcome note. Restricted people get no reminders.
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.urls import reverse

from ceis import access, periodic
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create
from protection.models import ProtectionPathway
from referrals.models import Referral

from .models import ServiceReferral
from .selectors import overdue_before, overdue_q


@shared_task(ignore_result=True)
def send_service_overdue_reminders() -> int:
    """Notify the assigned operators of each overdue service once. Returns how many notifications were written."""
    services = list(
        access.without_restricted(ServiceReferral)
        .filter(overdue_q(overdue_before()))
        .select_related("person")
        .only("id", "pathway_id", "referral_id", "requested_on", "person__case_code")
        .order_by("pk")
    )
    if not services:
        return 0
    by_pathway = access.assignees(
        ProtectionPathway.objects.filter(pk__in={s.pathway_id for s in services if s.pathway_id}).only("id")
    )
    by_referral = access.assignees(
        Referral.objects.filter(pk__in={s.referral_id for s in services if s.referral_id}).only("id")
    )
    keys = {s.pk: f"service:{s.pk}:{s.requested_on.isoformat()}" for s in services}
    already = set(Notification.objects.filter(event_key__in=keys.values()).values_list("recipient_id", "event_key"))

    def unsent(service) -> list:
        users = (
            by_pathway.get(service.pathway_id, []) if service.pathway_id else by_referral.get(service.referral_id, [])
        )
        return [u for u in users if u.is_active and (u.pk, keys[service.pk]) not in already]

    def remind(service) -> int:
        key = keys[service.pk]
        written = 0
        for user in unsent(service):
            with transaction.atomic():
                created = notification_create(
                    recipient=user,
                    kind=Notification.Kind.SERVICE_OVERDUE,
                    label=service.person.case_code,
                    path=reverse("service_referrals:detail", args=[service.pk]),
                    event_key=key,
                )
            written += created is not None
        return written

    # One service that fails is logged and skipped; the others are reminded (ceis/periodic.py).
    return periodic.each("service-overdue-reminders", [s for s in services if unsent(s)], remind).total
