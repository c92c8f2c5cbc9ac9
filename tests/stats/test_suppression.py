"""Disclosure control of one table: every count rounded to base 5, cells adding up to the total, and no cell of
1 or 2 that can be worked out from what is shown (the rule that replaced "<3" and "*": ``stats.rounding``)."""

from __future__ import annotations

import collections
import itertools

import pytest

from stats import counts, periods, rounding
from stats import selectors as stats


def _round(values: list[int]) -> tuple[list[int], int]:
    """One month's table: its cells and total as shown."""
    ((total, cells),) = rounding.round_rows([sum(values)], [{f"c{i}": v for i, v in enumerate(values)}])
    return [cells[f"c{i}"] for i in range(len(values))], total


def test_a_small_cell_shows_as_a_multiple_of_five_and_the_table_adds_up():
    # NG 10, ER 2, BD 5: shown 10, 0, 5 under 15; "total less the others" gives 0, not 2.
    shown, total = _round([10, 2, 5])
    assert shown == [10, 0, 5]
    assert total == 15 == sum(shown)


def test_two_small_cells_are_rounded_together_with_the_others():
    shown, total = _round([10, 1, 2])
    assert total == 15 == sum(shown)
    assert shown == [10, 0, 5]  # the 2 carries the seat the three units left over earn


def test_a_small_total_shows_as_zero_and_so_do_its_cells():
    assert _round([1, 1]) == ([0, 0], 0)


def test_a_table_of_multiples_of_five_is_shown_as_it_is():
    assert _round([10, 0, 5]) == ([10, 0, 5], 15)


def test_a_figure_without_a_total_is_rounded_to_the_nearest_five():
    assert [rounding.nearest(v) for v in (10, 2, 5, 3, 7, 8)] == [10, 0, 5, 5, 5, 10]


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_no_small_cell_can_be_worked_out_from_what_is_shown(length):
    """Every table of ``length`` cells below 10: those shown alike are what a reader cannot tell apart; for each
    with cells up to 4 (its alternatives all enumerated), no cell of 1 or 2 is the same in all of them."""
    alike = collections.defaultdict(list)
    for values in itertools.product(range(10), repeat=length):
        shown, total = _round(list(values))
        assert sum(shown) == total and all(v % 5 == 0 for v in shown)
        assert all(s - v <= 4 for s, v in zip(shown, values, strict=True))  # never more than 4 above
        alike[(tuple(shown), total)].append(values)
    for tables in alike.values():
        for values in tables:
            if max(values) > 4:
                continue
            for i, v in enumerate(values):
                if v in (1, 2):
                    assert any(other[i] != v for other in tables), (values, i)


def test_it_rounds_figures_and_rows_of_whole_statistics():
    march = counts.empty()
    march["people"] = 17
    march["people_by"]["nationality"] = {"NG": 10, "BD": 5, "ER": 2}
    march["people_by"]["gender"] = {"female": 12, "male": 5}
    march["interviews_held"] = 2
    period = periods.quarter(2025, 1)
    data = stats.finish(stats.present(rounding.publish({3: march}, 2025, 1, 3), period))
    people = next(s for s in data["sections"] if s["key"] == "people")
    assert {f["key"]: f["value"] for f in people["figures"]}["people"] == 15
    nationality = next(b for b in people["breakdowns"] if b["key"] == "nationality")
    assert [(r["key"], r["value"]) for r in nationality["rows"]] == [("NG", 10), ("BD", 5)]
    assert nationality["total"] == 15
    activities = next(s for s in data["sections"] if s["key"] == "activities")
    assert {f["key"]: f["value"] for f in activities["figures"]}["interviews"] == 0
