"""Writes on interviews. Each service is one transaction, audited with its actor."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from ceis.audit.services import acting_as
from referrals.models import Referral
from referrals.services import referral_advance

from . import indicators
from .models import CatalogueVersion, Indicator, IndicatorAnswer, Interview, InterviewList


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
def interview_save(
    *,
    form,
    by,
    answers: Mapping[int, tuple[str, str]] | None = None,
    lists: Iterable[Any] = (),
    checklists: Iterable[CatalogueVersion] = (),
) -> Interview:
    """Save a validated interview form (new or existing) and its indicator answers.

    Scheduling an interview moves the referral to "interview scheduled", holding one to "in assessment".
    ``answers`` maps indicator id -> (answer, note); ``lists`` are the ``catalogues.ListInUse`` the form showed:
    the interview records the version used for each list it needed (kept once recorded). Of the ``checklists``
    the form showed, the interview records those it holds an answer to.
    """
    with acting_as(by):
        interview = form.save(commit=False)
        if interview.pk is None:
            interview.number = _next_number(interview.referral)
            interview.created_by = by
        interview.save()
        form.save_m2m()
        for item in lists:
            InterviewList.objects.get_or_create(
                interview=interview, needed=item.needed, defaults={"version": item.version}
            )
        if answers is not None:
            _save_answers(interview, answers)
        checklists = list(checklists)
        if checklists:
            answered = set(
                interview.answers.filter(indicator__version__in=checklists).values_list("indicator__version", flat=True)
            )
            for version in checklists:
                if version.pk in answered:
                    InterviewList.objects.get_or_create(interview=interview, version=version, needed="")
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


NEEDED = _("This field is required.")
NO_DRAFT = _("This list has no draft version: start a correction of the version in use, or import a new one.")
PUBLISHED = _("This indicator belongs to a published version and is never edited in place: start a correction.")


# The indicator catalogue (admins): fields each service may set, and the code of each dimension.
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


def _check_fields(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")


def _next_indicator_number(version: CatalogueVersion, dimension: str) -> int:
    prefix = f"{version.audience}-{version.exploitation}-{ABBREVIATIONS[dimension]}-"
    numbers = [
        int(code.removeprefix(prefix))
        for code in version.indicators.filter(code__startswith=prefix).values_list("code", flat=True)
        if code.removeprefix(prefix).isdigit()
    ]
    return max(numbers, default=0) + 1


@transaction.atomic
def indicator_create(*, data: Mapping[str, Any], by) -> Indicator:
    """Add an indicator to the draft version of its list. Its code continues the numbering of its dimension;
    without a position it goes at the end of its dimension. A list with no draft refuses: published versions
    are never edited in place."""
    _check_fields(data, NEW_FIELDS)
    indicator = Indicator(active=True, **{k: v for k, v in data.items() if k != "position"})
    indicator.full_clean(exclude=["code", "position", "version"])  # a clear error for an unknown list or dimension
    missing = {f: NEEDED for f in ("audience", "exploitation", "dimension", "strength") if not getattr(indicator, f)}
    if missing:
        raise ValidationError(missing)
    draft = (
        CatalogueVersion.objects.filter(
            kind=CatalogueVersion.Kind.ILO,
            audience=indicator.audience,
            exploitation=indicator.exploitation,
            status=CatalogueVersion.Status.DRAFT,
        )
        .order_by("-loaded_at", "-pk")
        .first()
    )
    if draft is None:
        raise ValidationError(NO_DRAFT)
    indicator.version = draft
    number = _next_indicator_number(draft, indicator.dimension)
    indicator.code = f"{indicator.audience}-{indicator.exploitation}-{ABBREVIATIONS[indicator.dimension]}-{number:02d}"
    position = data.get("position")
    if position is None:
        last = (
            draft.indicators.filter(dimension=indicator.dimension)
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
    if not indicator.version.is_draft:
        raise ValidationError(PUBLISHED)
    for field, value in data.items():
        setattr(indicator, field, value)
    indicator.full_clean()
    with acting_as(by):
        indicator.save(update_fields=[*data])
    return indicator
