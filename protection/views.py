from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import permissions_or_404, role_required
from ceis.approvals import services as approvals
from ceis.approvals.selectors import pending_redirect
from ceis.audit.selectors import record_readers
from ceis.audit.services import record_viewed
from ceis.consent.services import SharingRefused
from ceis.submissions.decorators import submitted_once
from referrals.models import Referral

from . import selectors, services
from .forms import AssignForm, CloseForm, OpenFromReferralForm, OpenTransferForm, PathwayFilter, PhaseForm
from .models import ProtectionPathway

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)


def _pathway(request, pk: int, action: str = "view") -> ProtectionPathway:
    qs = ProtectionPathway.objects.select_related("person", "referral", "transferred_from")
    return access.get_visible(qs, request.user, action=action, pk=pk)


def _name(user) -> str:
    return user.get_full_name() or user.username


def _errors_to_form(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form (fields it knows, the rest at the top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- lists -------------------------------------------------------------------------------------------


def _list(request, *, mine: bool):
    qs = selectors.pathways_for(request.user, mine=mine)
    filterset = PathwayFilter(request.GET or None, queryset=qs, coordinator=request.user.is_coordinator and not mine)
    results = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = Paginator(results, settings.REFERRALS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "protection/pathway_list.html",
        {
            "mine": mine,
            "filter": filterset,
            "page": page,
            "assignees": selectors.assignee_names(page.object_list),
            "query": query.urlencode(),
        },
    )


@role_required(*CASE_ROLES)
def my_pathways(request):
    return _list(request, mine=True)


@role_required(roles.COORDINATOR)
def all_pathways(request):
    return _list(request, mine=False)


# --- opening ----------------------------------------------------------------------------------------


@role_required(*CASE_ROLES)
@permissions_or_404("protection.add_protectionpathway")
@require_http_methods(["GET", "POST"])
@submitted_once
def open_from_referral(request, referral_pk: int):
    referral = access.get_visible(
        Referral.objects.select_related("person"), request.user, action="change", pk=referral_pk
    )
    opened = ProtectionPathway.objects.filter(referral=referral)
    if opened.exists():
        messages.info(request, services.ALREADY_OPENED)
        existing = access.visible(opened, request.user).first()
        return redirect("protection:detail", existing.pk) if existing else redirect("referrals:detail", referral.pk)
    if referral.status != Referral.Status.CLOSED or referral.outcome != Referral.Outcome.TAKEN_IN_CHARGE:
        messages.error(request, services.NOT_TAKEN_IN_CHARGE)
        return redirect("referrals:detail", referral.pk)
    form = OpenFromReferralForm(
        request.POST or None,
        user=request.user,
        initial_operators=[] if request.user.is_operator else access.assignees([referral]).get(referral.pk, []),
    )
    if request.method == "POST" and form.is_valid():
        try:
            pathway = services.pathway_open(
                person=referral.person,
                referral=referral,
                legal_basis=form.cleaned_data["legal_basis"],
                phase=form.cleaned_data["phase"],
                started_on=form.cleaned_data["started_on"],
                operators=form.cleaned_data["operators"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return _opened(request, pathway)
    return render(request, "protection/pathway_open.html", {"form": form, "referral": referral, "transfer": False})


@role_required(*CASE_ROLES)
@permissions_or_404("protection.add_protectionpathway")
@require_http_methods(["GET", "POST"])
@submitted_once
def open_transfer(request):
    form = OpenTransferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pathway = services.pathway_open(
                person=form.person(),
                transferred_from=form.cleaned_data["transferred_from"],
                legal_basis=form.cleaned_data["legal_basis"],
                phase=form.cleaned_data["phase"],
                started_on=form.cleaned_data["started_on"],
                operators=form.cleaned_data["operators"],
                by=request.user,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return _opened(request, pathway)
    return render(request, "protection/pathway_open.html", {"form": form, "referral": None, "transfer": True})


def _opened(request, pathway: ProtectionPathway):
    messages.success(request, _("Protection pathway opened for %(code)s.") % {"code": pathway.person.case_code})
    if access.can_view(request.user, pathway):
        return redirect("protection:detail", pathway.pk)
    return redirect("protection:mine")


# --- the pathway page ---------------------------------------------------------------------------------


def _part_url(name: str, **kwargs) -> str:
    return reverse(f"pathway_parts:{name}", kwargs=kwargs)


@role_required(*CASE_ROLES)
def detail(request, pk: int):
    user = request.user
    # Whether she may change it comes with the record, in the same query (still decided by ceis.access).
    may_change = access.visible(ProtectionPathway, user, action="change").filter(pk=OuterRef("pk"))
    # What is due (a permit expiring within 60 days) comes with the record too: subqueries, no extra query.
    qs = selectors.with_permit_due(
        ProtectionPathway.objects.select_related("person", "referral", "transferred_from")
    ).annotate(
        user_can_change=Exists(may_change),
        pending_closure=Subquery(approvals.pending_requests(ProtectionPathway).values("pk")[:1]),
    )
    pathway = access.get_visible(qs, user, pk=pk)
    record_viewed(pathway)
    can_change = pathway.user_can_change
    assignees = access.assignees([pathway]).get(pathway.pk, [])
    # The secret address: for the operators assigned to this pathway, on this page only (one query for both).
    show_secret = any(a.pk == user.pk for a in assignees)
    items = selectors.timeline(pathway, show_secret=show_secret)
    if can_change:
        for item in items:
            if item.part:
                item.edit_url = _part_url("edit", pathway_pk=pathway.pk, part=item.part, pk=item.pk)
            if item.part == "goal":
                item.review_url = _part_url("review", pathway_pk=pathway.pk, goal_pk=item.pk)
            if item.kind == "goal" and not item.approved and user.is_coordinator:
                item.approve_url = _part_url("approve_goal", pathway_pk=pathway.pk, goal_pk=item.pk)
    add_links = []
    if can_change and pathway.is_open:
        for part, label in (
            ("goal", _("Plan goal")),
            ("accommodation", _("Accommodation")),
            ("literacy", _("Literacy course")),
            ("training", _("Training")),
            ("job", _("Job placement")),
            ("permit", _("Residence permit")),
            ("diary", _("Diary entry")),
        ):
            url = _part_url("add", pathway_pk=pathway.pk, part=part)
            if url:
                add_links.append((url, label))
        add_links.append((reverse("service_referrals:new_for_pathway", args=[pathway.pk]), _("Service requested")))
    is_coordinator = user.is_coordinator
    return render(
        request,
        "protection/pathway_detail.html",
        {
            "pathway": pathway,
            "person": pathway.person,
            "timeline": items,
            "assignees": assignees,
            "can_change": can_change,
            "can_assign": is_coordinator and can_change,
            "assign_form": AssignForm() if is_coordinator and can_change else None,
            "phase_form": PhaseForm(pathway=pathway) if can_change and pathway.is_open else None,
            "add_links": add_links,
            "readers": record_readers(pathway) if is_coordinator else None,
            "permit_days": (pathway.next_permit_expiry - timezone.localdate()).days if pathway.due_permit else None,
        },
    )


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def change_phase(request, pk: int):
    pathway = _pathway(request, pk, action="change")
    if not pathway.is_open:
        messages.info(request, services.PATHWAY_CLOSED)
        return redirect("protection:detail", pathway.pk)
    form = PhaseForm(request.POST or None, pathway=pathway)
    if request.method == "POST" and form.is_valid():
        previous = pathway.phase
        try:
            change = services.pathway_change_phase(pathway=pathway, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            label = change.get_phase_display()
            if services.is_backwards(previous, change.phase):
                messages.warning(
                    request, _("Phase moved back to %(phase)s: recorded as a correction.") % {"phase": label}
                )
            else:
                messages.success(request, _("Phase changed to %(phase)s.") % {"phase": label})
            return redirect("protection:detail", pathway.pk)
    return render(request, "protection/pathway_phase.html", {"form": form, "pathway": pathway})


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def close(request, pk: int):
    pathway = _pathway(request, pk, action="change")
    if not pathway.is_open:
        messages.info(request, services.PATHWAY_CLOSED)
        return redirect("protection:detail", pathway.pk)
    pending = approvals.pending_for(pathway)
    if pending is not None:  # decided on the request's page (coordinators), or awaited (operators)
        messages.info(request, approvals.ALREADY_REQUESTED)
        return redirect(*pending_redirect(request.user, pending, "protection:detail", pathway.pk))
    approval = approvals.needs_approval(request.user)
    form = CloseForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if approval:
                approvals.closure_request(
                    record=pathway,
                    outcome=data["closure_reason"],
                    ended_on=data["ended_on"],
                    receiving_body=data.get("receiving_body"),
                    by=request.user,
                )
            else:
                services.pathway_close(pathway=pathway, **data, by=request.user)
        except SharingRefused as exc:
            refusal = exc  # shown on the form, with the way to record her consent or a legal basis
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            code = {"code": pathway.person.case_code}
            if approval:
                messages.success(request, _("Closure of %(code)s requested: a coordinator will approve it.") % code)
            else:
                messages.success(request, _("Pathway %(code)s closed.") % code)
            return redirect("protection:detail", pathway.pk)
    return render(
        request,
        "protection/pathway_close.html",
        {"form": form, "pathway": pathway, "refusal": refusal, "approval": approval},
    )


@role_required(roles.COORDINATOR)
@require_POST
def assign(request, pk: int):
    pathway = _pathway(request, pk, action="change")
    form = AssignForm(request.POST)
    if form.is_valid():
        operator = form.cleaned_data["operator"]
        if services.pathway_assign(pathway=pathway, operator=operator, by=request.user):
            messages.success(request, _("%(name)s assigned.") % {"name": _name(operator)})
        else:
            messages.info(request, _("That operator was already assigned."))
    else:
        messages.error(request, _("Choose an active operator to assign."))
    return redirect("protection:detail", pathway.pk)


@role_required(roles.COORDINATOR)
@require_http_methods(["GET", "POST"])
def unassign(request, pk: int, user_pk: int):
    pathway = _pathway(request, pk, action="change")
    operator = get_object_or_404(get_user_model(), pk=user_pk)
    if not access.is_assigned(pathway, operator):
        raise Http404
    if request.method == "POST":
        services.pathway_unassign(pathway=pathway, operator=operator, by=request.user)
        messages.success(request, _("%(name)s removed from the pathway.") % {"name": _name(operator)})
        return redirect("protection:detail", pathway.pk)
    return render(request, "protection/pathway_unassign.html", {"pathway": pathway, "operator": operator})
