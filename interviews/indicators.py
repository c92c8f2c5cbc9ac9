"""The ILO/EU combination rule for the operational indicators of trafficking in human beings.

Decision support, never a verdict: the profile says which dimensions of the trafficking definition the
indicators recorded in an interview make positive, and whether the combination the ILO brochure uses for a
presumed victim is reached. Identification remains the operator's assessment, and the person's own account.

Source: ILO and European Commission, *Operational indicators of trafficking in human beings. Results from a
Delphi survey implemented by the ILO and the European Commission*, Geneva, first published March 2009, revised
September 2009 (ILO document WCMS_105023).

Pure functions on plain data (dimension and strength codes, the codes of ``Indicator``), so that the rule is
tested on its own and the same rule serves every list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The codes of Indicator.Dimension, Indicator.Strength, Indicator.Audience and Indicator.Exploitation.
DECEPTIVE_RECRUITMENT = "deceptive_recruitment"
COERCIVE_RECRUITMENT = "coercive_recruitment"
ABUSIVE_RECRUITMENT = "abusive_recruitment"
EXPLOITATION = "exploitation"
COERCION_AT_DESTINATION = "coercion_at_destination"
ABUSE_AT_DESTINATION = "abuse_at_destination"

DIMENSIONS = (
    DECEPTIVE_RECRUITMENT,
    COERCIVE_RECRUITMENT,
    ABUSIVE_RECRUITMENT,
    EXPLOITATION,
    COERCION_AT_DESTINATION,
    ABUSE_AT_DESTINATION,
)
RECRUITMENT = (DECEPTIVE_RECRUITMENT, COERCIVE_RECRUITMENT, ABUSIVE_RECRUITMENT)
AT_DESTINATION = (COERCION_AT_DESTINATION, ABUSE_AT_DESTINATION)

DIMENSION_LABELS = {
    DECEPTIVE_RECRUITMENT: _("deceptive recruitment"),
    COERCIVE_RECRUITMENT: _("coercive recruitment"),
    ABUSIVE_RECRUITMENT: _("recruitment by abuse of vulnerability"),
    EXPLOITATION: _("exploitative conditions"),
    COERCION_AT_DESTINATION: _("coercion at destination"),
    ABUSE_AT_DESTINATION: _("abuse of vulnerability at destination"),
}

STRONG = "strong"
MEDIUM = "medium"
WEAK = "weak"
STRENGTHS = (STRONG, MEDIUM, WEAK)

ADULT = "adult"
CHILD = "child"
LABOUR = "labour"
SEXUAL = "sexual"

# referrals.models.ExploitationForm codes that call for the sexual-exploitation lists; every other form
# (labour, domestic servitude, begging, forced criminal activities, ...) is closest to the labour lists.
SEXUAL_FORMS = frozenset({"sexual_street", "sexual_indoor"})

ADULT_RULE = "adult"
CHILD_RULE = "child"
RULE_LABELS = {
    ADULT_RULE: _("ILO/EU rule for adults: recruitment, exploitation and coercion or abuse at destination"),
    CHILD_RULE: _("ILO/EU rule for children: recruitment and exploitation"),
}


def dimension_positive(strong: int, medium: int, weak: int) -> bool:
    """Whether one dimension is positive under the ILO combination rule.

    The brochure's rule: at least two strong indicators; or one strong and at least one medium or weak;
    or three medium; or two medium and one weak.
    """
    if min(strong, medium, weak) < 0:
        raise ValueError("Indicator counts cannot be negative.")
    return strong >= 2 or (strong >= 1 and medium + weak >= 1) or medium >= 3 or (medium >= 2 and weak >= 1)


@dataclass(frozen=True)
class DimensionResult:
    dimension: str
    strong: int
    medium: int
    weak: int

    @property
    def positive(self) -> bool:
        return dimension_positive(self.strong, self.medium, self.weak)

    @property
    def label(self):
        return DIMENSION_LABELS[self.dimension]


@dataclass(frozen=True)
class Profile:
    """Per-dimension counts and positivity, and whether the presumed-victim threshold is met."""

    dimensions: tuple[DimensionResult, ...]
    child: bool
    presumed_victim: bool

    @property
    def rule_code(self) -> str:
        return CHILD_RULE if self.child else ADULT_RULE

    @property
    def rule(self):
        """The name of the rule applied, for people to read."""
        return RULE_LABELS[self.rule_code]

    def dimension(self, code: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.dimension == code)

    def positive(self, code: str) -> bool:
        return self.dimension(code).positive


def threshold_met(positive: set[str] | frozenset[str], *, child: bool) -> bool:
    """Whether the positive dimensions reach the combination the brochure gives for a presumed victim."""
    recruitment = any(d in positive for d in RECRUITMENT)
    exploitation = EXPLOITATION in positive
    if child:
        # Children: the means are not required. Palermo Protocol, art. 3(c), quoted in the brochure's
        # definition of trafficking: "The recruitment, transportation, transfer, harbouring or receipt of a
        # child for the purpose of exploitation shall be considered 'trafficking in persons' even if this
        # does not involve any of the means set forth in subparagraph (a) of this article."
        # The combination applied is the one this service adopted for children (DESIGN.md): a recruitment
        # dimension and the exploitation dimension positive, with no coercion or abuse of vulnerability at
        # destination required. The brochure's own sentence on the child combination could not be retrieved
        # when this was written: check it against WCMS_105023 before relying on the wording above.
        return recruitment and exploitation
    # Adults: (deceptive OR coercive recruitment OR recruitment by abuse of vulnerability) AND exploitation
    # AND (coercion at destination OR abuse of vulnerability at destination).
    at_destination = any(d in positive for d in AT_DESTINATION)
    return recruitment and exploitation and at_destination


def indicator_profile(present: Iterable[tuple[str, str]], *, child: bool) -> Profile:
    """The profile of the indicators present (observed or reported), given as (dimension, strength) pairs.

    Every dimension is in the profile, in the brochure's order, with zero counts when nothing was recorded.
    """
    counts = {d: {s: 0 for s in STRENGTHS} for d in DIMENSIONS}
    for dimension, strength in present:
        if dimension not in counts:
            raise ValueError(f"Unknown dimension: {dimension!r}")
        if strength not in STRENGTHS:
            raise ValueError(f"Unknown strength: {strength!r}")
        counts[dimension][strength] += 1
    results = tuple(DimensionResult(d, counts[d][STRONG], counts[d][MEDIUM], counts[d][WEAK]) for d in DIMENSIONS)
    positive = frozenset(r.dimension for r in results if r.positive)
    return Profile(dimensions=results, child=child, presumed_victim=threshold_met(positive, child=child))


def lists_to_show(*, minor: bool, exploitation_codes: Iterable[str]) -> list[tuple[str, str]]:
    """The (audience, exploitation) lists of indicators to use in an interview.

    Children's lists for a presumed minor (a possible minor is treated as one). Sexual-exploitation lists for
    the sexual forms, labour lists for every other form, both when both are suspected, and both when no form
    of exploitation is known yet.
    """
    audience = CHILD if minor else ADULT
    codes = set(exploitation_codes)
    kinds = []
    if not codes or codes - SEXUAL_FORMS:
        kinds.append(LABOUR)
    if not codes or codes & SEXUAL_FORMS:
        kinds.append(SEXUAL)
    return [(audience, kind) for kind in kinds]
