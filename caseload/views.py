from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from caseload import selectors, services
from caseload.forms import ReassignForm
from ceis import access, exports
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from protection.models import ProtectionPathway
from protection.service_referrals import selectors as service_selectors
from referrals.models import Referral

PAGE_SIZE = 25
SORTS = ("name", "-name", "overdue")


def _render_dashboard(request, form: ReassignForm, status: int = 200):
    """A page of operators (25, by name or by overdue records, filtered by name) with their figures."""
    operators = access.operators_assignable()
    name = request.GET.get("q", "").strip()[:150]
    if name:
        operators = operators.filter(username__icontains=name)
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    if sort == "overdue":
        # Ranking by what is overdue needs every (filtered) operator's figures: read from the stored ones,
        # counted for those not up to date; the default order reads one page only.
        everyone = selectors.caseload_by_operator(operators=operators)
        everyone.sort(key=lambda c: (-c.overdue_count, c.operator.username))
        page = Paginator(everyone, PAGE_SIZE).get_page(request.GET.get("page"))
        caseloads = list(page.object_list)
    else:
        page = Paginator(operators.order_by(sort.replace("name", "username")), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        caseloads = selectors.caseload_by_operator(operators=list(page.object_list))
    context = {
        "caseloads": caseloads,
        "page": page,
        "query": urlencode({**({"q": name} if name else {}), **({"sort": sort} if sort != "name" else {})}),
        "name": name,
        "sort": sort,
        "sorts": [("name", _("Name (A to Z)")), ("-name", _("Name (Z to A)")), ("overdue", _("Most overdue first"))],
        # translated once, not once per operator
        "urgencies": [str(label) for label in Referral.Urgency.labels],
        "phases": [str(label) for label in ProtectionPathway.Phase.labels],
        "form": form,
        "overdue_services": service_selectors.overdue_for_dashboard(request.user),
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
        ngettext("%(count)d record reassigned to %(operator)s.", "%(count)d records reassigned to %(operator)s.", moved)
        % {"count": moved, "operator": str(form.cleaned_data["operator"])},
    )
    return redirect("caseload:dashboard")


@role_required(roles.COORDINATOR)
@require_GET
def export_csv(request):
    filename = f"caseload-{timezone.localdate():%Y-%m-%d}.csv"
    return exports.csv_response(services.caseload_rows(by=request.user), filename, rfc=exports.wants_rfc(request))
