"""Turn locust's CSV statistics into ``load/report.md``: per endpoint and in total, requests/s, p95, failures.

Usage: ``python load/report.py PREFIX OUT`` (PREFIX as given to ``locust --csv``). The run's settings come
from LOAD_HOST, LOAD_USERS, LOAD_TIME, LOAD_WARMUP and LOAD_WARMUP_USERS (as ``make load`` sets them), the machine's load average before the run
from LOAD_AVG_START ("1-min 5-min 15-min", as ``make load`` records it before starting locust); the load average at
the end is read when the report is written.
"""

from __future__ import annotations

import csv
import os
import sys
from datetime import UTC, datetime
from pathlib import Path


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _ms(value: str) -> str:
    try:
        return f"{float(value):.0f}"
    except ValueError:
        return value or "-"


def _start_load() -> tuple[float, float, float] | None:
    try:
        one, five, fifteen = (float(x) for x in os.environ.get("LOAD_AVG_START", "").split())
    except ValueError:
        return None
    return one, five, fifteen


def _load_text(load: tuple[float, float, float] | None) -> str:
    return "unknown" if load is None else f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"


def _warm_up_text(warm_up: str, users: str) -> str:
    if warm_up in ("", "0"):
        return "- Warm-up: none (the server's workers answer their first pages during the measured run)"
    return (
        f"- Warm-up: {users} users for {warm_up} before the measured run, not counted (the server as after some time in"
        " service); the measured run starts with all its users logging in"
    )


def _failures(value: str) -> str:
    """A failure count, marked when there is any."""
    return f"**{value} ✗**" if value not in ("", "0") else value


def render(prefix: str) -> str:
    stats = _rows(Path(f"{prefix}_stats.csv"))
    failures = _rows(Path(f"{prefix}_failures.csv"))
    endpoints = [r for r in stats if r["Name"] != "Aggregated"]
    total = next((r for r in stats if r["Name"] == "Aggregated"), None)
    load, start = os.getloadavg(), _start_load()
    cpus = os.cpu_count() or 1
    lines = [
        "# Load test",
        "",
        f"- When: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, against `{os.environ.get('LOAD_HOST', '?')}`",
        f"- Users: {os.environ.get('LOAD_USERS', '?')} (spawn rate 10/s) for {os.environ.get('LOAD_TIME', '?')},"
        " think time 1–3 s between actions",
        _warm_up_text(os.environ.get("LOAD_WARMUP", ""), os.environ.get("LOAD_WARMUP_USERS", "?")),
        f"- Machine running locust and the server: {cpus} CPUs; load average (1 / 5 / 15 min) at the start"
        f" {_load_text(start)}, at the end {_load_text(load)}",
    ]
    if start is not None and start[0] > cpus / 2:
        lines.append(
            "- **The machine was busy before the run began** (1-minute load average above half its CPU count):"
            " other jobs shared the CPUs with the server and locust."
        )
    if load[0] > cpus:
        lines.append(
            "- **The machine was overloaded** (1-minute load average above its CPU count, other jobs included): the"
            " response times measure that contention as much as the application; the failure counts still hold."
        )
    lines += [
        "",
        "| endpoint | method | requests | req/s | median ms | p95 ms | p99 ms | max ms | failures |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(endpoints, key=lambda r: (r["Name"], r["Type"])):
        lines.append(
            f"| `{r['Name']}` | {r['Type']} | {r['Request Count']} | {float(r['Requests/s']):.2f} "
            f"| {_ms(r['50%'])} | {_ms(r['95%'])} | {_ms(r['99%'])} | {_ms(r['Max Response Time'])} "
            f"| {_failures(r['Failure Count'])} |"
        )
    if total:
        lines.append(
            f"| **total** | | **{total['Request Count']}** | **{float(total['Requests/s']):.2f}** "
            f"| {_ms(total['50%'])} | **{_ms(total['95%'])}** | {_ms(total['99%'])} | {_ms(total['Max Response Time'])} "
            f"| **{total['Failure Count']}**{' ✗' if total['Failure Count'] not in ('', '0') else ''} |"
        )
    else:
        lines.append("| no statistics: locust wrote no CSV | | | | | | | | |")
    lines += ["", "## Failures", ""]
    if failures:
        lines += ["| endpoint | method | error | occurrences |", "|---|---|---|---:|"]
        lines += [f"| `{f['Name']}` | {f['Method']} | {f['Error']} | {f['Occurrences']} |" for f in failures]
    else:
        lines.append("None." if total else "Unknown: no statistics.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    prefix, out = sys.argv[1], sys.argv[2]
    Path(out).write_text(render(prefix))
