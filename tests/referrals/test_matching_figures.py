"""How well the blind matching finds a person already known, measured on synthetic names (README.md,
"Finding a person already known"): at least 90 % of 260 variant pairs found, at most 2 % of 1 000 distinct
people offered any false match. The figures are printed (``-s``) for the README."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from referrals.matching import find_candidates, rebuild_all
from referrals.models import Person, PersonMatchKey

from .synthetic_names import distinct_people, variant_pairs

pytestmark = pytest.mark.django_db


def _record(people):
    """Recorded in bulk (the keys written as the migration writes them): the figures, not the save path, are
    measured here; ``test_match_keys`` covers the keys written on save."""
    recorded = Person.objects.bulk_create(
        Person(case_code=f"T-{i:05d}", first_name=first, last_name=last, birth_year=year)
        for i, (first, last, year) in enumerate(people)
    )
    rebuild_all(Person, PersonMatchKey)
    return recorded


def _found(first, last, year, exclude_pk=None) -> set[int]:
    candidates = find_candidates(first_name=first, last_name=last, aliases="", birth_year=year, exclude_pk=exclude_pk)
    return {c.person_id for c in candidates}


def test_variants_of_a_known_person_are_found_at_least_nine_times_in_ten():
    pairs = variant_pairs(random.Random(15))
    assert len(pairs) >= 200
    recorded = _record([known for _way, known, _again in pairs])
    missed, by_way = [], Counter()
    for (way, known, again), person in zip(pairs, recorded, strict=True):
        by_way[way] += 1
        if person.pk not in _found(*again):
            missed.append((way, known, again))
    rate = 1 - len(missed) / len(pairs)
    print(f"\nvariant pairs: {len(pairs)}, found {len(pairs) - len(missed)} ({rate:.1%})")
    for way, total in sorted(by_way.items()):
        lost = sum(1 for m in missed if m[0] == way)
        print(f"  {way}: {total - lost}/{total}")
    for m in missed:
        print("  missed:", m)
    assert rate >= 0.90


def test_distinct_people_are_seldom_offered_a_false_match():
    people = distinct_people(1000, random.Random(16))
    recorded = _record(people)
    falsely = [
        (first, last, year)
        for (first, last, year), person in zip(people, recorded, strict=True)
        if _found(first, last, year, exclude_pk=person.pk)
    ]
    rate = len(falsely) / len(people)
    print(f"\ndistinct people: {len(people)}, offered a false match: {len(falsely)} ({rate:.1%})")
    for f in falsely[:40]:
        print("  false:", f)
    assert rate <= 0.02
