"""Statistics for a period (coordinators and the network role), their exports and the stored monthly reports."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ceis import exports
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.audit.models import Event
from ceis.audit.services import event_record

from . import periods, selectors
from .models import MonthlyReport
from .periods import Period
from .tasks import current_report, monthly_report_store

# The statistics page and its exports: coordinators, and the network (the de-identified figures only).
STATISTICS_ROLES = (roles.COORDINATOR, roles.NETWORK)


def _period(request) -> Period:
    """The calendar period asked for in GET year/part (old from/to links mapped), else the current year."""
    period, problem = periods.from_query(request.GET)
    if problem:
        messages.error(request, problem)
    return period


def _audit(period: Period, fmt: str) -> None:
    event_record(
        kind=Event.Kind.EXPORT,
        details={
            "what": "statistics",
            "period": period.slug,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "format": fmt,
        },
    )


@role_required(*STATISTICS_ROLES)
@require_GET
def statistics(request):
    period = _period(request)
    data = selectors.statistics(period)
    today = timezone.localdate()
    return render(
        request,
        "stats/statistics.html",
        {
            "stats": data,
            "chart": selectors.chart_data(data),
            "period": period,
            "period_label": period.label(today),
            "start": period.start,
            "end": period.end,
            "query": urlencode(period.query),
            "years": periods.years(today, period.year),
            "parts": periods.choices(today),
        },
    )


@role_required(*STATISTICS_ROLES)
@require_GET
def statistics_csv(request):
    period = _period(request)
    rows = selectors.table_rows(selectors.statistics(period))
    _audit(period, "csv")
    return exports.csv_response(rows, f"statistics-{period.slug}.csv", rfc=exports.wants_rfc(request))


@role_required(*STATISTICS_ROLES)
@require_GET
def statistics_xlsx(request):
    period = _period(request)
    rows = selectors.table_rows(selectors.statistics(period))
    _audit(period, "xlsx")
    return exports.xlsx_response(rows, f"statistics-{period.slug}.xlsx", title=_("Statistics"))


def _month_or_404(month: str) -> datetime.date:
    """The first day of a "YYYY-MM" that has begun (a past month or the current one), else 404."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", month or "")
    if not match:
        raise Http404
    try:
        first = datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise Http404 from None
    if first > timezone.localdate().replace(day=1):
        raise Http404
    return first


@role_required(roles.COORDINATOR)
@require_GET
def reports(request):
    month = request.GET.get("month")
    if month:
        try:
            return redirect("caseload:report", month=f"{_month_or_404(month):%Y-%m}")
        except Http404:
            messages.error(request, _("Choose a past month or the current one."))
    this_month = timezone.localdate().replace(day=1)
    return render(
        request,
        "stats/reports.html",
        {"reports": MonthlyReport.objects.all(), "this_month": this_month, "max_month": f"{this_month:%Y-%m}"},
    )


@role_required(roles.COORDINATOR)
@require_GET
def report(request, month: str):
    """One month's report, built now when missing or provisional (the current month: to date, provisional)."""
    first = _month_or_404(month)
    report = MonthlyReport.objects.filter(month=first).first()
    if report is None or report.is_provisional or report.data.get("rule") != selectors.RULE:
        report = monthly_report_store(first)
    return render(request, "stats/report.html", {"report": report, "stats": report.data})


@role_required(roles.COORDINATOR)
@require_GET
def report_xlsx(request, month: str):
    first = _month_or_404(month)
    report = current_report(get_object_or_404(MonthlyReport, month=first))
    event_record(kind=Event.Kind.EXPORT, details={"what": "monthly report", "month": month, "format": "xlsx"})
    return exports.xlsx_response(selectors.table_rows(report.data), f"monthly-report-{month}.xlsx", title=month)


@role_required(roles.COORDINATOR)
@require_GET
def report_csv(request, month: str):
    try:
        first = datetime.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise Http404 from None
    report = current_report(get_object_or_404(MonthlyReport, month=first))
    event_record(kind=Event.Kind.EXPORT, details={"what": "monthly report", "month": month})
    return exports.csv_response(
        selectors.table_rows(report.data), f"monthly-report-{month}.csv", rfc=exports.wants_rfc(request)
    )


@role_required(roles.COORDINATOR)
@require_GET
def report_pdf(request, month: str):
    """The monthly report as a PDF with the service's letterhead (``ceis.pdf``)."""
    from ceis.pdf import render_pdf

    first = _month_or_404(month)
    report = current_report(get_object_or_404(MonthlyReport, month=first))
    event_record(kind=Event.Kind.EXPORT, details={"what": "monthly report", "month": month, "format": "pdf"})
    rows = selectors.table_rows(report.data)
    pdf = render_pdf("pdf/monthly_report.html", {"month": first, "header": rows[0], "rows": rows[1:]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="monthly-report-{month}.pdf"'
    return response
