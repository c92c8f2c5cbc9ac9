"""The monthly report: last month's suppressed statistics, stored once and announced to coordinators.

Task names keep the ``caseload.tasks.`` prefix they had before the statistics left ``caseload``, so that
messages already queued and beat's schedule still find them.
"""

from __future__ import annotations

import calendar
import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from ceis import periodic
from ceis.accounts import roles
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create

from . import periods, selectors
from .models import MonthlyReport
from .snapshots import prepare_statistics, refresh_statistics, statistics_changed  # noqa: F401  (the snapshots' tasks)


def _month_bounds(month: str | None) -> tuple[datetime.date, datetime.date]:
    if month:
        first = datetime.datetime.strptime(month, "%Y-%m").date()
    else:
        first = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def monthly_report_store(first: datetime.date) -> MonthlyReport:
    """Build (or build again) the report of the month beginning ``first``: to date while the month runs,
    and then provisional; ``created_at`` is the time of the latest build. Its figures are the month's on the
    statistics page, rounded by the same rule (``stats.rounding``)."""
    report, _created = MonthlyReport.objects.update_or_create(
        month=first,
        defaults={"data": selectors.statistics(periods.month(first.year, first.month)), "created_at": timezone.now()},
    )
    return report


def current_report(report: MonthlyReport) -> MonthlyReport:
    """The report, built again first if it was built under an older disclosure rule (its cells could be
    subtracted from the figures served now)."""
    if report.data.get("rule") != selectors.RULE:
        return monthly_report_store(report.month)
    return report


@shared_task(name="caseload.tasks.build_monthly_report", ignore_result=True)
def build_monthly_report(month: str | None = None) -> str:
    """Store the report for ``month`` ("YYYY-MM", default last month) and notify each active coordinator once."""
    first, last = _month_bounds(month)
    key = f"{first:%Y-%m}"
    monthly_report_store(first)
    coordinators = get_user_model().objects.filter(is_active=True, groups__name=roles.COORDINATOR).distinct()

    def announce(user) -> bool:
        return (
            notification_create(
                recipient=user,
                kind=Notification.Kind.MONTHLY_REPORT,
                label=key,
                path=reverse("caseload:reports"),
                event_key=f"monthly-report:{key}",
            )
            is not None
        )

    # The report is stored first; a coordinator whose notice fails is logged and skipped (ceis/periodic.py).
    periodic.each("monthly-report", coordinators, announce)
    return key
