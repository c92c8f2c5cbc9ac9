"""Which catalogue version an interview uses for each list it needs, and what to say about it.

An interview needs lists (``profile.lists_for``: audience × exploitation). Each is answered from the version the
interview already recorded, or else the version in use. When the needed list has no version in use, the labour
list of the same audience stands in (if the service's setting allows it) and is labelled as a substitute
everywhere; otherwise the list is missing and the form says who can load it.

Checklists (``CatalogueVersion.Kind.CHECKLIST``: items in sections, no strengths, no rule) stand beside the lists:
an interview may answer every checklist in use, and keeps the version of each it answered (``checklists_for``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ceis.service.selectors import service_settings

from .models import CatalogueVersion, Interview
from .profile import LIST_LABELS, lists_for

LABOUR = "labour"
SUBSTITUTE_LINE = _("Assessed with the list for labour exploitation: the list for sexual exploitation is not loaded.")
NOT_VERIFIED_LINE = _("List not verified against its source (%(version)s).")


@dataclass(frozen=True)
class ListInUse:
    audience: str
    needed: str
    version: CatalogueVersion | None

    @property
    def label(self):
        return LIST_LABELS[(self.audience, self.needed)]

    @property
    def substitute(self) -> bool:
        return self.version is not None and self.version.exploitation != self.needed

    @property
    def missing(self) -> bool:
        return self.version is None


def in_use() -> dict[tuple[str, str], CatalogueVersion]:
    """The version in use of every list (one query)."""
    return {(v.audience, v.exploitation): v for v in CatalogueVersion.objects.filter(status="in_use", kind="ilo")}


def resolve(*, referral, interview: Interview | None = None) -> list[ListInUse]:
    """The version to use for each list the interview needs; a version it already recorded always wins."""
    recorded = {}
    if interview is not None and interview.pk:
        # prefetched with their versions by ``selectors.interview_with_answers``
        recorded = {(r.version.audience, r.needed): r.version for r in interview.lists.all() if r.needed}
    keys = lists_for(referral=referral, interview=interview)
    current = {} if all(key in recorded for key in keys) else in_use()
    substitution = None
    result = []
    for audience, needed in keys:
        version = recorded.get((audience, needed)) or current.get((audience, needed))
        if version is None and needed != LABOUR:
            if substitution is None:
                substitution = service_settings().catalogue_substitution
            if substitution:
                version = current.get((audience, LABOUR))
        result.append(ListInUse(audience, needed, version))
    return result


def versions_of(lists: list[ListInUse]) -> list[CatalogueVersion]:
    """Each version once, in the order of the lists."""
    seen: dict[int, CatalogueVersion] = {}
    for item in lists:
        if item.version is not None:
            seen.setdefault(item.version.pk, item.version)
    return list(seen.values())


def recorded_checklists(interview: Interview | None = None) -> list[CatalogueVersion]:
    """The checklist versions an interview already answered (from its prefetched lists: no query).

    They keep their version even once a correction is in use; the other checklists in use are offered beside
    them (``forms.indicators_for``)."""
    if interview is None or not interview.pk:
        return []
    return [r.version for r in interview.lists.all() if not r.needed]
