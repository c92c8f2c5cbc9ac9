from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ceis.accounts import roles
from ceis.accounts.decorators import role_required

from .forms import AuditFilterForm
from .models import Event
from .selectors import audit_trail, trail_page_rows
from .services import event_record

PAGE_SIZE = 50


@role_required(roles.COORDINATOR, roles.ADMIN)
@require_GET
def audit_log(request):
    """Who did what to which record, and when: ids, never content. Reading it is audited too."""
    form = AuditFilterForm(request.GET or None, may_see_cases=request.user.has_role(roles.COORDINATOR))
    # Filters that do not hold (an unknown case code, ...) show their error and no rows, never the whole trail.
    trail = audit_trail(form.trail_filter()) if not form.is_bound or form.is_valid() else []
    page = Paginator(trail, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = trail_page_rows(page.object_list)
    event_record(kind=Event.Kind.AUDIT_VIEW, actor=request.user, details={**form.audit_details(), "page": page.number})
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "audit/log.html", context)
