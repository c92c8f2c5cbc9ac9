from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseload import selectors, services
from caseload.forms import ReassignForm
from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from protection.models import ProtectionPathway
from referrals.models import Referral


def _render_dashboard(request, form: ReassignForm, status: int = 200):
    caseloads = selectors.caseload_by_operator()
    # The assignable operators were just read for the caseloads: offer the same list, without a second query
    # (the field still validates a POST against its queryset).
    field = form.fields["operator"]
    field.choices = [("", field.empty_label)] + [
        (c.operator.pk, field.label_from_instance(c.operator)) for c in caseloads
    ]
    context = {
        "caseloads": caseloads,
        "statuses": [Referral.Status(s).label for s in selectors.OPEN_STATUSES],
        "urgencies": Referral.Urgency.labels,
        "phases": ProtectionPathway.Phase.labels,
        "form": form,
    }
    return render(request, "caseload/dashboard.html", context, status=status)


@role_required(roles.COORDINATOR)
@require_GET
def dashboard(request):
    return _render_dashboard(request, ReassignForm(user=request.user))


@role_required(roles.COORDINATOR)
@require_GET
def operator_records(request, user_pk: int):
    """Every open record of one operator, to move some of them to a colleague."""
    operator = get_object_or_404(access.operators_assignable(), pk=user_pk)
    context = {"operator": operator, "records": selectors.records_of(operator), "form": ReassignForm(user=request.user)}
    return render(request, "caseload/reassign.html", context)


@role_required(roles.COORDINATOR)
@require_POST
def reassign(request):
    form = ReassignForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_dashboard(request, form, status=400)
    moved = services.caseload_reassign(
        referrals=form.cleaned_data["referrals"],
        pathways=form.cleaned_data["pathways"],
        operator=form.cleaned_data["operator"],
        by=request.user,
    )
    messages.success(
        request,
        _("%(count)d records reassigned to %(operator)s.")
        % {"count": moved, "operator": form.cleaned_data["operator"].username},
    )
    return redirect("caseload:dashboard")


@role_required(roles.COORDINATOR)
@require_GET
def export_csv(request):
    response = HttpResponse(services.caseload_csv(by=request.user), content_type="text/csv; charset=utf-8")
    filename = f"caseload-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
