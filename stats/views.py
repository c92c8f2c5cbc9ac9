"""Coordinators' statistics for a period, their exports and the stored monthly reports."""

from __future__ import annotations

import datetime
import re

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
from ceis.forms import is_plausible_date

from . import selectors
from .models import MonthlyReport
from .tasks import monthly_report_store


def _period(request) -> tuple[datetime.date, datetime.date]:
    """The period asked for in GET from/to (ISO dates), else the current year; a bad one says so."""
    today = timezone.localdate()
    default = (today.replace(month=1, day=1), today.replace(month=12, day=31))
    if not (request.GET.get("from") or request.GET.get("to")):
        return default
    try:
        start = datetime.date.fromisoformat(request.GET.get("from") or default[0].isoformat())
        end = datetime.date.fromisoformat(request.GET.get("to") or default[1].isoformat())
    except ValueError:
        messages.error(request, _("Enter the dates as YYYY-MM-DD; showing the current year."))
        return default
    if start > end:
        messages.error(request, _("The start of the period is after its end; showing the current year."))
        return default
    if not (is_plausible_date(start) and is_plausible_date(end)):
        messages.error(request, _("Enter dates between 1900 and 2100; showing the current year."))
        return default
    return start, end


def _audit(start: datetime.date, end: datetime.date, fmt: str) -> None:
    event_record(
        kind=Event.Kind.EXPORT,
        details={"what": "statistics", "from": start.isoformat(), "to": end.isoformat(), "format": fmt},
    )


@role_required(roles.COORDINATOR)
@require_GET
def statistics(request):
    start, end = _period(request)
    data = selectors.statistics(start, end)
    query = f"from={start.isoformat()}&to={end.isoformat()}"
    return render(
        request,
        "stats/statistics.html",
        {"stats": data, "chart": selectors.chart_data(data), "start": start, "end": end, "query": query},
    )


@role_required(roles.COORDINATOR)
@require_GET
def statistics_csv(request):
    start, end = _period(request)
    rows = selectors.table_rows(selectors.statistics(start, end))
    _audit(start, end, "csv")
    return exports.csv_response(rows, f"statistics-{start:%Y%m%d}-{end:%Y%m%d}.csv", rfc=exports.wants_rfc(request))


@role_required(roles.COORDINATOR)
@require_GET
def statistics_xlsx(request):
    start, end = _period(request)
    rows = selectors.table_rows(selectors.statistics(start, end))
    _audit(start, end, "xlsx")
    return exports.xlsx_response(rows, f"statistics-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", title=_("Statistics"))


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
    if report is None or report.is_provisional:
        report = monthly_report_store(first)
    return render(request, "stats/report.html", {"report": report, "stats": report.data})


@role_required(roles.COORDINATOR)
@require_GET
def report_xlsx(request, month: str):
    first = _month_or_404(month)
    report = get_object_or_404(MonthlyReport, month=first)
    event_record(kind=Event.Kind.EXPORT, details={"what": "monthly report", "month": month, "format": "xlsx"})
    return exports.xlsx_response(selectors.table_rows(report.data), f"monthly-report-{month}.xlsx", title=month)


@role_required(roles.COORDINATOR)
@require_GET
def report_csv(request, month: str):
    try:
        first = datetime.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise Http404 from None
    report = get_object_or_404(MonthlyReport, month=first)
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
    report = get_object_or_404(MonthlyReport, month=first)
    event_record(kind=Event.Kind.EXPORT, details={"what": "monthly report", "month": month, "format": "pdf"})
    rows = selectors.table_rows(report.data)
    pdf = render_pdf("pdf/monthly_report.html", {"month": first, "header": rows[0], "rows": rows[1:]})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="monthly-report-{month}.pdf"'
    return response
