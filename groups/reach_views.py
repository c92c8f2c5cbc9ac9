"""Reach of the group sessions over a period, and the language gap of the materials library.

Operators see the figures of the sessions they may see (their own), coordinators of all: the
sessions come from ``ceis.access`` only. Counts, never names.
"""

from __future__ import annotations

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required

from . import reach as selectors
from .models import GroupSession

EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)


class PeriodForm(forms.Form):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD``, both days included; a missing end falls back to the current year's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        this_year = selectors.Period.year(timezone.localdate().year)
        start, end = data.get("from") or this_year.start, data.get("to") or this_year.end
        if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
            raise forms.ValidationError(
                _("Choose dates between %(earliest)s and %(latest)s."),
                params={"earliest": EARLIEST.strftime("%d/%m/%Y"), "latest": LATEST.strftime("%d/%m/%Y")},
                code="out_of_range",
            )
        if start > end:
            raise forms.ValidationError(_("The start of the period comes after its end."), code="inverted")
        data["period"] = selectors.Period(start, end)
        return data


def _period_form(request) -> tuple[PeriodForm, selectors.Period | None]:
    this_year = selectors.Period.year(timezone.localdate().year)
    if not request.GET:
        return PeriodForm(initial={"from": this_year.start, "to": this_year.end}), this_year
    form = PeriodForm(request.GET)
    return form, form.cleaned_data["period"] if form.is_valid() else None


@role_required(roles.OPERATOR, roles.COORDINATOR)
@require_GET
def overview(request):
    form, period = _period_form(request)
    sessions = access.visible(GroupSession, request.user)
    return render(
        request,
        "groups/reach.html",
        {
            "form": form,
            "period": period,
            "reach": selectors.reach(sessions, period) if period else None,
        },
    )


@role_required(roles.OPERATOR, roles.COORDINATOR)
@require_GET
def language_gap(request):
    form, period = _period_form(request)
    sessions = access.visible(GroupSession, request.user)
    return render(
        request,
        "groups/language_gap.html",
        {
            "form": form,
            "period": period,
            "gap": selectors.language_gap(sessions, period) if period else None,
        },
    )
