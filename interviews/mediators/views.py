"""Cultural mediators (admins): reference data chosen in interviews. Deactivated, never deleted."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ceis.accounts.decorators import permissions_or_404
from ceis.audit.services import acting_as
from ceis.submissions.decorators import submitted_once

from ..models import Mediator
from .forms import MediatorForm

VIEW, CHANGE, ADD = "interviews.view_mediator", "interviews.change_mediator", "interviews.add_mediator"


@transaction.atomic
def mediator_save(*, form: MediatorForm, by) -> Mediator:
    with acting_as(by):
        return form.save()


@permissions_or_404(VIEW, CHANGE)
def mediator_list(request):
    mediators = Mediator.objects.select_related("body").order_by("-active", "name")
    return render(request, "interviews/mediators/list.html", {"mediators": mediators})


@permissions_or_404(VIEW, ADD)
@require_http_methods(["GET", "POST"])
@submitted_once
def mediator_create(request):
    form = MediatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mediator_save(form=form, by=request.user)
        messages.success(request, _("Mediator saved."))
        return redirect("interviews:mediators")
    return render(request, "interviews/mediators/form.html", {"form": form, "mediator": None})


@permissions_or_404(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
def mediator_edit(request, pk: int):
    mediator = get_object_or_404(Mediator, pk=pk)
    form = MediatorForm(request.POST or None, instance=mediator)
    if request.method == "POST" and form.is_valid():
        mediator_save(form=form, by=request.user)
        messages.success(request, _("Mediator saved."))
        return redirect("interviews:mediators")
    return render(request, "interviews/mediators/form.html", {"form": form, "mediator": mediator})
