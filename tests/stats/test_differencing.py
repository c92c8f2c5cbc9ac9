"""Statistics that cannot be subtracted: no small count (1 or 2) can be worked out from the tables served.

Three checks:
- on data built so that the former rule ("<3" for 1 or 2, every other count exact) leaks, every pair of the
  periods of a year (months, the current month to date, quarters, the year) is compared: what a reader can
  derive from the two tables (one period less a nested one, a total less the other cells, both at once) never
  pins a true count of 1 or 2 to one value;
- the former rule, on the same data and calendar periods only, does leak (the contrast);
- the rule itself (``stats.rounding``) is checked exhaustively on small tables, with the reader knowing the
  algorithm exactly: every data set that gives the same published figures is an alternative the reader cannot
  rule out, and among them no small count is always the same.
"""

from __future__ import annotations

import collections
import datetime
import itertools

import pytest
import time_machine
from django.utils import timezone

from referrals.models import Referral
from stats import counts, periods, rounding
from stats import selectors as stats
from tests import factories

TODAY = datetime.date(2025, 11, 15)  # November is the month to date, December is not served yet


def _at(month, day=10):
    return timezone.make_aware(datetime.datetime(2025, month, day, 10, 0))


@pytest.fixture
def year(db):
    """Small cells everywhere: Eritrean women 3 in January and 2 in March (Q1: 5), one Bangladeshi man in May,
    Nigerian women 4 a month, urgent referrals 1 or 2 a quarter, pathways begun and closed one by one."""
    cas = factories.PartnerBodyFactory(kind="cas")
    questura = factories.PartnerBodyFactory(kind="questura")
    plan = [(1, "ER", 3), (3, "ER", 2), (5, "BD", 1), (11, "ER", 1)] + [(m, "NG", 4) for m in range(1, 12)]
    n = 0
    for month, nationality, how_many in plan:
        for _ in range(how_many):
            n += 1
            person = factories.PersonFactory(
                nationality=nationality, gender="male" if nationality == "BD" else "female", birth_year=1995
            )
            factories.ReferralFactory(
                person=person,
                referring_body=questura if nationality == "ER" else cas,
                urgency=Referral.Urgency.IMMEDIATE if n % 7 == 0 else Referral.Urgency.ROUTINE,
                received_at=_at(month, 1 + n % 27),
            )
    for month in (2, 6, 9):
        pathway = factories.PathwayFactory(started_on=datetime.date(2025, month, 3), phase="first_assistance")
        if month != 9:
            pathway.ended_on, pathway.closure_reason = datetime.date(2025, month + 1, 20), "autonomy"
            pathway.save()
    factories.PathwayFactory(started_on=datetime.date(2024, 5, 1), phase="second_stage")


def _cells(data) -> dict[tuple, int | str]:
    """Every figure and every breakdown cell (and total) of statistics, by (section/breakdown, key)."""
    out = {}
    for section in data["sections"]:
        for f in section["figures"]:
            out[("figure", f["key"])] = f["value"]
        for b in section["breakdowns"]:
            for r in b["rows"]:
                out[(b["key"], r["key"])] = r["value"]
            if b["additive"]:
                out[(b["key"], "__total__")] = b.get("total") or sum(
                    r["value"] for r in b["rows"] if isinstance(r["value"], int)
                )
    return out


def _tables(cells: dict[tuple, int]) -> dict[str, dict[str, int]]:
    tables = collections.defaultdict(dict)
    for (table, key), value in cells.items():
        if table != "figure":
            tables[table][key] = value
    return tables


def _served(today=TODAY):
    """What the system serves for every period of the year (rounded), and the truth behind it (raw)."""
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(12)), tick=False):
        served = {p: _cells(stats.statistics(p)) for p in periods.of_year(2025, today)}
        months = counts.count_months(2025, 1, 12)
    truth = {}
    for p in served:
        raw = stats.present(counts.add(*(months[m] for m in range(p.first, p.last + 1))), p)
        truth[p] = {k: v for k, v in _cells(raw).items()}
    return served, truth


def _interval(value: int, error: int) -> tuple[int, int]:
    return max(0, value - error), value + error


def _meet(a, b):
    return max(a[0], b[0]), min(a[1], b[1])


def _pinned(interval) -> bool:
    return interval[0] == interval[1]


def _leaks(served, truth, error: int) -> list:
    """Every small true count that a reader pins down from one table or a pair of nested tables.

    The reader knows that each figure shown is within ``error`` of the truth (the worst error of the year:
    a reader knowing it is stronger than any real one), and that cells add up to totals and periods to
    their parts. For a table, and for the difference of two nested periods (itself a table), each cell is
    bounded by its own value and by the total less every other cell; a small true count bounded to a single
    value is a leak.
    """
    leaks = []

    def check(label, shown: dict[tuple, int], true: dict[tuple, int], err: int):
        for key, t in true.items():
            if t not in (1, 2):
                continue
            own = _interval(shown.get(key, 0), err)
            table, cell = key
            if table != "figure" and cell != "__total__" and (table, "__total__") in shown:
                others = [k for k in true if k[0] == table and k[1] not in ("__total__", cell)]
                total = _interval(shown[(table, "__total__")], err)
                low = total[0] - sum(_interval(shown.get(k, 0), err)[1] for k in others)
                high = total[1] - sum(_interval(shown.get(k, 0), err)[0] for k in others)
                own = _meet(own, (max(0, low), high))
            if _pinned(own):
                leaks.append((label, key, t, own))

    served_periods = list(served)
    for p in served_periods:
        check(p.slug, served[p], truth[p], error)
    for a, b in itertools.permutations(served_periods, 2):
        if b.first <= a.first and a.last <= b.last and a != b:  # a nested in b: the rest of b is b less a
            keys = set(served[b]) | set(served[a]) | set(truth[b]) | set(truth[a])
            shown = {k: served[b].get(k, 0) - served[a].get(k, 0) for k in keys}
            true = {k: truth[b].get(k, 0) - truth[a].get(k, 0) for k in keys}
            check(f"{b.slug} less {a.slug}", shown, true, 2 * error)
    return leaks


def test_every_period_of_the_year_is_served_and_adds_up(year):
    served, truth = _served()
    assert len(served) == 11 + 4 + 1  # January to November (to date), four quarters, the year
    for p, cells in served.items():
        assert all(isinstance(v, int) and v % 5 == 0 for v in cells.values()), p
    q1 = periods.quarter(2025, 1)
    for key, value in served[q1].items():
        months = sum(served[periods.month(2025, m)].get(key, 0) for m in (1, 2, 3))
        assert value == months, key  # months add up to the quarter ...
    whole = periods.whole_year(2025)
    for key, value in served[whole].items():
        quarters = sum(served[periods.quarter(2025, q)].get(key, 0) for q in range(1, 5))
        assert value == quarters, key  # ... and quarters to the year
    for table, cells in _tables(served[whole]).items():
        assert cells.get("__total__", 0) == sum(v for k, v in cells.items() if k != "__total__"), table
    assert truth[q1][("nationality", "ER")] == 5 and truth[periods.month(2025, 3)][("nationality", "ER")] == 2


def test_no_pair_of_periods_pins_a_small_count(year):
    served, truth = _served()
    error = max(abs(served[p].get(k, 0) - v) for p in truth for k, v in truth[p].items() if isinstance(v, int))
    assert 0 < error <= 9  # every figure is close to the truth
    small = sum(1 for p in truth for v in truth[p].values() if v in (1, 2))
    assert small > 20  # the data has small counts to protect
    assert _leaks(served, truth, error) == []


def test_the_former_rule_leaks_on_the_same_data(year):
    """Shown exactly from 3 up and as "<3" below, the figures of January and of the first quarter give March."""
    served, truth = _served()

    def former(value):
        return "<3" if value in (1, 2) else value

    old = {p: {k: former(v) for k, v in cells.items()} for p, cells in truth.items()}
    q1, jan, feb, mar = (periods.quarter(2025, 1), *(periods.month(2025, m) for m in (1, 2, 3)))
    er = ("nationality", "ER")
    assert old[mar][er] == "<3"
    assert (old[q1][er], old[jan][er], old[feb].get(er, 0)) == (5, 3, 0)
    assert old[q1][er] - old[jan][er] - old[feb].get(er, 0) == truth[mar][er] == 2  # recovered exactly
    assert served[mar].get(er, 0) in (0, 5)


# ---------------------------------------------------------------------------------------------- the rule alone


def _months(rows: list[tuple[int, ...]]) -> dict[int, dict]:
    """Month counts of one table: referrals by channel (categories a, b, c, ...), nothing else."""
    out = {}
    for i, row in enumerate(rows, start=1):
        c = counts.empty()
        c["referrals"] = sum(row)
        c["referrals_by"]["channel"] = {chr(97 + k): v for k, v in enumerate(row)}
        out[i] = c
    return out


def _published(rows) -> tuple:
    """What the rule shows of a table given by rows of monthly counts: its rounded prefixes."""
    cumulative = [[sum(r[k] for r in rows[: i + 1]) for k in range(len(rows[0]))] for i in range(len(rows))]
    prefixes = rounding.round_rows(
        [sum(c) for c in cumulative], [{chr(97 + k): v for k, v in enumerate(c)} for c in cumulative]
    )
    return tuple((total, tuple(sorted(cells.items()))) for total, cells in prefixes)


def _quantities(rows):
    """Every count a reader could want: each cell and the total over every run of months."""
    n, k = len(rows), len(rows[0])
    out = {}
    for a in range(n):
        for b in range(a, n):
            for c in range(k):
                out[("cell", c, a, b)] = sum(rows[i][c] for i in range(a, b + 1))
            out[("total", a, b)] = sum(sum(rows[i]) for i in range(a, b + 1))
    return out


@pytest.mark.parametrize(
    "categories, months, values, interior",
    [(2, 3, 7, 2), (4, 1, 9, 3), (3, 2, 6, 2)],
    ids=["2 categories over 3 months", "4 categories in a month", "3 categories over 2 months"],
)
def test_the_rule_never_pins_a_small_count_even_to_a_reader_who_knows_it(categories, months, values, interior):
    """Every table of ``categories`` × ``months`` with counts below ``values`` is rounded; those giving the same
    published figures cannot be told apart. For each table whose counts are all at most ``interior`` (so that
    its alternatives are all in the enumeration), no count of 1 or 2 is the same in all of them."""
    groups = collections.defaultdict(list)
    for flat in itertools.product(range(values), repeat=categories * months):
        rows = [flat[i * categories : (i + 1) * categories] for i in range(months)]
        groups[_published(rows)].append(_quantities(rows))
    checked = 0
    for alternatives in groups.values():
        for quantities in alternatives:
            if max(v for key, v in quantities.items() if key[0] == "cell" and key[2] == key[3]) > interior:
                continue
            checked += 1
            for key, value in quantities.items():
                if value in (1, 2):
                    assert any(other[key] != value for other in alternatives), (key, value)
    assert checked > 20


def test_the_same_table_under_the_former_rule_is_pinned():
    """Four categories of 2 under a total of 8: with the total shown and each "<3" at most 2, each is 2."""
    assert [rounding.nearest(v) for v in (2, 2, 2, 2)] == [0, 0, 0, 0]
    published = rounding.rounded_prefixes(_months([(2, 2, 2, 2)]), 1)[0]
    assert published[("referrals",)] == 10
    cells = sorted(v for k, v in published.items() if k[:2] == ("referrals", "channel"))
    assert cells == [0, 0, 5, 5]  # adds up to 10: a reader cannot tell (2, 2, 2, 2) from (4, 4, 0, 0) or (3, 3, 1, 1)


def test_cells_add_up_never_go_down_and_stay_close():
    rows = [(1, 1, 1, 1, 1, 1, 1, 1), (0, 0, 4, 4, 4, 4, 4, 4), (3, 0, 1, 0, 9, 0, 2, 1)]
    prefixes = rounding.rounded_prefixes(_months(rows), 3)
    truth = [tuple(sum(r[k] for r in rows[: i + 1]) for k in range(8)) for i in range(3)]
    for i, p in enumerate(prefixes):
        cells = [p[("referrals", "channel", chr(97 + k))] for k in range(8)]
        assert sum(cells) == p[("referrals",)] == rounding.nearest(sum(truth[i]))
        assert all(shown - true <= 4 for shown, true in zip(cells, truth[i], strict=True))  # never 5 above
        if i:
            before = [prefixes[i - 1][("referrals", "channel", chr(97 + k))] for k in range(8)]
            assert all(c >= b for c, b in zip(cells, before, strict=True))
