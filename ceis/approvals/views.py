"""Closure requests: a coordinator's queue and decisions, an operator's own requests."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.audit.services import record_viewed

from . import selectors, services
from .forms import SendBackForm
from .models import ClosureRequest

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)
PAGE_SIZE = 25
DETAIL_URLS = {"referral": "referrals:detail", "pathway": "protection:detail"}


def record_url(request: ClosureRequest) -> str:
    return reverse(DETAIL_URLS[request.target_field], args=[request.target.pk])


def _is_coordinator(user) -> bool:
    return user.is_superuser or user.is_coordinator


@role_required(*CASE_ROLES)
@require_safe
def request_list(request):
    coordinator = _is_coordinator(request.user)
    qs = selectors.queue_for(request.user) if coordinator else selectors.mine(request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.record_url = record_url(row)
    return render(request, "approvals/list.html", {"page": page, "coordinator": coordinator})


def _detail(request, closure_request: ClosureRequest, *, form=None, error=None, status=200):
    coordinator = _is_coordinator(request.user)
    decide = coordinator and closure_request.is_pending and access.can_change(request.user, closure_request.target)
    return render(
        request,
        "approvals/detail.html",
        {
            "closure_request": closure_request,
            "record": closure_request.target,
            "record_url": record_url(closure_request),
            "decide": decide,
            "send_back_form": (form or SendBackForm()) if decide else None,
            "error": error,
        },
        status=status,
    )


@role_required(*CASE_ROLES)
def detail(request, pk: int):
    closure_request = selectors.request_for(request.user, pk)  # first: a foreign request is 404, whatever the method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    record_viewed(closure_request.target)
    return _detail(request, closure_request)


def _decidable(request, pk: int) -> ClosureRequest:
    closure_request = selectors.request_for(request.user, pk)
    if not access.can_change(request.user, closure_request.target):
        raise Http404
    return closure_request


@role_required(roles.COORDINATOR)
@require_POST
def approve(request, pk: int):
    closure_request = _decidable(request, pk)
    if not closure_request.is_pending:
        messages.info(request, services.ALREADY_DECIDED)
        return redirect("approvals:detail", closure_request.pk)
    try:
        services.closure_approve(request=closure_request, by=request.user)
    except ValidationError as exc:  # the closure refused now (consent withdrawn, closed meanwhile, ...)
        closure_request.refresh_from_db()
        return _detail(request, closure_request, error=" ".join(exc.messages))
    messages.success(
        request, _("Closure approved: %(code)s is closed.") % {"code": closure_request.target.person.case_code}
    )
    return redirect("approvals:list")


@role_required(roles.COORDINATOR)
@require_POST
def send_back(request, pk: int):
    closure_request = _decidable(request, pk)
    if not closure_request.is_pending:
        messages.info(request, services.ALREADY_DECIDED)
        return redirect("approvals:detail", closure_request.pk)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.closure_send_back(
                request=closure_request, note=form.cleaned_data["decision_note"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("Request sent back: %(code)s stays open.") % {"code": closure_request.target.person.case_code},
            )
            return redirect("approvals:list")
    return _detail(request, closure_request, form=form)
