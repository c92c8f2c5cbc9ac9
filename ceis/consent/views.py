"""Consents and legal bases of a person: see them, record one, withdraw a consent.

Each view reaches the person through ``ceis.access`` first: consent records are visible (and
recordable) exactly when the person is, and anyone else gets 404.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.audit.services import record_viewed
from ceis.submissions.decorators import submitted_once

from . import selectors, services
from .forms import ConsentForm, LegalBasisForm, WithdrawForm
from .models import Consent

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)


def _person(request, pk: int, *, action: str = "view"):
    return access.get_visible(apps.get_model("referrals.Person"), request.user, action=action, pk=pk)


def _next(request) -> str | None:
    """Where to go back after recording (e.g. the closing form that was refused): a local path only."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target if target.startswith("/") else None
    return None


def _back(request, person):
    target = _next(request)
    return redirect(target) if target else redirect("consent:person", person.pk)


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@role_required(*CASE_ROLES)
def person_consents(request, person_pk: int):
    person = _person(request, person_pk)
    if request.method != "GET":  # after the access check: someone who may not see her gets 404, not 405
        return HttpResponseNotAllowed(["GET"])
    record_viewed(person)
    return render(
        request,
        "consent/person.html",
        {
            "person": person,
            "consents": selectors.consents_of(person),
            "legal_bases": selectors.legal_bases_of(person),
            "disclosures": selectors.disclosures_of(person),
        },
    )


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def consent_create(request, person_pk: int):
    person = _person(request, person_pk, action="change")
    form = ConsentForm(request.POST or None, person=person, params=request.GET)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(person=person, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return _back(request, person)
    return render(request, "consent/consent_form.html", {"form": form, "person": person, "next": _next(request)})


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def consent_withdraw(request, pk: int):
    consent = access.get_visible(
        Consent.objects.select_related("person", "recipient", "withdrawal"), request.user, action="change", pk=pk
    )
    person = consent.person
    if hasattr(consent, "withdrawal"):
        messages.info(request, services.ALREADY_WITHDRAWN)
        return redirect("consent:person", person.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"], by=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Withdrawal of consent recorded."))
            return redirect("consent:person", person.pk)
    return render(request, "consent/withdraw_confirm.html", {"form": form, "consent": consent, "person": person})


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def legal_basis_create(request, person_pk: int):
    person = _person(request, person_pk, action="change")
    form = LegalBasisForm(request.POST or None, params=request.GET)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_basis_record(person=person, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Legal basis recorded."))
            return _back(request, person)
    return render(request, "consent/legal_basis_form.html", {"form": form, "person": person, "next": _next(request)})
