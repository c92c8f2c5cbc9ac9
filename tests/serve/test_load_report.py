"""``load/report.py``: locust's CSV statistics as ``load/report.md``, with the machine's load and the failures marked."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("load_report", Path(__file__).parents[2] / "load" / "report.py")
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)

STATS = ["Type", "Name", "Request Count", "Failure Count", "Requests/s", "50%", "95%", "99%", "Max Response Time"]


def _write(prefix: Path, stats: list[list[str]], failures: list[list[str]] = ()) -> str:
    with open(f"{prefix}_stats.csv", "w", newline="") as f:
        csv.writer(f).writerows([STATS, *stats])
    with open(f"{prefix}_failures.csv", "w", newline="") as f:
        csv.writer(f).writerows([["Method", "Name", "Error", "Occurrences"], *failures])
    return str(prefix)


@pytest.fixture
def machine(monkeypatch):
    monkeypatch.setattr(report.os, "getloadavg", lambda: (0.4, 0.3, 0.2))
    monkeypatch.setattr(report.os, "cpu_count", lambda: 2)
    monkeypatch.setenv("LOAD_AVG_START", "0.12 0.21 0.5")


def test_it_prints_the_cpus_and_the_load_average_at_the_start_and_at_the_end(tmp_path, machine):
    prefix = _write(
        tmp_path / "s",
        [
            ["GET", "/caseload/", "10", "0", "1.5", "40", "90", "120", "130"],
            ["", "Aggregated", "10", "0", "1.5", "40", "90", "120", "130"],
        ],
    )
    text = report.render(prefix)
    assert "2 CPUs; load average (1 / 5 / 15 min) at the start 0.1 / 0.2 / 0.5, at the end 0.4 / 0.3 / 0.2" in text
    assert "busy" not in text and "overloaded" not in text
    assert "| `/caseload/` | GET | 10 | 1.50 | 40 | 90 | 120 | 130 | 0 |" in text
    assert text.endswith("## Failures\n\nNone.\n")


def test_it_says_when_the_machine_was_busy_before_the_run(tmp_path, machine, monkeypatch):
    monkeypatch.setenv("LOAD_AVG_START", "1.5 1.0 0.8")
    text = report.render(_write(tmp_path / "s", [["GET", "/caseload/", "1", "0", "1", "40", "90", "120", "130"]]))
    assert "**The machine was busy before the run began**" in text


def test_it_says_unknown_without_the_load_at_the_start(tmp_path, machine, monkeypatch):
    monkeypatch.delenv("LOAD_AVG_START")
    text = report.render(_write(tmp_path / "s", [["GET", "/caseload/", "1", "0", "1", "40", "90", "120", "130"]]))
    assert "at the start unknown, at the end 0.4 / 0.3 / 0.2" in text


@pytest.mark.parametrize(
    ("warm_up", "said"),
    [
        ("30s", "- Warm-up: 12 users for 30s before the measured run, not counted"),
        ("1m", "- Warm-up: 12 users for 1m before the measured run, not counted"),
        ("0", "- Warm-up: none"),
        (None, "- Warm-up: none"),
    ],
)
def test_it_says_whether_the_server_was_warmed_up_before_the_run(tmp_path, machine, monkeypatch, warm_up, said):
    if warm_up is None:
        monkeypatch.delenv("LOAD_WARMUP", raising=False)
    else:
        monkeypatch.setenv("LOAD_WARMUP", warm_up)
    monkeypatch.setenv("LOAD_WARMUP_USERS", "12")
    text = report.render(_write(tmp_path / "s", [["GET", "/caseload/", "1", "0", "1", "40", "90", "120", "130"]]))
    assert said in text


def test_it_marks_the_endpoints_that_failed_and_lists_their_errors(tmp_path, machine):
    prefix = _write(
        tmp_path / "s",
        [
            ["POST", "/groups/new/ (post)", "4", "2", "0.2", "140", "900", "900", "910"],
            ["GET", "/groups/", "9", "0", "0.3", "50", "90", "90", "95"],
            ["", "Aggregated", "13", "2", "0.5", "60", "900", "900", "910"],
        ],
        [["POST", "/groups/new/ (post)", "expected a redirect, got 200 with form errors", "2"]],
    )
    text = report.render(prefix)
    assert "| `/groups/new/ (post)` | POST | 4 | 0.20 | 140 | 900 | 900 | 910 | **2 ✗** |" in text
    assert "| `/groups/` | GET | 9 | 0.30 | 50 | 90 | 90 | 95 | 0 |" in text
    assert "| **2** ✗ |" in text
    assert "| `/groups/new/ (post)` | POST | expected a redirect, got 200 with form errors | 2 |" in text
