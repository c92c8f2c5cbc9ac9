"""Reads of the data-protection workspace (coordinators only; the views check the role)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from referrals import selectors as referral_selectors
from referrals.models import Person

from .models import Erasure, LegalHold, Restriction, RetentionCandidate, RetentionRun


def person_by_code(code: str, user) -> Person | None:
    return referral_selectors.person_by_code(code, user)


def person_status(person: Person) -> dict:
    return {
        "restriction": Restriction.objects.filter(person=person).select_related("by").first(),
        "hold": LegalHold.objects.filter(person=person).select_related("by").first(),
        "erasure": Erasure.objects.filter(person=person).select_related("by").first(),
    }


def flagged_people() -> QuerySet[Person]:
    """People restricted or under legal hold, for the workspace's front page."""
    restricted = Restriction.objects.filter(person=OuterRef("pk"))
    held = LegalHold.objects.filter(person=OuterRef("pk"))
    return (
        Person.objects.annotate(restricted=Exists(restricted), held=Exists(held))
        .filter(Q(restricted=True) | Q(held=True), merged_into__isnull=True)  # a merged record's flags were carried
        .only("id", "case_code")
        .order_by("case_code")
    )


def runs() -> QuerySet[RetentionRun]:
    state = RetentionCandidate.State
    return RetentionRun.objects.annotate(
        total=Count("candidates"),
        pending=Count("candidates", filter=Q(candidates__state=state.PENDING)),
        excluded=Count("candidates", filter=Q(candidates__state=state.EXCLUDED)),
        done=Count("candidates", filter=Q(candidates__state=state.DONE)),
    )


def candidates_of(run: RetentionRun) -> QuerySet[RetentionCandidate]:
    return run.candidates.select_related("rule", "content_type", "person", "decided_by").order_by(
        "rule__kind", "object_id"
    )


def is_restricted(person: Person) -> bool:
    return Restriction.objects.filter(person=person).exists()
