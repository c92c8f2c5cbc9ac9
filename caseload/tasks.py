"""The monthly report: last month's suppressed statistics, stored once and announced to coordinators."""

from __future__ import annotations

import calendar
import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ceis.accounts import roles
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create

from . import stats
from .models import MonthlyReport


def _month_bounds(month: str | None) -> tuple[datetime.date, datetime.date]:
    if month:
        first = datetime.datetime.strptime(month, "%Y-%m").date()
    else:
        first = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def monthly_report_store(first: datetime.date) -> MonthlyReport:
    """Build (or build again) the report of the month beginning ``first``: to date while the month runs,
    and then provisional; ``created_at`` is the time of the latest build."""
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    last = min(last, timezone.localdate())
    report, _created = MonthlyReport.objects.update_or_create(
        month=first, defaults={"data": stats.statistics(first, last), "created_at": timezone.now()}
    )
    return report


@shared_task(ignore_result=True)
def build_monthly_report(month: str | None = None) -> str:
    """Store the report for ``month`` ("YYYY-MM", default last month) and notify each active coordinator once."""
    first, last = _month_bounds(month)
    key = f"{first:%Y-%m}"
    with transaction.atomic():
        monthly_report_store(first)
        coordinators = get_user_model().objects.filter(is_active=True, groups__name=roles.COORDINATOR).distinct()
        for user in coordinators:
            notification_create(
                recipient=user,
                kind=Notification.Kind.MONTHLY_REPORT,
                label=key,
                path=reverse("caseload:reports"),
                event_key=f"monthly-report:{key}",
            )
    return key


@shared_task(ignore_result=True)
def statistics_changed(spans: list[list[str | None]], person_ids=(), session_ids=()) -> int:
    """Mark the statistics snapshots that data changed under (dates as ISO strings, ids only)."""
    from . import snapshots

    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    return snapshots.stale([(day(lo), day(hi)) for lo, hi in spans], person_ids=person_ids, session_ids=session_ids)


@shared_task(ignore_result=True)
def refresh_statistics() -> dict[str, int]:
    """Periodic: re-count stale or day-old statistics snapshots, forget those unused for 90 days."""
    from . import snapshots

    return snapshots.refresh()


@shared_task(ignore_result=True)
def caseload_changed(roots: dict[str, list[int]], users=(), everything: bool = False) -> int:
    """Mark the stored dashboard figures of the operators holding these records (ids only)."""
    from . import caseload_snapshots

    return caseload_snapshots.stale(roots=roots, users=users, everything=everything)
