"""Writes on the records beneath a pathway (plan goals, stays, courses, placements, permits, diary).

Each service is one transaction, audited with ``by`` as the actor. Encrypted fields (the secret
address, the diary, goals in her own words) are excluded from the audit diff by the app's registration.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
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
        if isinstance(record, PlanGoal) and record.approved_at and form.has_changed():
            # The coordinator approved the goal as it was written: a changed goal waits for a new approval.
            record.approved_by, record.approved_at = None, None
        record.save()
    return record


GOAL_APPROVAL_COORDINATORS_ONLY = _("Only a coordinator approves the goals of the plan.")


@transaction.atomic
def goal_approve(*, goal: PlanGoal, by) -> bool:
    """Mark a plan goal "approved by the coordinator" (who and when). False if it already is."""
    if not (by.is_superuser or by.is_coordinator):
        raise PermissionDenied(GOAL_APPROVAL_COORDINATORS_ONLY)
    goal = PlanGoal.objects.select_for_update().get(pk=goal.pk)
    if goal.approved_at is not None:
        return False
    goal.approved_by = by
    goal.approved_at = timezone.now()
    with acting_as(by):
        goal.save(update_fields=["approved_by", "approved_at", "updated_at"])
    return True


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
