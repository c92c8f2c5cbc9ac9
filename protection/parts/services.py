"""Writes on the records beneath a pathway (plan goals, stays, courses, placements, permits, diary).

Each service is one transaction, audited with ``by`` as the actor. Encrypted fields (the secret
address, the diary, goals in her own words) are excluded from the audit diff by the app's registration.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from ceis.audit.services import acting_as

from ..models import Accommodation, GoalReview, PlanGoal, ProtectionPathway


class PathwayClosed(PermissionDenied):
    """An operator tried to change a closed pathway; only coordinators may."""

    message = _("This pathway is closed.")


def accepts_changes_from(pathway: ProtectionPathway, user) -> bool:
    """A closed pathway is changed only by coordinators (late corrections); an open one by whoever may change it."""
    return pathway.is_open or user.is_coordinator


def _check_open(pathway: ProtectionPathway, by) -> None:
    if not accepts_changes_from(pathway, by):
        raise PathwayClosed(PathwayClosed.message)


@transaction.atomic
def part_save(*, form, pathway: ProtectionPathway, by) -> models.Model:
    """Save a validated form of a record beneath ``pathway`` (new or existing)."""
    _check_open(pathway, by)
    with acting_as(by):
        record = form.save(commit=False)
        record.pathway = pathway
        if record.pk is None:
            record.created_by = by
        record.save()
    return record


@transaction.atomic
def accommodation_save(*, form, pathway: ProtectionPathway, by) -> Accommodation:
    """Save a stay. The secret address is write-only: empty keeps the stored one, "remove" clears it.

    The form carries the address only for the operators assigned to the pathway; for anyone else
    the stored address is left exactly as it was.
    """
    _check_open(pathway, by)
    data = form.cleaned_data
    with acting_as(by):
        stay = form.save(commit=False)
        stay.pathway = pathway
        if stay.pk is None:
            stay.created_by = by
        if data.get("remove_secret_address"):
            stay.secret_address = ""
        elif data.get("secret_address"):
            stay.secret_address = data["secret_address"]
        stay.save()
    return stay


@transaction.atomic
def goal_review_add(*, form, goal: PlanGoal, by) -> GoalReview:
    """Add a dated review to a goal of the individual plan."""
    _check_open(goal.pathway, by)
    with acting_as(by):
        review = form.save(commit=False)
        review.goal = goal
        review.created_by = by
        review.save()
    return review
