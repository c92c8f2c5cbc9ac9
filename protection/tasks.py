"""Daily reminders on open pathways, through notification rows. Tasks take no personal data.

Three events, each reminded once to every active operator assigned to the pathway:

- a residence permit expiring in 60, 30 and 7 days (one event per permit, expiry date and threshold:
  a changed expiry date is a new event);
- an open plan goal past its target date (one event per goal and target date: postponing the goal
  makes a new one);
- no diary entry for 30 days or more, counted from the latest entry or, with none, from the start of
  the pathway (one event per silence period: a new entry starts a new one).

Overdue goals and silent diaries are caught up if a daily run is missed; the permit thresholds are
exact days. Rows carry the person's case code and a link to the pathway page, nothing else: the
records are loaded without their encrypted columns, so no name, goal text or address is even read.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from ceis import access, periodic
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create

from .models import DiaryEntry, PlanGoal, ProtectionPathway, ResidencePermit

PERMIT_EXPIRY_DAYS = (60, 30, 7)
DIARY_SILENCE_DAYS = 30

# Only the columns a reminder needs: the pathway's pk and the person's case code.
_PATHWAY_FIELDS = ("pathway", "pathway__id", "pathway__person", "pathway__person__case_code")


def _pathway_path(pathway_id: int) -> str:
    return reverse("protection:detail", args=[pathway_id])


def _due(today: datetime.date) -> list[tuple[ProtectionPathway, str, str]]:
    """(pathway, kind, event key) for every reminder due today on an open pathway, in three queries."""
    due: list[tuple[ProtectionPathway, str, str]] = []

    expiry_dates = {today + datetime.timedelta(days=days): days for days in PERMIT_EXPIRY_DAYS}
    permits = (
        # A permit already renewed or converted is no longer the one that matters. Restricted people
        # (GDPR art. 18) get no reminders: their records are not processed.
        access.without_restricted(ResidencePermit)
        .filter(pathway__ended_on__isnull=True, expires_on__in=expiry_dates, renewals__isnull=True, converted_to="")
        .select_related("pathway__person")
        .only("id", "expires_on", *_PATHWAY_FIELDS)
        .order_by("pk")
    )
    for permit in permits:
        days = expiry_dates[permit.expires_on]
        due.append(
            (
                permit.pathway,
                Notification.Kind.PERMIT_EXPIRING,
                f"permit:{permit.pk}:{permit.expires_on.isoformat()}:{days}",
            )
        )

    goals = (
        access.without_restricted(PlanGoal)
        .filter(pathway__ended_on__isnull=True, status=PlanGoal.Status.OPEN, target_date__lt=today)
        .select_related("pathway__person")
        .only("id", "target_date", *_PATHWAY_FIELDS)
        .order_by("pk")
    )
    for goal in goals:
        due.append((goal.pathway, Notification.Kind.GOAL_OVERDUE, f"goal:{goal.pk}:{goal.target_date.isoformat()}"))

    latest_entry = DiaryEntry.objects.filter(pathway=OuterRef("pk")).order_by("-written_on").values("written_on")[:1]
    silent = (
        access.without_restricted(ProtectionPathway)
        .filter(ended_on__isnull=True)
        .annotate(last_date=Coalesce(Subquery(latest_entry), "started_on"))
        .filter(last_date__lte=today - datetime.timedelta(days=DIARY_SILENCE_DAYS))
        .select_related("person")
        .only("id", "person", "person__case_code")
        .order_by("pk")
    )
    for pathway in silent:
        due.append((pathway, Notification.Kind.DIARY_SILENT, f"diary:{pathway.pk}:{pathway.last_date.isoformat()}"))
    return due


@shared_task(ignore_result=True)
def send_pathway_reminders() -> int:
    """Remind the assigned operators of expiring permits, overdue goals and silent diaries, once each.

    A bounded number of queries to find what is due and who to tell (five, whatever the number of
    pathways), then one savepoint per notification actually written. Returns how many were written.
    """
    due = _due(timezone.localdate())
    if not due:
        return 0
    pathways = list({pathway.pk: pathway for pathway, _kind, _key in due}.values())
    assigned = access.assignees(pathways)
    recipients = {user.pk for users in assigned.values() for user in users if user.is_active}
    # What earlier runs already wrote (recipient first: the unique index on (recipient, event_key) serves it).
    already = set(
        Notification.objects.filter(
            recipient__in=recipients, event_key__in={key for _pathway, _kind, key in due}
        ).values_list("recipient_id", "event_key")
    )

    def unsent(item) -> list:
        pathway, _kind, key = item
        return [u for u in assigned.get(pathway.pk, []) if u.is_active and (u.pk, key) not in already]

    def remind(item) -> int:
        pathway, kind, key = item
        written = 0
        for user in unsent(item):
            with transaction.atomic():
                created = notification_create(
                    recipient=user,
                    kind=kind,
                    label=pathway.person.case_code,
                    path=_pathway_path(pathway.pk),
                    event_key=key,
                )
            written += created is not None
        return written

    # One reminder that fails is logged (pathway's pk) and skipped; the others go out (ceis/periodic.py).
    return periodic.each(
        "pathway-reminders",
        [item for item in due if unsent(item)],
        remind,
        describe=lambda item: ("protection.ProtectionPathway", item[0].pk),
    ).total


# The services' own reminder lives in its sub-package; imported here so the worker registers it.
from .service_referrals.tasks import send_service_overdue_reminders  # noqa: E402, F401
