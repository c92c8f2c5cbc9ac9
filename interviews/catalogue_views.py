"""The indicator catalogue: admins read, correct, add and deactivate the ILO/EU indicators.

Indicators are never deleted: interviews' answers point at them (PROTECT), so an indicator that should no
longer be asked is deactivated. Writes go through the two services below, one transaction each, audited by
django-auditlog with ``by`` as the actor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ceis.accounts.decorators import permissions_or_404
from ceis.audit.services import acting_as

from . import indicators
from .catalogue_forms import (
    STATUS_ACTIVE,
    STATUS_INACTIVE,
    CatalogueFilterForm,
    IndicatorCreateForm,
    IndicatorForm,
    list_key,
)
from .models import Indicator

VIEW = "interviews.view_indicator"
CHANGE = "interviews.change_indicator"
ADD = "interviews.add_indicator"

EDITABLE_FIELDS = ("text_en", "text_it", "strength", "position", "active")
NEW_FIELDS = ("audience", "exploitation", "dimension", "strength", "text_en", "text_it", "position")
ABBREVIATIONS = {
    indicators.DECEPTIVE_RECRUITMENT: "dr",
    indicators.COERCIVE_RECRUITMENT: "cr",
    indicators.ABUSIVE_RECRUITMENT: "ar",
    indicators.EXPLOITATION: "ex",
    indicators.COERCION_AT_DESTINATION: "cd",
    indicators.ABUSE_AT_DESTINATION: "ad",
}


# Reads and writes (selector and services) --------------------------------------------------------------


def catalogue(*, audience: str = "", exploitation: str = "", dimension: str = "", status: str = "") -> QuerySet:
    """The indicators of the catalogue page, in list order."""
    qs = Indicator.objects.all()
    if audience:
        qs = qs.filter(audience=audience)
    if exploitation:
        qs = qs.filter(exploitation=exploitation)
    if dimension:
        qs = qs.filter(dimension=dimension)
    if status == STATUS_ACTIVE:
        qs = qs.filter(active=True)
    elif status == STATUS_INACTIVE:
        qs = qs.filter(active=False)
    return qs.order_by("audience", "exploitation", "position", "code")


def _check_fields(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")


def _next_number(audience: str, exploitation: str, dimension: str) -> int:
    prefix = f"{audience}-{exploitation}-{ABBREVIATIONS[dimension]}-"
    numbers = [
        int(code.removeprefix(prefix))
        for code in Indicator.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if code.removeprefix(prefix).isdigit()
    ]
    return max(numbers, default=0) + 1


@transaction.atomic
def indicator_create(*, data: Mapping[str, Any], by) -> Indicator:
    """Add an indicator to a list. Its code continues the numbering of its dimension; without a position it
    goes at the end of its dimension."""
    _check_fields(data, NEW_FIELDS)
    indicator = Indicator(active=True, **{k: v for k, v in data.items() if k != "position"})
    indicator.full_clean(exclude=["code", "position"])  # a clear error for an unknown list or dimension
    number = _next_number(indicator.audience, indicator.exploitation, indicator.dimension)
    indicator.code = f"{indicator.audience}-{indicator.exploitation}-{ABBREVIATIONS[indicator.dimension]}-{number:02d}"
    position = data.get("position")
    if position is None:
        last = (
            Indicator.objects.filter(
                audience=indicator.audience, exploitation=indicator.exploitation, dimension=indicator.dimension
            )
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        position = last + 1 if last is not None else (indicators.DIMENSIONS.index(indicator.dimension) + 1) * 100 + 1
    indicator.position = position
    indicator.full_clean()
    with acting_as(by):
        indicator.save()
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: Mapping[str, Any], by) -> Indicator:
    """Change an indicator's texts, strength, position or active flag; its list, dimension and code stay."""
    _check_fields(data, EDITABLE_FIELDS)
    for field, value in data.items():
        setattr(indicator, field, value)
    indicator.full_clean()
    with acting_as(by):
        indicator.save(update_fields=[*data])
    return indicator


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
    indicator = get_object_or_404(Indicator, pk=pk)
    form = IndicatorForm(request.POST or None, instance=indicator)  # code, list and dimension are not in it
    if request.method == "POST" and form.is_valid():
        indicator_update(indicator=indicator, data={f: form.cleaned_data[f] for f in EDITABLE_FIELDS}, by=request.user)
        messages.success(request, _("Indicator %(code)s saved.") % {"code": indicator.code})
        return redirect(_list_url(indicator))
    return render(request, "interviews/catalogue/form.html", {"form": form, "indicator": indicator})


@permissions_or_404(VIEW, ADD)
@require_http_methods(["GET", "POST"])
def indicator_create_view(request):
    form = IndicatorCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        indicator = indicator_create(data={f: form.cleaned_data[f] for f in NEW_FIELDS}, by=request.user)
        messages.success(request, _("Indicator %(code)s added.") % {"code": indicator.code})
        return redirect(_list_url(indicator))
    return render(request, "interviews/catalogue/form.html", {"form": form, "indicator": None})
