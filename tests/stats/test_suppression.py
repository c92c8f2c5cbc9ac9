"""Small-cell suppression: "<3" for 1 or 2, and no shown total lets a hidden cell be worked out."""

from __future__ import annotations

import itertools

import pytest

from stats.selectors import HIDDEN, SMALL, suppress, suppress_cells


def _possible_values(shown, total):
    """Every value each hidden cell can take, given what is shown (a "<3" is 1 or 2, a "*" at least 3)."""
    ranges = []
    for v in shown:
        if v == SMALL:
            ranges.append((1, 2))
        elif v == HIDDEN:
            ranges.append(tuple(range(3, total + 1)))
        else:
            ranges.append((v,))
    possible = [set() for _ in shown]
    for combo in itertools.product(*ranges):
        if sum(combo) == total:
            for i, value in enumerate(combo):
                possible[i].add(value)
    return possible


def test_it_hides_the_next_smallest_cell_when_one_is_small():
    # NG 10, ER 2, BD 5: ER is "<3"; with the total 17 shown, ER = 17 - 10 - 5; so BD is hidden too.
    shown, total = suppress_cells([10, 2, 5])
    assert shown == [10, SMALL, HIDDEN]
    assert total == 17
    assert _possible_values(shown, total)[1] == {1, 2}
    assert _possible_values(shown, total)[2] == {5, 6}


def test_it_shows_two_small_cells_that_cannot_be_told_apart():
    assert suppress_cells([10, 1, 2]) == ([10, SMALL, SMALL], 13)


def test_it_hides_one_more_when_two_small_cells_are_both_one():
    shown, total = suppress_cells([10, 1, 1, 4])
    assert shown == [10, SMALL, SMALL, HIDDEN]
    assert total == 16


def test_it_collapses_a_breakdown_whose_total_is_small():
    assert suppress_cells([1, 1]) == (None, SMALL)


def test_it_collapses_a_breakdown_it_cannot_protect():
    assert suppress_cells([1, 3]) == (None, 4)


def test_a_breakdown_without_small_cells_is_shown_as_it_is():
    assert suppress_cells([10, 0, 5]) == ([10, 0, 5], 15)


def test_a_breakdown_that_is_not_additive_suppresses_cells_only():
    assert suppress_cells([10, 2, 5], additive=False) == ([10, SMALL, 5], None)


@pytest.mark.parametrize("length", [1, 2, 3, 4])
def test_no_hidden_cell_can_be_worked_out_from_what_is_shown(length):
    for values in itertools.product(range(0, 8), repeat=length):
        shown, total = suppress_cells(list(values))
        if shown is None:
            continue
        assert not any(0 < v < 3 for v in shown if isinstance(v, int)), values
        for i, possible in enumerate(_possible_values(shown, total)):
            if shown[i] in (SMALL, HIDDEN):
                assert len(possible) >= 2, (values, shown, total)
            assert values[i] in possible


def test_it_suppresses_figures_and_rows_of_whole_statistics():
    raw = {
        "sections": [
            {
                "key": "s",
                "title": "S",
                "figures": [{"key": "f", "label": "F", "value": 2}, {"key": "g", "label": "G", "value": 0}],
                "breakdowns": [
                    {
                        "key": "b",
                        "title": "B",
                        "additive": True,
                        "rows": [
                            {"key": "NG", "label": "Nigeria", "value": 10},
                            {"key": "BD", "label": "Bangladesh", "value": 5},
                            {"key": "ER", "label": "Eritrea", "value": 2},
                        ],
                    }
                ],
            }
        ]
    }
    section = suppress(raw)["sections"][0]
    assert [f["value"] for f in section["figures"]] == [SMALL, 0]
    assert [r["value"] for r in section["breakdowns"][0]["rows"]] == [10, HIDDEN, SMALL]
    assert section["breakdowns"][0]["total"] == 17
