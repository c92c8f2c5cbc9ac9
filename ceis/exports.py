"""Spreadsheet-safe cells for every CSV and XLSX the service exports (caseload list, statistics, reports)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """Keep a spreadsheet from reading a cell as a formula (CSV injection): such a cell gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
