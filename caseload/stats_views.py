"""Coordinators' statistics for a period, their exports and the stored monthly reports."""

from __future__ import annotations

import csv
import datetime
import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.audit.models import Event
from ceis.audit.services import event_record
from ceis.forms import is_plausible_date

from . import stats
from .models import MonthlyReport

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """Keep a spreadsheet from reading a cell as a formula."""
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


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


def _csv_response(rows: list[list[str]], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return response


def _audit(start: datetime.date, end: datetime.date, fmt: str) -> None:
    event_record(
        kind=Event.Kind.EXPORT,
        details={"what": "statistics", "from": start.isoformat(), "to": end.isoformat(), "format": fmt},
    )


@role_required(roles.COORDINATOR)
@require_GET
def statistics(request):
    start, end = _period(request)
    data = stats.statistics(start, end)
    query = f"from={start.isoformat()}&to={end.isoformat()}"
    return render(
        request,
        "caseload/stats.html",
        {"stats": data, "chart": stats.chart_data(data), "start": start, "end": end, "query": query},
    )


@role_required(roles.COORDINATOR)
@require_GET
def statistics_csv(request):
    start, end = _period(request)
    rows = stats.table_rows(stats.statistics(start, end))
    _audit(start, end, "csv")
    return _csv_response(rows, f"statistics-{start:%Y%m%d}-{end:%Y%m%d}.csv")


@role_required(roles.COORDINATOR)
@require_GET
def statistics_xlsx(request):
    from openpyxl import Workbook

    start, end = _period(request)
    rows = stats.table_rows(stats.statistics(start, end))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Statistics")[:31]
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    for row in sheet.iter_rows():
        for cell in row:
            cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    _audit(start, end, "xlsx")
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="statistics-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


@role_required(roles.COORDINATOR)
@require_GET
def reports(request):
    return render(request, "caseload/reports.html", {"reports": MonthlyReport.objects.all()})


@role_required(roles.COORDINATOR)
@require_GET
def report_csv(request, month: str):
    try:
        first = datetime.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise Http404 from None
    report = get_object_or_404(MonthlyReport, month=first)
    event_record(kind=Event.Kind.EXPORT, details={"what": "monthly report", "month": month})
    return _csv_response(stats.table_rows(report.data), f"monthly-report-{month}.csv")
