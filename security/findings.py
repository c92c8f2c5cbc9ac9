"""What the scanners and the server log found, as one list of findings.

A finding is one kind of problem at one place (tool, category, method, path, parameter); the same one seen
logged in as an operator and as a coordinator is one finding seen by both roles.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Finding:
    tool: str  # wapiti, sqlmap, server
    category: str  # the tool's own name for it ("Cross Site Request Forgery", "SQL injection", "5xx answer")
    method: str
    path: str
    parameter: str = ""
    info: str = ""
    roles: set[str] = field(default_factory=set)
    count: int = 1

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        return (self.tool, self.category, self.method, self.path, self.parameter, self.info)


# Wapiti puts the values it sent in ``info`` now and then; the place and the kind are what make a finding.
_VOLATILE = re.compile(r"(?i)(csrfmiddlewaretoken|sessionid|csrftoken)=[^&\s\"']+")


def _clean_info(info: str) -> str:
    return _VOLATILE.sub(r"\1=…", " ".join(str(info).split()))[:300]


def parse_wapiti(report: dict, role: str) -> list[Finding]:
    """Wapiti's JSON report (``-f json``): its vulnerabilities, anomalies and additionals, each a finding."""
    found = []
    for section in ("vulnerabilities", "anomalies", "additionals"):
        for category, items in (report.get(section) or {}).items():
            for item in items or []:
                found.append(
                    Finding(
                        tool="wapiti",
                        category=category,
                        method=item.get("method", "") or "",
                        path=item.get("path", "") or "",
                        parameter=item.get("parameter", "") or "",
                        info=_clean_info(item.get("info", "")),
                        roles={role},
                    )
                )
    return found


def parse_sqlmap_results(text: str, role: str) -> list[Finding]:
    """sqlmap's CSV results file of multiple-target mode (``-m``, ``--results-file``): one row per injection."""
    found = []
    rows = csv.reader(io.StringIO(text))
    for row in rows:
        if not row or row[0] == "Target URL":
            continue
        url, place, parameter, techniques, *notes = row + [""] * (5 - len(row))
        found.append(
            Finding(
                tool="sqlmap",
                category="SQL injection",
                method="POST" if place.upper() == "POST" else "GET",
                path=urlsplit(url).path,
                parameter=parameter,
                info=_clean_info(f"place {place}, techniques {techniques}" + (f"; {notes[0]}" if notes[0] else "")),
                roles={role},
            )
        )
    return found


def parse_sqlmap_log(text: str, role: str, path: str) -> list[Finding]:
    """sqlmap's console output of one run: the injection points it announces (a second source to the CSV)."""
    found = []
    for parameter, place in re.findall(r"(?m)^Parameter: (.+?) \((\w+)\)$", text):
        found.append(
            Finding(
                tool="sqlmap",
                category="SQL injection",
                method="POST" if place.upper() == "POST" else "GET",
                path=path,
                parameter=parameter,
                info=f"place {place}",
                roles={role},
            )
        )
    return found


# The access log format ``scan.py`` gives gunicorn: status, method, path and user agent, tab-separated.
ACCESS_LOG_FORMAT = "%(s)s\t%(m)s\t%(U)s\t%(a)s"


@dataclass
class Access:
    status: int
    method: str
    path: str
    agent: str


def parse_access_log(text: str) -> list[Access]:
    lines = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 4 or not parts[0].isdigit():
            continue
        lines.append(Access(int(parts[0]), parts[1], parts[2], "\t".join(parts[3:])))
    return lines


def server_errors(accesses: list[Access], roles_by_agent: dict[str, str]) -> list[Finding]:
    """Every answer ≥ 500 in the server's access log, one finding per status, method and path."""
    counts: Counter[tuple[int, str, str]] = Counter()
    roles: dict[tuple[int, str, str], set[str]] = {}
    for access in accesses:
        if access.status < 500:
            continue
        key = (access.status, access.method, access.path)
        counts[key] += 1
        role = next((r for tag, r in roles_by_agent.items() if tag in access.agent), "")
        roles.setdefault(key, set()).update({role} if role else set())
    return [
        Finding(
            tool="server",
            category=f"{status} answer",
            method=method,
            path=path,
            info=f"{counts[(status, method, path)]} time(s)",
            roles=roles[(status, method, path)],
            count=counts[(status, method, path)],
        )
        for status, method, path in sorted(counts)
    ]


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per key, with the roles and counts of all its sightings; sorted by tool, category, path."""
    merged: dict[tuple, Finding] = {}
    for finding in findings:
        if finding.key in merged:
            merged[finding.key].roles |= finding.roles
            merged[finding.key].count += finding.count
        else:
            merged[finding.key] = Finding(**{**finding.__dict__, "roles": set(finding.roles)})
    return sorted(merged.values(), key=lambda f: (f.tool, f.category, f.path, f.method, f.parameter, f.info))
