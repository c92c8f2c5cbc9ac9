"""The indicator catalogue: admins read, correct, add and deactivate the ILO/EU indicators.

Indicators are never deleted: interviews' answers point at them (PROTECT), so an indicator that should no
longer be asked is deactivated. Writes go through two services of ``interviews.services``, one transaction each, audited by
django-auditlog with ``by`` as the actor.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ceis.accounts.decorators import permissions_or_404
from ceis.submissions.decorators import submitted_once

from .catalogue_forms import (
    CatalogueFilterForm,
    IndicatorCreateForm,
    IndicatorForm,
    list_key,
)
from .models import Indicator
from .selectors import catalogue
from .services import EDITABLE_FIELDS, NEW_FIELDS, PUBLISHED, indicator_create, indicator_update

VIEW = "interviews.view_indicator"
CHANGE = "interviews.change_indicator"
ADD = "interviews.add_indicator"


# Views ---------------------------------------------------------------------------------------------------


def _list_url(indicator: Indicator) -> str:
    query = urlencode({"list": list_key(indicator.audience, indicator.exploitation), "dimension": indicator.dimension})
    return f"{reverse('catalogue:list')}?{query}#indicator-{indicator.pk}"


@permissions_or_404(VIEW, CHANGE)
def catalogue_list(request):
    form = CatalogueFilterForm(request.GET or None)
    rows = list(catalogue(**form.filters()))
    return render(
        request,
        "interviews/catalogue/list.html",
        {"form": form, "indicators": rows, "can_add": request.user.has_perm(ADD)},
    )


@permissions_or_404(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk: int):
    indicator = get_object_or_404(Indicator.objects.select_related("version").filter(version__kind="ilo"), pk=pk)
    if not indicator.version.is_draft:
        messages.error(request, PUBLISHED)
        return redirect(_list_url(indicator))
    form = IndicatorForm(request.POST or None, instance=indicator)  # code, list and dimension are not in it
    if request.method == "POST" and form.is_valid():
        indicator_update(indicator=indicator, data={f: form.cleaned_data[f] for f in EDITABLE_FIELDS}, by=request.user)
        messages.success(request, _("Indicator %(code)s saved.") % {"code": indicator.code})
        return redirect(_list_url(indicator))
    return render(request, "interviews/catalogue/form.html", {"form": form, "indicator": indicator})


@permissions_or_404(VIEW, ADD)
@require_http_methods(["GET", "POST"])
@submitted_once
def indicator_create_view(request):
    form = IndicatorCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_create(data={f: form.cleaned_data[f] for f in NEW_FIELDS}, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Indicator %(code)s added.") % {"code": indicator.code})
            return redirect(_list_url(indicator))
    return render(request, "interviews/catalogue/form.html", {"form": form, "indicator": None})
