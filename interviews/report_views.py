"""Reports to the referring body: create, edit, print (A4), record as sent.

Each view reaches the report through its referral (``interviews.reports``, which calls ``ceis.access``):
a report of a referral the user may not see answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.audit.services import record_viewed
from ceis.consent.services import SharingRefused
from ceis.pdf import letterhead_context
from ceis.submissions.decorators import submitted_once

from . import reports
from .report_forms import ReportForm, SentForm

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def create(request, referral_pk: int):
    referral = reports.referral_for_report(request.user, referral_pk, action="change")
    form = ReportForm(request.POST or None, instance=reports.report_new(referral=referral))
    if request.method == "POST" and form.is_valid():
        report = reports.report_save(form=form, by=request.user)
        # Without consent the print page says, in one message, that it is saved but cannot be printed or sent.
        if reports.report_refusal(report) is None:
            messages.success(request, _("Report saved. Check it, print it, then record the date it was sent."))
        return redirect("reports:print", report.pk)
    return render(request, "interviews/report_form.html", {"form": form, "referral": referral, "report": None})


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    report = reports.report_get(request.user, pk, action="change")
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        reports.report_save(form=form, by=request.user)
        if reports.report_refusal(report) is None:
            messages.success(request, _("Report saved."))
        return redirect("reports:print", report.pk)
    return render(request, "interviews/report_form.html", {"form": form, "referral": report.referral, "report": report})


@role_required(*CASE_ROLES)
def print_page(request, pk: int):
    report = reports.report_get(request.user, pk)
    if request.method != "GET":  # after the access check: someone who may not see it gets 404, not 405
        return HttpResponseNotAllowed(["GET"])
    record_viewed(report)
    can_change = access.can_change(request.user, report.referral)
    # Without her consent (or a legal basis) for this recipient the letter is not even built: nothing to print.
    refusal = reports.report_refusal(report)
    return render(
        request,
        "interviews/report_print.html",
        {
            "report": report,
            "referral": report.referral,
            "refusal": refusal,
            "contents": reports.report_contents(report) if refusal is None else None,
            "letter_date": report.sent_at or timezone.localdate(),
            "can_change": can_change,
            "sent_form": _sent_form(report) if can_change and refusal is None else None,
            "sent_versions": reports.sent_versions(report),
            **letterhead_context(),
        },
    )


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*CASE_ROLES)
def draft_pdf(request, pk: int):
    """The letter as it stands, as a PDF without a protocol number (a draft to check before sending)."""
    report = reports.report_get(request.user, pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if reports.report_refusal(report) is not None:
        raise Http404  # without her consent or a legal basis the letter is not even built
    record_viewed(report)
    data = reports.report_pdf(report, letter_date=timezone.localdate())
    return _pdf_response(data, f"{report.referral.person.case_code}-bozza.pdf")


@role_required(*CASE_ROLES)
def sent_pdf(request, pk: int, version: int):
    """The PDF exactly as it was sent, byte for byte."""
    sent = reports.sent_version_get(request.user, pk, version)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    data = reports.sent_version_pdf(sent)
    name = f"{sent.report.referral.person.case_code}-prot-{sent.protocol_number}-{sent.protocol_year}.pdf"
    return _pdf_response(data, name)


def _sent_form(report, data=None) -> SentForm:
    """Today by default; the date already recorded when correcting it."""
    return SentForm(data, initial={"sent_at": report.sent_at} if report.sent_at else None)


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def sent(request, pk: int):
    report = reports.report_get(request.user, pk, action="change")
    form = _sent_form(report, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reports.report_mark_sent(report=report, sent_at=form.cleaned_data["sent_at"], by=request.user)
        except SharingRefused:
            pass  # shown below with the way to record her consent or a legal basis
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            protocol = report.sent_versions.order_by("-version").first()
            messages.success(
                request, _("Recorded as sent, protocol no. %(protocol)s.") % {"protocol": protocol.protocol}
            )
            return redirect("reports:print", report.pk)
    refusal = reports.report_refusal(report)
    return render(
        request,
        "interviews/report_sent.html",
        {"form": form, "report": report, "referral": report.referral, "refusal": refusal},
    )
