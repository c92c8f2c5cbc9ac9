"""Reads on catalogue versions: counts per dimension × strength, and the difference from the version in use."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Min

from .. import indicators as rule
from ..models import CatalogueVersion, Indicator


@dataclass
class CountRow:
    dimension: str
    label: str
    strong: int = 0
    medium: int = 0
    weak: int = 0
    expected: int | None = None

    @property
    def total(self) -> int:
        return self.strong + self.medium + self.weak

    @property
    def matches(self) -> bool | None:
        return None if self.expected is None else self.expected == self.total


@dataclass
class SectionCount:
    section: str
    n: int


def section_counts(version: CatalogueVersion) -> list[SectionCount]:
    """A checklist's items per section, in the order of their first position (one query)."""
    rows = version.indicators.values("section").annotate(n=Count("pk"), first=Min("position")).order_by("first")
    return [SectionCount(r["section"], r["n"]) for r in rows]


def counts(version: CatalogueVersion) -> list[CountRow]:
    """Indicators per dimension × strength, beside the count the source states where known (one query)."""
    if version.is_checklist:
        return []
    rows = {d: CountRow(d, rule.DIMENSION_LABELS[d], expected=version.expected_counts.get(d)) for d in rule.DIMENSIONS}
    for item in version.indicators.values("dimension", "strength").annotate(n=Count("pk")).order_by():
        setattr(rows[item["dimension"]], item["strength"], item["n"])
    return list(rows.values())


@dataclass
class Diff:
    added: list[Indicator] = field(default_factory=list)
    removed: list[Indicator] = field(default_factory=list)
    strength_changed: list[tuple[Indicator, Indicator]] = field(default_factory=list)
    text_changed: list[tuple[Indicator, Indicator]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.strength_changed or self.text_changed)


def same_list(version: CatalogueVersion):
    """Every version of the list ``version`` belongs to (ILO/EU: audience × exploitation; checklists: code)."""
    if version.is_checklist:
        return CatalogueVersion.objects.filter(kind=CatalogueVersion.Kind.CHECKLIST, code=version.code)
    return CatalogueVersion.objects.filter(
        kind=CatalogueVersion.Kind.ILO, audience=version.audience, exploitation=version.exploitation
    )


def in_use_of(version: CatalogueVersion) -> CatalogueVersion | None:
    return same_list(version).filter(status=CatalogueVersion.Status.IN_USE).exclude(pk=version.pk).first()


def diff(version: CatalogueVersion, against: CatalogueVersion | None) -> Diff:
    """What changes, by code, from ``against`` (the version in use) to ``version``."""
    result = Diff()
    new = {i.code: i for i in version.indicators.order_by("position", "code")}
    old = {i.code: i for i in against.indicators.order_by("position", "code")} if against else {}
    for code, ind in new.items():
        before = old.get(code)
        if before is None:
            result.added.append(ind)
            continue
        if (before.dimension, before.strength, before.section) != (ind.dimension, ind.strength, ind.section):
            result.strength_changed.append((before, ind))
        if (before.text_en, before.text_it) != (ind.text_en, ind.text_it):
            result.text_changed.append((before, ind))
    result.removed = [i for code, i in old.items() if code not in new]
    return result
