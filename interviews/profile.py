"""Glue between interviews and the pure ILO rule of ``interviews.indicators``: which lists to show
for a person, and the indicator profile of an interview's answers (decision support, never a verdict)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from referrals.models import Referral

from . import indicators
from .models import CatalogueVersion, Indicator, Interview

LIST_LABELS = {
    (Indicator.Audience.ADULT, Indicator.Exploitation.LABOUR): _("Adults, labour exploitation"),
    (Indicator.Audience.ADULT, Indicator.Exploitation.SEXUAL): _("Adults, sexual exploitation"),
    (Indicator.Audience.CHILD, Indicator.Exploitation.LABOUR): _("Children, labour exploitation"),
    (Indicator.Audience.CHILD, Indicator.Exploitation.SEXUAL): _("Children, sexual exploitation"),
}


@dataclass
class ListProfile:
    audience: str
    exploitation: str
    profile: indicators.Profile
    version: CatalogueVersion | None = None
    substitute: bool = False  # used for a list that was not loaded (the sexual-exploitation list)

    @property
    def label(self):
        return LIST_LABELS[(self.audience, self.exploitation)]

    @property
    def verified(self) -> bool:
        return self.version is None or self.version.is_verified


def lists_for(*, referral: Referral, interview: Interview | None = None) -> list[tuple[str, str]]:
    """The (audience, exploitation) lists that fit the person and the forms of exploitation suspected."""
    codes = {f.code for f in referral.exploitation_forms.all()}
    if interview is not None and interview.pk:
        codes |= {f.code for f in interview.exploitation_forms.all()}
    return indicators.lists_to_show(minor=referral.person.presumed_minor, exploitation_codes=codes)


def profiles_for(answers, *, substituted: Iterable[int] = ()) -> list[ListProfile]:
    """One profile per catalogue version that has answers, computed on the indicators observed or reported.

    ``answers`` should come with ``indicator__version``; ``substituted`` holds the ids of versions the interview
    used in place of a list that was not loaded (``InterviewList.substitute``).
    """
    substituted = set(substituted)
    present: dict[tuple[str, str, int], list[tuple[str, str]]] = defaultdict(list)
    versions: dict[int, CatalogueVersion] = {}
    for answer in answers:
        ind = answer.indicator
        if not ind.dimension:  # a checklist's item: no strengths, no rule (``checklist_summaries``)
            continue
        key = (ind.audience, ind.exploitation, ind.version_id)
        versions[ind.version_id] = ind.version
        present.setdefault(key, [])
        if answer.is_present:
            present[key].append((ind.dimension, ind.strength))
    return [
        ListProfile(
            audience,
            exploitation,
            indicators.indicator_profile(items, child=audience == Indicator.Audience.CHILD),
            version=versions[version_id],
            substitute=version_id in substituted,
        )
        for (audience, exploitation, version_id), items in sorted(present.items())
    ]


@dataclass
class SectionSummary:
    section: str
    present: int = 0  # observed or reported
    answered: int = 0  # any answer other than "not asked"


@dataclass
class ChecklistSummary:
    """What an interview recorded on one checklist: per section, how many items were present. No rule applies."""

    version: CatalogueVersion
    sections: list[SectionSummary]

    @property
    def verified(self) -> bool:
        return self.version.is_verified

    @property
    def present(self) -> int:
        return sum(s.present for s in self.sections)


def checklist_summaries(answers) -> list[ChecklistSummary]:
    """One summary per checklist version that has answers (``answers`` with ``indicator__version``)."""
    versions: dict[int, CatalogueVersion] = {}
    sections: dict[int, dict[str, SectionSummary]] = defaultdict(dict)
    for answer in sorted(answers, key=lambda a: a.indicator.position):
        ind = answer.indicator
        if ind.dimension:
            continue
        versions[ind.version_id] = ind.version
        summary = sections[ind.version_id].setdefault(ind.section, SectionSummary(ind.section))
        if answer.answer != answer.Answer.NOT_ASKED:
            summary.answered += 1
        if answer.is_present:
            summary.present += 1
    return [
        ChecklistSummary(versions[pk], list(sections[pk].values()))
        for pk in sorted(versions, key=lambda pk: versions[pk].name.lower())
    ]
