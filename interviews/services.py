"""Writes on interviews. Each service is one transaction, audited with its actor."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max

from ceis.audit.services import acting_as
from referrals.models import Referral
from referrals.services import referral_advance

from .models import Indicator, IndicatorAnswer, Interview


def _next_number(referral: Referral) -> int:
    # Lock the referral row so two interviews recorded at once cannot take the same number.
    Referral.objects.select_for_update().filter(pk=referral.pk).first()
    return (referral.interviews.aggregate(n=Max("number"))["n"] or 0) + 1


def _advance(interview: Interview, by) -> None:
    if interview.held_at:
        referral_advance(referral=interview.referral, to=Referral.Status.IN_ASSESSMENT, by=by)
    elif interview.scheduled_at:
        referral_advance(referral=interview.referral, to=Referral.Status.INTERVIEW_SCHEDULED, by=by)


@transaction.atomic
def interview_save(*, form, by, answers: Mapping[int, tuple[str, str]] | None = None) -> Interview:
    """Save a validated interview form (new or existing) and its indicator answers.

    Scheduling an interview moves the referral to "interview scheduled", holding one to "in assessment".
    ``answers`` maps indicator id -> (answer, note).
    """
    with acting_as(by):
        interview = form.save(commit=False)
        if interview.pk is None:
            interview.number = _next_number(interview.referral)
            interview.created_by = by
        interview.save()
        form.save_m2m()
        if answers is not None:
            _save_answers(interview, answers)
        _advance(interview, by)
    return interview


def _save_answers(interview: Interview, answers: Mapping[int, tuple[str, str]]) -> None:
    existing = {a.indicator_id: a for a in interview.answers.all()}
    valid_ids = set(Indicator.objects.filter(pk__in=answers.keys()).values_list("pk", flat=True))
    to_create, to_update = [], []
    for indicator_id, (answer, note) in answers.items():
        if indicator_id not in valid_ids:
            continue
        row = existing.get(indicator_id)
        if row is None:
            if answer == IndicatorAnswer.Answer.NOT_ASKED and not note:
                continue
            to_create.append(IndicatorAnswer(interview=interview, indicator_id=indicator_id, answer=answer, note=note))
        elif (row.answer, row.note) != (answer, note):
            row.answer, row.note = answer, note
            to_update.append(row)
    # Row by row (not bulk) so that each change goes through auditlog's signals.
    for row in to_create + to_update:
        row.save()
