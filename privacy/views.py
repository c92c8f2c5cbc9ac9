"""The coordinators' data-protection workspace (they act for the data protection officer).

Operators and admins get 404 on every route (``role_required``); people are fetched through
``ceis.access`` like every case record.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from referrals.models import Person

from . import selectors, services
from .forms import CaseCodeSearchForm, EraseForm, LegalHoldForm, RestrictionForm, RetentionRuleForm
from .models import RetentionCandidate, RetentionRule, RetentionRun

coordinators_only = role_required(roles.COORDINATOR)


def _person(request, pk: int) -> Person:
    return access.get_visible(Person, request.user, pk=pk)


@coordinators_only
@require_GET
def index(request):
    form = CaseCodeSearchForm(request.GET or None)
    if form.is_valid():
        person = selectors.person_by_code(form.cleaned_data["code"], request.user)
        if person is not None:
            return redirect("privacy:person", pk=person.pk)
        messages.error(request, _("No person has this case code."))
    return render(request, "privacy/index.html", {"form": form, "flagged": selectors.flagged_people()})


@coordinators_only
@require_GET
def person(request, pk: int):
    record = _person(request, pk)
    return render(request, "privacy/person.html", {"person": record, **selectors.person_status(record)})


@coordinators_only
@require_GET
def export_json(request, pk: int):
    record = _person(request, pk)
    data = services.person_export(person=record, by=request.user, fmt="json")
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"export-person-{record.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@coordinators_only
@require_GET
def export_print(request, pk: int):
    record = _person(request, pk)
    data = services.person_export(person=record, by=request.user, fmt="print")
    return render(request, "privacy/export_print.html", {"person": record, "data": data})


@coordinators_only
@require_GET
def export_pdf(request, pk: int):
    """The access export as a PDF with the service's letterhead, to hand to the person (in her language of
    the request: Italian by default)."""
    from ceis.pdf import render_pdf

    record = _person(request, pk)
    data = services.person_export(person=record, by=request.user, fmt="pdf")
    pdf = render_pdf("privacy/export_pdf.html", {"person": record, "data": data})
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"export-person-{record.pk}-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _flag_view(request, pk: int, *, form_class, setter, template: str, done: str):
    record = _person(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            setter(person=record, reason=form.cleaned_data["reason"], by=request.user)
        except services.RightsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("privacy:person", pk=record.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"person": record, "form": form}, status=status)


def _lift_view(request, pk: int, *, lifter, template: str, done: str):
    record = _person(request, pk)
    if request.method == "POST":
        try:
            lifter(person=record, by=request.user)
        except services.RightsError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("privacy:person", pk=record.pk)
    return render(request, template, {"person": record, **selectors.person_status(record)})


@coordinators_only
@require_http_methods(["GET", "POST"])
def restrict(request, pk: int):
    return _flag_view(
        request,
        pk,
        form_class=RestrictionForm,
        setter=services.restriction_set,
        template="privacy/restrict.html",
        done=_("Processing restricted: operators no longer see this person or her records."),
    )


@coordinators_only
@require_http_methods(["GET", "POST"])
def restrict_lift(request, pk: int):
    return _lift_view(
        request,
        pk,
        lifter=services.restriction_lift,
        template="privacy/restrict_lift.html",
        done=_("Restriction lifted: the assigned operators see the records again."),
    )


@coordinators_only
@require_http_methods(["GET", "POST"])
def hold(request, pk: int):
    return _flag_view(
        request,
        pk,
        form_class=LegalHoldForm,
        setter=services.legal_hold_set,
        template="privacy/hold.html",
        done=_("Legal hold set: the records cannot be erased."),
    )


@coordinators_only
@require_http_methods(["GET", "POST"])
def hold_lift(request, pk: int):
    return _lift_view(
        request,
        pk,
        lifter=services.legal_hold_lift,
        template="privacy/hold_lift.html",
        done=_("Legal hold lifted."),
    )


@coordinators_only
@require_http_methods(["GET", "POST"])
def erase(request, pk: int):
    record = _person(request, pk)
    status = selectors.person_status(record)
    form = EraseForm(request.POST or None, person=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(person=record, by=request.user)
        except services.RightsError as exc:
            messages.error(request, str(exc))
            return redirect("privacy:person", pk=record.pk)
        messages.success(request, _("The person and her records have been anonymised."))
        return redirect("privacy:person", pk=record.pk)
    code = 400 if request.method == "POST" else 200
    return render(request, "privacy/erase.html", {"person": record, "form": form, **status}, status=code)


@coordinators_only
@require_GET
def rules(request):
    return render(request, "privacy/rules.html", {"rules": RetentionRule.objects.select_related("updated_by")})


@coordinators_only
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int):
    rule = get_object_or_404(RetentionRule, pk=pk)
    form = RetentionRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.rule_update(rule=form.save(commit=False), by=request.user)
        messages.success(request, _("Retention rule saved."))
        return redirect("privacy:rules")
    code = 400 if request.method == "POST" else 200
    return render(request, "privacy/rule_edit.html", {"rule": rule, "form": form}, status=code)


@coordinators_only
@require_GET
def runs(request):
    return render(request, "privacy/runs.html", {"runs": selectors.runs()[:50]})


@coordinators_only
@require_GET
def run(request, pk: int):
    record = get_object_or_404(RetentionRun, pk=pk)
    return render(request, "privacy/run.html", {"run": record, "candidates": selectors.candidates_of(record)})


@coordinators_only
@require_POST
def candidate_exclude(request, pk: int):
    candidate = get_object_or_404(RetentionCandidate, pk=pk)
    if services.candidate_exclude(candidate=candidate, by=request.user):
        messages.success(request, _("Excluded: this record will be kept."))
    else:
        messages.error(request, _("This record is no longer waiting for review."))
    return redirect("privacy:run", pk=candidate.run_id)
