"""``security/report.md``: what ran, against what, how much, and every finding with its status."""

from __future__ import annotations

from dataclasses import dataclass, field

from security.judgements import Judged, Judgement


@dataclass
class Phase:
    role: str
    tool: str
    seconds: float
    requests: int
    answers_5xx: int
    note: str = ""  # e.g. "stopped at its time limit", "12 URLs with parameters"


@dataclass
class ScanRun:
    date: str
    versions: dict[str, str]
    target: str
    scope: list[str]
    phases: list[Phase]
    answers_5xx: int  # in the whole access log, logins and crawls included
    error_lines: int  # "Internal Server Error" / traceback lines in the server's own log
    judged: list[Judged]
    unused: list[Judgement] = field(default_factory=list)
    total_seconds: float = 0.0


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ") or "—"


def render(run: ScanRun) -> str:
    open_ = [j for j in run.judged if j.judgement is None]
    judged = [j for j in run.judged if j.judgement is not None]
    lines = [
        "# Security scan",
        "",
        "Written by `make scan` (`security/scan.py`); do not edit by hand. Judgements live in "
        "`security/judgements.toml`.",
        "",
        f"- **Date:** {run.date}",
        f"- **Target:** {run.target}",
        f"- **Duration:** {run.total_seconds / 60:.1f} min",
        f"- **Result:** {'PASS: no finding left open' if not open_ else f'FAIL: {len(open_)} finding(s) open'}",
        "",
        "## Tools",
        "",
        "| tool | version |",
        "|---|---|",
        *(f"| {_cell(name)} | {_cell(version)} |" for name, version in run.versions.items()),
        "",
        "## Scope",
        "",
        *(f"- {line}" for line in run.scope),
        "",
        "## Requests",
        "",
        "| role | tool | requests | answers ≥ 500 | time | note |",
        "|---|---|---:|---:|---:|---|",
        *(
            f"| {p.role} | {p.tool} | {p.requests} | {p.answers_5xx} | {p.seconds:.0f} s | {_cell(p.note)} |"
            for p in run.phases
        ),
        "",
        f"Answers ≥ 500 in the server's access log, whole run: **{run.answers_5xx}**. "
        f"Error lines (`Internal Server Error`, tracebacks) in the server's own log: **{run.error_lines}**.",
        "",
        f"## Findings: {len(open_)} open, {len(judged)} judged",
        "",
    ]
    if open_:
        lines += [
            "### Open",
            "",
            "| tool | category | method | path | parameter | roles | detail |",
            "|---|---|---|---|---|---|---|",
            *(
                f"| {j.finding.tool} | {_cell(j.finding.category)} | {_cell(j.finding.method)} | "
                f"`{_cell(j.finding.path)}` | {_cell(j.finding.parameter)} | {', '.join(sorted(j.finding.roles))} | "
                f"{_cell(j.finding.info)} |"
                for j in open_
            ),
            "",
        ]
    if judged:
        lines += [
            "### Judged",
            "",
            "| tool | category | method | path | parameter | roles | detail | status | reason |",
            "|---|---|---|---|---|---|---|---|---|",
            *(
                f"| {j.finding.tool} | {_cell(j.finding.category)} | {_cell(j.finding.method)} | "
                f"`{_cell(j.finding.path)}` | {_cell(j.finding.parameter)} | {', '.join(sorted(j.finding.roles))} | "
                f"{_cell(j.finding.info)} | {j.judgement.status} | {_cell(j.judgement.reason)} |"
                for j in judged
            ),
            "",
        ]
    if not run.judged:
        lines += ["No finding.", ""]
    if run.unused:
        lines += [
            "### Judgements that matched nothing this time",
            "",
            *(f"- {j.tool} · {j.category} · `{j.path}`: {j.status}" for j in run.unused),
            "",
        ]
    return "\n".join(lines)
