"""Add and edit the records beneath a pathway: one pair of views for every kind of part.

The pathway is fetched for change through ``ceis.access`` (404 otherwise), the part within that
pathway. A closed pathway is changed only by coordinators.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django import forms
from django.contrib import messages
from django.db import models
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.submissions.decorators import submitted_once

from ..models import (
    Accommodation,
    DiaryEntry,
    JobPlacement,
    LiteracyCourse,
    PlanGoal,
    ProtectionPathway,
    ResidencePermit,
    Training,
)
from . import forms as part_forms
from . import services as part_services

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)


class Part(NamedTuple):
    model: type[models.Model]
    form: type[forms.ModelForm]
    add_title: Promise
    edit_title: Promise
    save: Callable[..., models.Model] = part_services.part_save


PARTS: dict[str, Part] = {
    "goal": Part(PlanGoal, part_forms.PlanGoalForm, _("New goal of the individual plan"), _("Edit a plan goal")),
    "accommodation": Part(
        Accommodation,
        part_forms.AccommodationForm,
        _("New accommodation"),
        _("Edit an accommodation"),
        part_services.accommodation_save,
    ),
    "literacy": Part(
        LiteracyCourse, part_forms.LiteracyCourseForm, _("New literacy course"), _("Edit a literacy course")
    ),
    "training": Part(Training, part_forms.TrainingForm, _("New training"), _("Edit a training")),
    "job": Part(JobPlacement, part_forms.JobPlacementForm, _("New job placement"), _("Edit a job placement")),
    "permit": Part(
        ResidencePermit, part_forms.ResidencePermitForm, _("New residence permit"), _("Edit a residence permit")
    ),
    "diary": Part(DiaryEntry, part_forms.DiaryEntryForm, _("New diary entry"), _("Edit a diary entry")),
}


def _part(name: str) -> Part:
    try:
        return PARTS[name]
    except KeyError as exc:
        raise Http404 from exc


def _pathway(request, pk: int) -> ProtectionPathway:
    return access.get_visible(ProtectionPathway.objects.select_related("person"), request.user, action="change", pk=pk)


def _closed(request, pathway: ProtectionPathway):
    """Redirect (with the reason) when this user may not change the pathway any more; None otherwise."""
    if part_services.accepts_changes_from(pathway, request.user):
        return None
    messages.error(request, part_services.PathwayClosed.message)
    return redirect("protection:detail", pathway.pk)


def _form_page(request, *, pathway: ProtectionPathway, part: Part, record: models.Model | None):
    if (closed := _closed(request, pathway)) is not None:
        return closed
    form = part.form(request.POST or None, instance=record, pathway=pathway, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = part.save(form=form, pathway=pathway, by=request.user)
        messages.success(request, _("%(record)s saved.") % {"record": saved._meta.verbose_name.capitalize()})
        return redirect("protection:detail", pathway.pk)
    return render(
        request,
        "protection/parts/form.html",
        {
            "form": form,
            "pathway": pathway,
            "record": record,
            "title": part.edit_title if record else part.add_title,
        },
    )


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def add(request, pathway_pk: int, part: str):
    spec = _part(part)
    pathway = _pathway(request, pathway_pk)
    return _form_page(request, pathway=pathway, part=spec, record=None)


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def edit(request, pathway_pk: int, part: str, pk: int):
    spec = _part(part)
    pathway = _pathway(request, pathway_pk)
    record = access.get_visible(spec.model.objects.filter(pathway=pathway), request.user, action="change", pk=pk)
    return _form_page(request, pathway=pathway, part=spec, record=record)


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def review(request, pathway_pk: int, goal_pk: int):
    """Add a dated review to a goal of the individual plan."""
    pathway = _pathway(request, pathway_pk)
    goal = access.get_visible(PlanGoal.objects.filter(pathway=pathway), request.user, action="change", pk=goal_pk)
    if (closed := _closed(request, pathway)) is not None:
        return closed
    form = part_forms.GoalReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        part_services.goal_review_add(form=form, goal=goal, by=request.user)
        messages.success(request, _("Review of the goal saved."))
        return redirect("protection:detail", pathway.pk)
    return render(
        request,
        "protection/parts/review_form.html",
        {"form": form, "pathway": pathway, "goal": goal, "reviews": goal.reviews.all()},
    )


@role_required(roles.COORDINATOR)
@require_POST
def approve_goal(request, pathway_pk: int, goal_pk: int):
    """A coordinator marks a goal of the plan "approved by the coordinator"."""
    pathway = _pathway(request, pathway_pk)
    goal = access.get_visible(PlanGoal.objects.filter(pathway=pathway), request.user, action="change", pk=goal_pk)
    if part_services.goal_approve(goal=goal, by=request.user):
        messages.success(request, _("Goal approved."))
    else:
        messages.info(request, _("This goal was already approved."))
    return redirect("protection:detail", pathway.pk)
