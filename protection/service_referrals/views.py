"""Pages of service referrals: the list, the request beneath a pathway or a referral, a service and its changes.

Every record is reached through ``ceis.access`` (404 otherwise): a service is visible and changeable exactly
when the pathway or referral above it is.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.audit.services import record_viewed
from ceis.consent.services import SharingRefused
from ceis.submissions.decorators import submitted_once
from protection.models import ProtectionPathway
from referrals.models import Referral

from . import selectors, services
from .forms import ServiceRequestForm, StatusForm
from .models import ServiceReferral, ServiceStatus

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _anchor_url(service_or_anchor) -> str:
    if isinstance(service_or_anchor, ServiceReferral):
        service_or_anchor = service_or_anchor.pathway or service_or_anchor.referral
    if isinstance(service_or_anchor, ProtectionPathway):
        return reverse("protection:detail", args=[service_or_anchor.pk])
    return reverse("referrals:detail", args=[service_or_anchor.pk])


@role_required(*CASE_ROLES)
@require_GET
def service_list(request):
    status = request.GET.get("status", "")
    overdue_only = request.GET.get("overdue") == "1"
    qs = selectors.services_for(request.user, status=status, overdue_only=overdue_only)
    page = Paginator(qs, settings.REFERRALS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "protection/services/list.html",
        {
            "page": page,
            "statuses": ServiceStatus.choices,
            "status": status if status in ServiceStatus.values else "",
            "overdue_only": overdue_only,
            "query": query.urlencode(),
        },
    )


def _request_page(request, *, pathway=None, referral=None):
    anchor = pathway or referral
    back = _anchor_url(anchor)
    if not services.accepts_changes_from(pathway, request.user):
        messages.error(request, services.PATHWAY_CLOSED)
        return redirect(back)
    form = ServiceRequestForm(request.POST or None, pathway=pathway)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_request(
                service=form.save(commit=False),
                pathway=pathway,
                referral=referral,
                form_token=form.cleaned_data["form_token"],
                by=request.user,
            )
        except SharingRefused as exc:
            refusal = exc  # with the way to record her consent or a legal basis, then come back
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Service requested: %(what)s.") % {"what": service.get_type_display()})
            return redirect("service_referrals:detail", service.pk)
    return render(
        request,
        "protection/services/request.html",
        {
            "form": form,
            "anchor": anchor,
            "person": anchor.person,
            "back": request.path,
            "cancel": back,
            "refusal": refusal,
        },
    )


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def request_for_pathway(request, pathway_pk: int):
    pathway = access.get_visible(
        ProtectionPathway.objects.select_related("person"), request.user, action="change", pk=pathway_pk
    )
    return _request_page(request, pathway=pathway)


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def request_for_referral(request, referral_pk: int):
    referral = access.get_visible(
        Referral.objects.select_related("person"), request.user, action="change", pk=referral_pk
    )
    return _request_page(request, referral=referral)


def _service(request, pk: int, *, action: str = "view") -> ServiceReferral:
    qs = ServiceReferral.objects.select_related("person", "pathway", "referral", "provider", "provider_contact", "goal")
    return access.get_visible(qs, request.user, action=action, pk=pk)


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def detail(request, pk: int):
    """A service, its dated changes and (for who may change it) the form of the next status."""
    service = _service(request, pk)
    can_change = access.can_change(request.user, service) and services.accepts_changes_from(
        service.pathway, request.user
    )
    if request.method == "POST" and not can_change:
        return redirect("service_referrals:detail", service.pk)
    form = StatusForm(request.POST or None, service=service) if can_change and service.next_statuses else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.service_change_status(
                service=service,
                status=form.cleaned_data["status"],
                changed_on=form.cleaned_data["changed_on"],
                outcome_note=form.cleaned_data["outcome_note"] or None,
                by=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Status of the service changed."))
            return redirect("service_referrals:detail", service.pk)
    record_viewed(service)
    return render(
        request,
        "protection/services/detail.html",
        {
            "service": service,
            "person": service.person,
            "changes": selectors.changes_of(service),
            "overdue": service.is_overdue(selectors.service_settings().service_answer_days),
            "form": form,
            "back": _anchor_url(service),
        },
    )
