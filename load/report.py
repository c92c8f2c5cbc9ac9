"""Turn locust's CSV statistics into ``load/report.md``: per endpoint and in total, requests/s, p95, failures.

Usage: ``python load/report.py PREFIX OUT`` (PREFIX as given to ``locust --csv``). The run's settings come
from LOAD_HOST, LOAD_USERS and LOAD_TIME (as ``make load`` sets them).
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


def render(prefix: str) -> str:
    stats = _rows(Path(f"{prefix}_stats.csv"))
    failures = _rows(Path(f"{prefix}_failures.csv"))
    endpoints = [r for r in stats if r["Name"] != "Aggregated"]
    total = next((r for r in stats if r["Name"] == "Aggregated"), None)
    load = os.getloadavg()
    lines = [
        "# Load test",
        "",
        f"- When: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, against `{os.environ.get('LOAD_HOST', '?')}`",
        f"- Users: {os.environ.get('LOAD_USERS', '?')} (spawn rate 10/s) for {os.environ.get('LOAD_TIME', '?')},"
        " think time 1–3 s between actions",
        f"- Machine running locust and the server: {os.cpu_count()} CPUs, load average at the end"
        f" {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min)",
    ]
    if load[0] > (os.cpu_count() or 1):
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
            f"| {r['Failure Count']} |"
        )
    if total:
        lines.append(
            f"| **total** | | **{total['Request Count']}** | **{float(total['Requests/s']):.2f}** "
            f"| {_ms(total['50%'])} | **{_ms(total['95%'])}** | {_ms(total['99%'])} | {_ms(total['Max Response Time'])} "
            f"| **{total['Failure Count']}** |"
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
