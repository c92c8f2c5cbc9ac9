"""The service's settings page: the letterhead of documents sent out, the activation line, the logo, the switches.

Admins and coordinators edit it; every change is in the audit log (auditlog on the row, the logo as changed
without its bytes).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.uploads import size_limited

from .forms import LOGO_MAX_BYTES, ServiceSettingsForm
from .selectors import service_settings
from .services import service_settings_update

EDITORS = (roles.ADMIN, roles.COORDINATOR)


@role_required(*EDITORS)
@size_limited(lambda: LOGO_MAX_BYTES)
@require_http_methods(["GET", "POST"])
def edit(request, *, upload_limit):
    row = service_settings()
    form = ServiceSettingsForm(
        request.POST or None, request.FILES or None, instance=row, logo_too_large=upload_limit.refused
    )
    if request.method == "POST" and form.is_valid():
        service_settings_update(by=request.user, **form.changes())
        messages.success(request, _("Service settings saved."))
        return redirect("service:settings")
    return render(request, "service/settings.html", {"form": form, "settings_row": row}, status=200)


@role_required(*EDITORS)
@require_safe
def logo(request):
    row = service_settings()
    if not row.logo:
        return HttpResponse(status=204)  # no logo yet
    response = HttpResponse(bytes(row.logo), content_type=row.logo_type)
    response["Cache-Control"] = "private, no-store"
    return response
