"""The ILO/EU catalogue as the data migration leaves it (ILO/EC, Operational indicators of trafficking in
human beings, Delphi survey, revised September 2009).

The two sexual-exploitation lists could not be sourced when the catalogue was written (see the docstring of
interviews/migrations/0002_indicator_catalogue.py): none is shipped. The service loads them by import
(tests/interviews/test_catalogue_versions.py imports complete synthetic lists). Migration 0007 makes the two
labour lists version 1 of their lists, in use and NOT verified against the source.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter

import pytest
from django.apps import apps

from interviews import indicators as rule
from interviews.models import CatalogueVersion, Indicator

pytestmark = pytest.mark.django_db

catalogue_migration = importlib.import_module("interviews.migrations.0002_indicator_catalogue")

DR, CR, AR, EX, CD, AD = rule.DIMENSIONS

# Indicators per dimension, in the brochure's order of dimensions.
EXPECTED = {
    ("adult", "labour"): {DR: 10, CR: 10, AR: 16, EX: 9, CD: 15, AD: 7},
    ("child", "labour"): {DR: 10, CR: 10, AR: 15, EX: 8, CD: 15, AD: 7},
}
EXPECTED_STRENGTHS = {
    ("adult", "labour"): {"strong": 7, "medium": 53, "weak": 7},
    ("child", "labour"): {"strong": 15, "medium": 50},
}
ALL_LISTS = [("adult", "labour"), ("child", "labour")]


def _list(key):
    audience, exploitation = key
    return Indicator.objects.filter(audience=audience, exploitation=exploitation)


def test_no_sexual_exploitation_list_is_shipped():
    assert not Indicator.objects.filter(exploitation="sexual").exists()
    assert not CatalogueVersion.objects.filter(exploitation="sexual").exists()


@pytest.mark.parametrize("key", ALL_LISTS)
def test_the_labour_lists_are_version_1_in_use_and_plainly_not_verified(key):
    version = CatalogueVersion.objects.get(audience=key[0], exploitation=key[1])
    assert version.status == "in_use"
    assert version.verified_at is None and version.verified_by is None
    assert "NOT verified against the source" in version.label
    assert "WCMS_105023" in version.source_title and version.source_year == 2009
    assert version.expected_counts == EXPECTED[key]
    assert set(version.indicators.values_list("pk", flat=True)) == set(_list(key).values_list("pk", flat=True))


@pytest.mark.parametrize("key", ALL_LISTS)
def test_each_labour_list_has_all_six_dimensions(key):
    assert set(_list(key).values_list("dimension", flat=True)) == set(rule.DIMENSIONS)


@pytest.mark.parametrize("key", list(EXPECTED))
def test_each_list_holds_the_number_of_indicators_the_brochure_gives_per_dimension(key):
    assert dict(Counter(_list(key).values_list("dimension", flat=True))) == EXPECTED[key]


def test_the_adult_labour_list_has_67_indicators_and_the_child_labour_list_65():
    assert _list(("adult", "labour")).count() == 67
    assert _list(("child", "labour")).count() == 65
    assert Indicator.objects.count() == 67 + 65


@pytest.mark.parametrize("key", list(EXPECTED_STRENGTHS))
def test_each_list_has_its_strong_medium_and_weak_indicators(key):
    assert dict(Counter(_list(key).values_list("strength", flat=True))) == EXPECTED_STRENGTHS[key]


@pytest.mark.parametrize(
    ("code", "strength", "text_en"),
    [
        ("adult-labour-dr-01", "strong", "Deceived about the nature of the job, location or employer"),
        ("adult-labour-dr-10", "weak", "Deceived about access to education opportunities"),
        ("adult-labour-cr-01", "strong", "Violence on victims"),
        ("adult-labour-ex-01", "strong", "Excessive working days or hours"),
        ("adult-labour-cd-01", "strong", "Confiscation of documents"),
        ("adult-labour-cd-15", "weak", "Threats to inform family, community or public"),
        ("adult-labour-ad-07", "weak", "Personal characteristics"),
        ("child-labour-dr-01", "strong", "Deceived about access to education opportunities"),
        ("child-labour-cr-01", "strong", "Abduction, forced marriage, forced adoption or selling of victim"),
        ("child-labour-cd-04", "strong", "Forced tasks or clients"),
    ],
)
def test_sample_indicators_carry_the_brochure_wording_and_strength(code, strength, text_en):
    indicator = Indicator.objects.get(code=code)
    assert (indicator.strength, indicator.text_en) == (strength, text_en)


def test_the_italian_text_follows_the_words_of_the_field():
    assert Indicator.objects.get(code="adult-labour-dr-01").text_it == (
        "Ingannata/o sulla natura del lavoro, sul luogo o sul datore di lavoro"
    )


def test_every_indicator_has_a_strength_both_texts_and_is_active():
    for indicator in Indicator.objects.all():
        assert indicator.strength in Indicator.Strength.values, indicator.code
        assert indicator.text_en.strip() and indicator.text_it.strip(), indicator.code
        assert indicator.text_en != indicator.text_it, indicator.code
        assert indicator.active, indicator.code


def test_codes_are_unique_and_say_list_dimension_and_number():
    abbreviations = dict(zip(rule.DIMENSIONS, ["dr", "cr", "ar", "ex", "cd", "ad"], strict=True))
    codes = list(Indicator.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    for indicator in Indicator.objects.all():
        prefix = f"{indicator.audience}-{indicator.exploitation}-{abbreviations[indicator.dimension]}-"
        assert re.fullmatch(re.escape(prefix) + r"\d{2}", indicator.code), indicator.code


def test_positions_order_each_list_by_dimension_then_strength():
    order = {s: i for i, s in enumerate(rule.STRENGTHS)}
    for key in EXPECTED:
        rows = list(_list(key).order_by("position"))
        keys = [(rule.DIMENSIONS.index(i.dimension), order[i.strength]) for i in rows]
        assert keys == sorted(keys)
        assert len({i.position for i in rows}) == len(rows)


def test_the_data_migration_is_idempotent_and_restores_edited_rows():
    Indicator.objects.filter(code="adult-labour-dr-01").update(text_en="changed", strength="weak")
    catalogue_migration.load(apps, None)
    catalogue_migration.load(apps, None)
    assert Indicator.objects.count() == 67 + 65
    restored = Indicator.objects.get(code="adult-labour-dr-01")
    assert (restored.text_en, restored.strength) == (
        "Deceived about the nature of the job, location or employer",
        "strong",
    )


def test_the_reverse_removes_the_catalogue_codes_only():
    Indicator.objects.create(
        version=CatalogueVersion.objects.create(
            audience="adult", exploitation="sexual", name="SYNTHETIC", label="t", source_title="t"
        ),
        code="adult-sexual-ex-01",
        audience="adult",
        exploitation="sexual",
        dimension=EX,
        strength="strong",
        text_en="Added by an admin",
        text_it="Aggiunto da un amministratore",
    )
    catalogue_migration.unload(apps, None)
    assert list(Indicator.objects.values_list("code", flat=True)) == ["adult-sexual-ex-01"]


def test_the_migration_keeps_its_data_to_itself():
    source = open(catalogue_migration.__file__, encoding="utf-8").read()
    assert "from interviews" not in source and "import interviews" not in source
    assert "WCMS_105023" in source and "September 2009" in source
