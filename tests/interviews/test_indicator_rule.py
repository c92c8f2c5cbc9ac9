"""The ILO/EU combination rule (decision support, never a verdict), with expectations computed by hand."""

from __future__ import annotations

import pytest
from django.utils import translation

from interviews import indicators as rule

DR, CR, AR, EX, CD, AD = rule.DIMENSIONS


def positive(*dimensions: str) -> list[tuple[str, str]]:
    """Two strong indicators in each dimension: each is positive under the first clause."""
    return [(d, "strong") for d in dimensions for _ in range(2)]


# -- One dimension ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("strong", "medium", "weak", "expected"),
    [
        # nothing
        (0, 0, 0, False),
        # at least two strong
        (1, 0, 0, False),
        (2, 0, 0, True),
        (3, 0, 0, True),
        # one strong and at least one medium or weak
        (1, 1, 0, True),
        (1, 0, 1, True),
        (1, 2, 3, True),
        # at least three medium
        (0, 2, 0, False),
        (0, 3, 0, True),
        (0, 4, 0, True),
        # two medium and one weak
        (0, 2, 1, True),
        (0, 2, 4, True),
        (0, 1, 1, False),
        (0, 1, 5, False),
        (0, 1, 0, False),
        # weak ones alone never make a dimension positive
        (0, 0, 1, False),
        (0, 0, 3, False),
        (0, 0, 12, False),
    ],
)
def test_a_dimension_is_positive_exactly_under_the_ilo_rule(strong, medium, weak, expected):
    assert rule.dimension_positive(strong, medium, weak) is expected


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        rule.dimension_positive(-1, 3, 0)


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        ([(EX, "strong")], (1, 0, 0, False)),
        ([(EX, "strong"), (EX, "weak")], (1, 0, 1, True)),
        ([(EX, "medium"), (EX, "medium")], (0, 2, 0, False)),
        ([(EX, "medium"), (EX, "medium"), (EX, "weak")], (0, 2, 1, True)),
        ([(EX, "weak"), (EX, "weak"), (EX, "weak")], (0, 0, 3, False)),
    ],
)
def test_the_profile_counts_each_strength_of_a_dimension(present, expected):
    d = rule.indicator_profile(present, child=False).dimension(EX)
    assert (d.strong, d.medium, d.weak, d.positive) == expected


def test_the_profile_lists_all_six_dimensions_in_the_brochure_order():
    profile = rule.indicator_profile([], child=False)
    assert [d.dimension for d in profile.dimensions] == [DR, CR, AR, EX, CD, AD]
    assert all((d.strong, d.medium, d.weak, d.positive) == (0, 0, 0, False) for d in profile.dimensions)
    with translation.override("en"):
        assert str(profile.dimension(AR).label) == "recruitment by abuse of vulnerability"
    with translation.override("it"):
        assert str(profile.dimension(AR).label) == "reclutamento tramite abuso di vulnerabilità"


def test_indicators_of_other_dimensions_do_not_add_up():
    profile = rule.indicator_profile([(DR, "strong"), (CR, "strong"), (EX, "medium"), (CD, "medium")], child=False)
    assert not any(d.positive for d in profile.dimensions)


@pytest.mark.parametrize("pair", [("recruitment", "strong"), (EX, "very strong")])
def test_unknown_codes_are_refused(pair):
    with pytest.raises(ValueError):
        rule.indicator_profile([pair], child=False)


# -- Adults: recruitment AND exploitation AND (coercion OR abuse of vulnerability) at destination ------------


@pytest.mark.parametrize("recruitment", [DR, CR, AR])
@pytest.mark.parametrize("destination", [CD, AD])
def test_any_recruitment_and_any_destination_dimension_meet_the_adult_threshold(recruitment, destination):
    profile = rule.indicator_profile(positive(recruitment, EX, destination), child=False)
    assert profile.presumed_victim is True
    assert profile.rule_code == "adult"


@pytest.mark.parametrize(
    ("dimensions", "missing"),
    [
        ((EX, CD, AD), "recruitment"),
        ((DR, CR, AR, CD, AD), "exploitation"),
        ((DR, CR, AR, EX), "coercion or abuse at destination"),
        ((), "everything"),
    ],
)
def test_the_adult_threshold_needs_each_of_its_three_elements(dimensions, missing):
    assert rule.indicator_profile(positive(*dimensions), child=False).presumed_victim is False, missing


def test_a_dimension_that_is_not_positive_does_not_count_toward_the_threshold():
    present = [(DR, "strong"), (DR, "weak")] + [(EX, "medium")] * 3 + [(CD, "medium"), (CD, "medium")]
    profile = rule.indicator_profile(present, child=False)
    assert (profile.positive(DR), profile.positive(EX), profile.positive(CD)) == (True, True, False)
    assert profile.presumed_victim is False
    present.append((CD, "weak"))
    assert rule.indicator_profile(present, child=False).presumed_victim is True


def test_a_realistic_adult_profile():
    present = [
        (DR, "strong"),  # deceived about the nature of the job
        (DR, "medium"),  # deceived about wages
        (EX, "strong"),  # excessive working days or hours
        (EX, "medium"),  # low or no salary
        (CD, "strong"),  # confiscation of documents
        (CD, "strong"),  # debt bondage
        (AD, "medium"),  # economic reasons
    ]
    profile = rule.indicator_profile(present, child=False)
    assert [d.positive for d in profile.dimensions] == [True, False, False, True, True, False]
    assert profile.presumed_victim is True


# -- Children: the means are not required -----------------------------------------------------------------


@pytest.mark.parametrize("recruitment", [DR, CR, AR])
def test_recruitment_and_exploitation_meet_the_child_threshold_without_coercion_at_destination(recruitment):
    profile = rule.indicator_profile(positive(recruitment, EX), child=True)
    assert profile.presumed_victim is True
    assert profile.rule_code == "child"
    assert rule.indicator_profile(positive(recruitment, EX), child=False).presumed_victim is False


@pytest.mark.parametrize(
    "dimensions",
    [
        (EX,),
        (EX, CD, AD),
        (DR, CR, AR),
        (DR, CD, AD),
        (),
    ],
)
def test_the_child_threshold_needs_recruitment_and_exploitation(dimensions):
    assert rule.indicator_profile(positive(*dimensions), child=True).presumed_victim is False


def test_the_child_threshold_is_met_also_with_every_dimension_positive():
    assert rule.indicator_profile(positive(DR, CR, AR, EX, CD, AD), child=True).presumed_victim is True


def test_the_profile_names_the_rule_it_applied():
    with translation.override("en"):
        assert "adults" in str(rule.indicator_profile([], child=False).rule)
        assert "children" in str(rule.indicator_profile([], child=True).rule)


# -- Which lists to show ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "codes", "expected"),
    [
        (False, set(), [("adult", "labour"), ("adult", "sexual")]),
        (True, set(), [("child", "labour"), ("child", "sexual")]),
        (False, {"sexual_street"}, [("adult", "sexual")]),
        (False, {"sexual_indoor"}, [("adult", "sexual")]),
        (False, {"sexual_street", "sexual_indoor"}, [("adult", "sexual")]),
        (False, {"labour"}, [("adult", "labour")]),
        (False, {"domestic"}, [("adult", "labour")]),
        (False, {"begging", "criminal"}, [("adult", "labour")]),
        (False, {"other"}, [("adult", "labour")]),
        (False, {"sexual_indoor", "labour"}, [("adult", "labour"), ("adult", "sexual")]),
        (False, {"sexual_street", "marriage"}, [("adult", "labour"), ("adult", "sexual")]),
        (True, {"sexual_street"}, [("child", "sexual")]),
        (True, {"begging"}, [("child", "labour")]),
        (True, {"sexual_street", "begging"}, [("child", "labour"), ("child", "sexual")]),
    ],
)
def test_it_picks_the_lists_for_the_person_and_the_forms_suspected(minor, codes, expected):
    assert rule.lists_to_show(minor=minor, exploitation_codes=codes) == expected


def test_it_accepts_any_iterable_of_codes():
    assert rule.lists_to_show(minor=False, exploitation_codes=iter(["sexual_street"])) == [("adult", "sexual")]


# -- The codes are the models' codes ----------------------------------------------------------------------


def test_the_rule_speaks_the_codes_of_the_models():
    from interviews.models import Indicator
    from referrals.models import ExploitationForm

    assert list(rule.DIMENSIONS) == list(Indicator.Dimension.values)
    assert list(rule.STRENGTHS) == list(Indicator.Strength.values)
    assert {rule.ADULT, rule.CHILD} == set(Indicator.Audience.values)
    assert {rule.LABOUR, rule.SEXUAL} == set(Indicator.Exploitation.values)
    assert rule.SEXUAL_FORMS == {c for c in ExploitationForm.Code.values if c.startswith("sexual")}
    assert {d: str(label) for d, label in rule.DIMENSION_LABELS.items()} == {
        d: str(label) for d, label in Indicator.Dimension.choices
    }
