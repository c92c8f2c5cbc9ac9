"""Controlled rounding to base 5 on the prefixes of the calendar year: the one rule for every figure shown.

Why not "<3"? Suppressing small cells one table at a time does not survive subtraction: with free periods (or
a quarter and two of its months) shown exactly, the hidden cell of one table is the difference of two others.
So nothing is shown exactly; every figure of every period is a multiple of 5, made so that the tables of all
the periods of a year agree with each other:

1. Counts are monthly flows within a calendar year (``stats.counts.count_months``), so the true figures of a
   period (month, quarter, year; the current ones to date) are the sums of its months'.
2. For each month i of the year the *year to date* through i (the prefix P_i) is rounded once:
   - a total (referrals, people, pathways, ...) to the nearest multiple of 5 (0–2 → 0, 3–7 → 5, ...);
   - the cells of each breakdown of that total so that they add up to the rounded total exactly and never
     go down from one month to the next: the seats of 5 the total gained since the previous month go, one
     at a time, to the cell whose true count is furthest above what it shows (ties: in the order of the
     codes). A cell thus never shows more than 4 above its true year to date, and all cells add up to the
     total; a cell can show less than its true count by more than 4 only while its total is rounded down.
   - a figure without a breakdown (people reached, each form of exploitation) to the nearest multiple of 5.
3. A period's figure is the difference of two rounded prefixes: months → its month less the one before,
   a quarter → its last month's year to date less the one before the quarter, the year → December's.

What that gives: every table adds up (cells to totals, months to quarters, quarters to the year), so the
difference of two tables the system serves is itself the sum of published figures, a multiple of 5, and never
an exact small count: true counts of 1 or 2 show as 0 or 5 and cannot be told from 0, 3 or 4 by any
subtraction (``tests/stats/test_differencing.py`` derives every difference of every pair of periods of a year,
and checks the rule exhaustively on small tables). The cost: a figure may be off by a few units, and a few
units can move between adjacent months.
"""

from __future__ import annotations

from typing import Any

from .counts import PERSON_FIELDS, empty

BASE = 5

# The populations and the breakdowns whose cells share their total.
TABLES: dict[str, tuple[str, ...]] = {
    "referrals": ("referring_body__kind", "channel", "urgency", "outcome"),
    "people": PERSON_FIELDS,
    "interviews": ("list",),
    "sessions": ("host",),
    "active_pathways": ("stage", "phase", "legal_basis"),
    "closed_pathways": ("closure_reason",),
    "accommodation": ("cells",),
    "literacy": ("cells",),
    "training": ("cells",),
    "jobs": ("cells",),
    "services": ("by_type", "by_status"),
}


def nearest(value: int) -> int:
    """The nearest multiple of 5 (no ties: 5 is odd)."""
    return BASE * ((value + BASE // 2) // BASE)


def tables(c: dict[str, Any]) -> tuple[dict[str, dict], dict[str, int]]:
    """A month's (or a prefix's) counts as tables {name: {"total", "groups": {name: {key: n}}}} and free figures."""
    pathways = c["pathways"]
    services = c.get("services") or {"total": 0, "by_type": {}, "by_status": {}}

    def table(total, **groups):
        return {"total": total, "groups": {k: dict(v) for k, v in groups.items()}}

    def whole(cells):
        return table(sum(cells.values()), **{"cells": cells})

    out = {
        "referrals": table(c["referrals"], **{f: c["referrals_by"].get(f, {}) for f in TABLES["referrals"]}),
        "people": table(c["people"], **{f: c["people_by"].get(f, {}) for f in PERSON_FIELDS}),
        "interviews": table(
            c["interviews_held"],
            list={
                "substitute": c.get("interviews_substituted") or 0,
                "usual": c["interviews_held"] - (c.get("interviews_substituted") or 0),
            },
        ),
        "sessions": table(c["sessions"], host=c["sessions_by_host"]),
        "active_pathways": table(
            pathways["new"] + pathways["ongoing"],
            stage={"new": pathways["new"], "ongoing": pathways["ongoing"]},
            phase=c["pathways_open_by"]["phase"],
            legal_basis=c["pathways_open_by"]["legal_basis"],
        ),
        "closed_pathways": table(pathways["closed"], closure_reason=c["pathways_closed_by"]["closure_reason"]),
        "services": table(services["total"], by_type=services["by_type"], by_status=services["by_status"]),
    }
    for key in ("accommodation", "literacy", "training", "jobs"):
        out[key] = whole(c[key])
    free = {"reached": c["reached"], **{f"exploitation:{k}": v for k, v in c["exploitation"].items()}}
    return out, free


def _accumulate(total: tuple[dict, dict], month: tuple[dict, dict]) -> None:
    tabs, free = total
    month_tabs, month_free = month
    for name, t in month_tabs.items():
        into = tabs.setdefault(name, {"total": 0, "groups": {}})
        into["total"] += t["total"]
        for g, cells in t["groups"].items():
            target = into["groups"].setdefault(g, {})
            for k, n in cells.items():
                target[k] = target.get(k, 0) + n
    for k, n in month_free.items():
        free[k] = free.get(k, 0) + n


def allocate(deficits: dict[str, int], seats: int) -> dict[str, int]:
    """Give ``seats`` seats one at a time to the cell with the largest deficit, each seat lowering it by 5.

    Done in one go: the seats given are the ``seats`` largest of all priorities d, d−5, d−10, ... (ties in
    the order of the keys), found by a binary search on the threshold.
    """
    if seats <= 0 or not deficits:
        return {}

    def above(theta: int) -> int:  # priorities strictly above theta
        return sum((d - theta - 1) // BASE + 1 for d in deficits.values() if d > theta)

    hi = max(deficits.values())  # nothing above hi
    lo = hi - BASE * seats - 1  # at least ``seats`` priorities above lo (the best cell alone has them)
    while hi - lo > 1:  # invariant: above(lo) >= seats > above(hi)
        mid = (lo + hi) // 2
        if above(mid) >= seats:
            lo = mid
        else:
            hi = mid
    # Every priority above hi is taken; the rest are those equal to hi, in the order of the keys.
    given = {k: (d - hi - 1) // BASE + 1 for k, d in deficits.items() if d > hi}
    left = seats - sum(given.values())
    for k in sorted(deficits):
        if left == 0:
            break
        d = deficits[k]
        if d >= hi and (d - hi) % BASE == 0:
            given[k] = given.get(k, 0) + 1
            left -= 1
    return given


def round_rows(totals: list[int], rows: list[dict[str, int]]) -> list[tuple[int, dict[str, int]]]:
    """One breakdown over the prefixes of a year: each prefix's total to the nearest 5, its cells controlled.

    ``totals[i]`` is the true total through month i+1, ``rows[i]`` its cells (which add up to it). The seats
    (of 5) the rounded total gains from one prefix to the next go to the cells whose true count is furthest
    above what they show; a cell never loses a seat.
    """
    seats: dict[str, int] = {}
    out = []
    for true_total, cells in zip(totals, rows, strict=True):
        total = nearest(true_total)
        held = {k: seats.get(k, 0) for k in cells}
        deficits = {k: n - BASE * held[k] for k, n in cells.items()}
        for k, extra in allocate(deficits, total // BASE - sum(held.values())).items():
            held[k] += extra
        seats.update(held)
        out.append((total, {k: BASE * s for k, s in held.items()}))
    return out


def rounded_prefixes(months: dict[int, dict[str, Any]], last: int) -> list[dict[tuple, int]]:
    """The rounded year to date after each month 1..``last``: {(table,), (table, group, key), ("free", key)}."""
    cumulative: tuple[dict, dict] = ({}, {})
    prefixes: list[tuple[dict, dict]] = []
    for i in range(1, last + 1):
        _accumulate(cumulative, tables(months.get(i) or empty()))
        tabs, free = cumulative
        prefixes.append(
            (
                {
                    n: {"total": t["total"], "groups": {g: dict(c) for g, c in t["groups"].items()}}
                    for n, t in tabs.items()
                },
                dict(free),
            )
        )
    rows: list[dict[tuple, int]] = [{} for _ in prefixes]
    for name in prefixes[-1][0]:
        totals = [p[0].get(name, {"total": 0})["total"] for p in prefixes]
        for i, total in enumerate(totals):
            rows[i][(name,)] = nearest(total)
        for group in prefixes[-1][0][name]["groups"]:
            cells = [p[0].get(name, {"groups": {}})["groups"].get(group, {}) for p in prefixes]
            for i, (_total, shown) in enumerate(round_rows(totals, cells)):
                for k, v in shown.items():
                    rows[i][(name, group, k)] = v
    for i, (_tabs, free) in enumerate(prefixes):
        for k, n in free.items():
            rows[i][("free", k)] = nearest(n)
    return rows


def publish(months: dict[int, dict[str, Any]], year: int, first: int, last: int) -> dict[str, Any]:
    """The rounded counts of months ``first``..``last`` of ``year`` (same shape as ``counts.count_months``'s)."""
    rows = rounded_prefixes(months, last)
    after, before = rows[last - 1], (rows[first - 2] if first > 1 else {})
    shown = {k: v - before.get(k, 0) for k, v in after.items()}
    month_totals = {
        f"{year}-{m:02d}": rows[m - 1].get(("referrals",), 0) - (rows[m - 2].get(("referrals",), 0) if m > 1 else 0)
        for m in range(first, last + 1)
    }
    return to_counts(shown, month_totals)


def to_counts(shown: dict[tuple, int], month_totals: dict[str, int]) -> dict[str, Any]:
    """Rounded figures back in the shape of the counts, for ``stats.selectors.present``."""
    c = empty()

    def group(table: str, name: str) -> dict[str, int]:
        return {k[2]: v for k, v in shown.items() if len(k) == 3 and k[0] == table and k[1] == name}

    def total(table: str) -> int:
        return shown.get((table,), 0)

    c["referrals"] = total("referrals")
    c["referrals_by"] = {f: group("referrals", f) for f in TABLES["referrals"]}
    c["referrals_by"]["month"] = month_totals
    c["people"] = total("people")
    c["people_by"] = {f: group("people", f) for f in PERSON_FIELDS}
    c["interviews_held"] = total("interviews")
    c["interviews_substituted"] = group("interviews", "list").get("substitute", 0)
    c["sessions"] = total("sessions")
    c["sessions_by_host"] = group("sessions", "host")
    stage = group("active_pathways", "stage")
    c["pathways"] = {"new": stage.get("new", 0), "ongoing": stage.get("ongoing", 0), "closed": total("closed_pathways")}
    c["pathways_open_by"] = {f: group("active_pathways", f) for f in ("phase", "legal_basis")}
    c["pathways_closed_by"] = {"closure_reason": group("closed_pathways", "closure_reason")}
    for key in ("accommodation", "literacy", "training", "jobs"):
        c[key] = group(key, "cells")
    c["services"] = {"total": total("services"), "by_type": group("services", "by_type")}
    c["services"]["by_status"] = group("services", "by_status")
    c["reached"] = shown.get(("free", "reached"), 0)
    c["exploitation"] = {k[1].split(":", 1)[1]: v for k, v in shown.items() if k[0] == "free" and ":" in k[1]}
    return c
