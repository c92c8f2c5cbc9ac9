"""The reviewed judgements of past findings (``judgements.toml``) and the matching of new findings to them.

A judgement names a tool, a category and a path pattern (``fnmatch``: ``*`` crosses slashes), optionally a
method, a parameter and a pattern of the tool's text; its status is ``false positive`` or ``accepted``, and
it must give its reason. A finding no judgement matches is **open**, and an open finding fails ``make scan``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from security.findings import Finding

JUDGEMENTS_FILE = Path(__file__).with_name("judgements.toml")
STATUSES = {"false positive", "accepted"}


@dataclass(frozen=True)
class Judgement:
    tool: str
    category: str
    path: str
    status: str
    reason: str
    method: str = "*"
    parameter: str = "*"
    info: str = "*"

    def matches(self, finding: Finding) -> bool:
        return (
            self.tool == finding.tool
            and fnmatchcase(finding.category, self.category)
            and fnmatchcase(finding.path, self.path)
            and fnmatchcase(finding.method, self.method)
            and fnmatchcase(finding.parameter, self.parameter)
            and fnmatchcase(finding.info, self.info)
        )


class BadJudgement(ValueError):
    pass


def parse(text: str) -> list[Judgement]:
    judgements = []
    for i, entry in enumerate(tomllib.loads(text).get("judgement", []), start=1):
        missing = {"tool", "category", "path", "status", "reason"} - entry.keys()
        unknown = entry.keys() - Judgement.__dataclass_fields__.keys()
        if missing or unknown:
            raise BadJudgement(f"judgement {i}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        if entry["status"] not in STATUSES:
            raise BadJudgement(f"judgement {i}: status must be one of {sorted(STATUSES)}")
        if not str(entry["reason"]).strip():
            raise BadJudgement(f"judgement {i}: a judgement without its reason is not one")
        judgements.append(Judgement(**entry))
    return judgements


def load(path: Path = JUDGEMENTS_FILE) -> list[Judgement]:
    return parse(path.read_text(encoding="utf-8"))


@dataclass
class Judged:
    finding: Finding
    judgement: Judgement | None

    @property
    def status(self) -> str:
        return self.judgement.status if self.judgement else "open"


def judge(findings: list[Finding], judgements: list[Judgement]) -> tuple[list[Judged], list[Judgement]]:
    """Each finding with the first judgement that matches it (or none: open); the judgements nothing matched."""
    judged = [Judged(f, next((j for j in judgements if j.matches(f)), None)) for f in findings]
    used = {id(j.judgement) for j in judged if j.judgement}
    return judged, [j for j in judgements if id(j) not in used]


def open_findings(judged: list[Judged]) -> list[Judged]:
    return [j for j in judged if j.judgement is None]


def exit_status(judged: list[Judged], incomplete: list[str]) -> int:
    """``make scan``'s verdict: 1 while a finding is open or a scanner left no result, else 0."""
    return 1 if open_findings(judged) or incomplete else 0
