"""Statistics for a period: de-identified aggregates, counted in SQL, then rounded in one place.

(The app is named ``stats``, not ``statistics`` as the layout issue asked: a top-level package called
``statistics`` would shadow Python's own ``statistics`` module for every import in the process.)

``statistics(period)`` is the only entry point for anything shown or exported: it reads the raw counts of
the months of the period's year (``snapshots.months_for``), rounds them with the one rule of
``stats.rounding`` (controlled rounding to base 5 on the year's prefixes, so that no difference of two tables
served reveals a small count), and labels them (``present``). The page, the chart data, the CSV and XLSX
exports and the stored monthly report (and its PDF) all read its output, so none of them ever holds a raw
count. Periods are calendar months, quarters and years only (``stats.periods``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries

from protection.service_referrals import figures as service_stats

from . import counts as counting
from . import rounding, snapshots
from .periods import Period

RULE = "round5-prefix-v1"  # stored with each monthly report: a report built under another rule is built again


def _tally_rows(counts: dict, labels: dict | None = None, *, keep_null: bool = True, by_key=False) -> list[dict]:
    """Counts by key (from SQL) as rows: [{"key", "label", "value"}], largest first (or in the order of the keys)."""
    result = []
    for key, n in counts.items():
        if not n or (key is None and not keep_null):
            continue
        key = "" if key is None else key
        label = (labels or {}).get(key, key if key != "" else _("not recorded"))
        result.append({"key": str(key), "label": str(label), "value": n})
    if by_key:
        return sorted(result, key=lambda r: r["key"])
    return sorted(result, key=lambda r: (-r["value"], r["label"]))


def _breakdown(key: str, title: str, rows: list[dict], *, additive: bool = True) -> dict:
    return {"key": key, "title": str(title), "rows": rows, "additive": additive}


def _figure(key: str, label: str, value: int | None) -> dict:
    return {"key": key, "label": str(label), "value": value or 0}


def _choices(choices) -> dict:
    return {k: str(v) for k, v in choices}


def collect(period: Period) -> dict[str, Any]:
    """Raw counts of the period counted now, with their labels; never shown as they are (``statistics``)."""
    months = counting.count_months(period.year, period.first, period.last)
    return present(counting.add(*months.values()), period)


def present(counts: dict[str, Any], period: Period) -> dict[str, Any]:
    """Counts (raw, or rounded to be shown) as sections of figures and breakdowns, in the active language."""
    from ceis.partners.models import PartnerBody
    from protection.models import Accommodation, JobPlacement, ProtectionPathway, Training
    from referrals.models import ExploitationForm, Person, Referral

    age_labels = {
        "under_18": _("under 18"),
        "18_24": "18–24",
        "25_34": "25–34",
        "35_plus": _("35 and over"),
        "unknown": _("unknown"),
    }
    nationality_labels = {code: name for code, name in countries}
    by_referral, by_person = counts["referrals_by"], counts["people_by"]
    open_by, closed_by = counts["pathways_open_by"], counts["pathways_closed_by"]
    jobs_rows = _tally_rows(counts["jobs"], _choices(JobPlacement.Outcome.choices))
    sirit = counts["pathways"]

    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "period": period.slug,
        "rule": RULE,
        "sections": [
            {
                "key": "sirit",
                "title": _("SIRIT stages"),
                "breakdowns": [],
                "figures": [
                    _figure("contacts", _("Contacts (referrals received)"), counts["referrals"]),
                    _figure("assessments", _("Assessments (interviews completed)"), counts["interviews_held"]),
                    _figure("taken_in_charge_new", _("Taken in charge: new"), sirit["new"]),
                    _figure(
                        "taken_in_charge_ongoing",
                        _("Taken in charge: ongoing (begun in an earlier year)"),
                        sirit["ongoing"],
                    ),
                    _figure(
                        "social_inclusion",
                        _("Social inclusion (job placements active)"),
                        sum(r["value"] for r in jobs_rows),
                    ),
                    _figure("follow_up", _("Follow-up (pathways closed)"), sirit["closed"]),
                ],
            },
            {
                "key": "referrals",
                "title": _("Referrals"),
                "figures": [_figure("referrals", _("Referrals received"), counts["referrals"])],
                "breakdowns": [
                    _breakdown(
                        "referring_body_kind",
                        _("By kind of referring body"),
                        _tally_rows(
                            by_referral["referring_body__kind"],
                            # no body: a self-referral or a call from the National helpline
                            {**_choices(PartnerBody.Kind.choices), "": str(_("self-referral or National helpline"))},
                        ),
                    ),
                    _breakdown("month", _("By month received"), _tally_rows(by_referral["month"], by_key=True)),
                    _breakdown(
                        "channel",
                        _("By channel"),
                        _tally_rows(by_referral["channel"], _choices(Referral.Channel.choices)),
                    ),
                    _breakdown(
                        "urgency",
                        _("By urgency"),
                        _tally_rows(by_referral["urgency"], _choices(Referral.Urgency.choices)),
                    ),
                    _breakdown(
                        "outcome",
                        _("By outcome of identification"),
                        _tally_rows(
                            by_referral["outcome"], {**_choices(Referral.Outcome.choices), "": _("not yet decided")}
                        ),
                    ),
                    _breakdown(
                        "exploitation",
                        _("Forms of exploitation (a referral may have several)"),
                        _tally_rows(counts["exploitation"], _choices(ExploitationForm.Code.choices), keep_null=False),
                        additive=False,
                    ),
                ],
            },
            {
                "key": "people",
                "title": _("People referred"),
                "figures": [
                    _figure("people", _("People (each once a year)"), counts["people"]),
                    _figure("minors", _("Minors or presumed minors"), by_person["is_minor"].get("1", 0)),
                ],
                "breakdowns": [
                    _breakdown(
                        "gender", _("By gender"), _tally_rows(by_person["gender"], _choices(Person.Gender.choices))
                    ),
                    _breakdown("age", _("By age band"), _tally_rows(by_person["band"], age_labels)),
                    _breakdown(
                        "nationality", _("By nationality"), _tally_rows(by_person["nationality"], nationality_labels)
                    ),
                ],
            },
            {
                "key": "activities",
                "title": _("Interviews and group sessions"),
                "figures": [
                    _figure("interviews", _("Interviews held"), counts["interviews_held"]),
                    _figure(
                        "interviews_substituted",
                        _("of which assessed with a substitute indicator list"),
                        counts.get("interviews_substituted"),  # absent from snapshots taken before it was counted
                    ),
                    _figure("sessions", _("Group sessions"), counts["sessions"]),
                    _figure("reached", _("People reached by group sessions"), counts["reached"]),
                ],
                "breakdowns": [
                    _breakdown(
                        "host_centre",
                        _("Group sessions by host centre"),
                        _tally_rows(counts["sessions_by_host"]),
                    ),
                ],
            },
            {
                "key": "pathways",
                "title": _("Protection pathways"),
                "figures": [],
                "breakdowns": [
                    _breakdown(
                        "phase",
                        _("Pathways active, by phase (each once a year)"),
                        _tally_rows(open_by["phase"], _choices(ProtectionPathway.Phase.choices)),
                    ),
                    _breakdown(
                        "legal_basis",
                        _("Pathways active, by legal basis (each once a year)"),
                        _tally_rows(open_by["legal_basis"], _choices(ProtectionPathway.LegalBasis.choices)),
                    ),
                    _breakdown(
                        "closure_reason",
                        _("Pathways closed in the period, by reason"),
                        _tally_rows(closed_by["closure_reason"], _choices(ProtectionPathway.ClosureReason.choices)),
                    ),
                    _breakdown(
                        "accommodation",
                        _("Accommodation by type"),
                        _tally_rows(counts["accommodation"], _choices(Accommodation.Type.choices)),
                    ),
                    _breakdown(
                        "literacy",
                        _("Literacy courses"),
                        _tally_rows(counts["literacy"], {"1": _("certificate obtained"), "0": _("no certificate yet")}),
                    ),
                    _breakdown(
                        "training",
                        _("Training by outcome"),
                        _tally_rows(counts["training"], _choices(Training.Outcome.choices)),
                    ),
                    _breakdown("jobs", _("Job placements by outcome"), jobs_rows),
                ],
            },
            service_stats.section(counts),
        ],
    }


def statistics(period: Period) -> dict[str, Any]:
    """Rounded statistics of a calendar period: what the page, the charts, the exports and the reports show.

    The raw counts of the year's months up to the period's last come from their snapshots (counted now when
    stale); every figure is rounded by ``stats.rounding`` on the year's prefixes and then labelled in the
    reader's language. A breakdown lists the categories whose rounded count is not 0, and its total is the sum
    of what it lists (the rounding makes them add up).
    """
    months = snapshots.months_for(period.year, period.last)
    return finish(present(rounding.publish(months, period.year, period.first, period.last), period))


def finish(data: dict[str, Any]) -> dict[str, Any]:
    """Rows at 0 dropped (their presence would say "1 to 4"), totals of additive breakdowns added."""
    sections = []
    for section in data["sections"]:
        breakdowns = []
        for b in section["breakdowns"]:
            rows = [r for r in b["rows"] if r["value"]]
            total = sum(r["value"] for r in rows) if b["additive"] else None
            breakdowns.append({**b, "rows": rows, "total": total, "collapsed": False})
        sections.append({**section, "breakdowns": breakdowns})
    return {**data, "sections": sections, "rounded": True}


def chart_data(stats: dict[str, Any]) -> dict[str, Any]:
    """Chart series from rounded statistics (a non-number, from a report of an older rule, is null with a note)."""
    charts = []
    for section in stats["sections"]:
        for b in section["breakdowns"]:
            if not b["rows"]:
                continue
            charts.append(
                {
                    "key": b["key"],
                    "title": b["title"],
                    "labels": [r["label"] for r in b["rows"]],
                    "values": [r["value"] if isinstance(r["value"], int) else None for r in b["rows"]],
                    "notes": [r["value"] if isinstance(r["value"], str) else "" for r in b["rows"]],
                }
            )
    return {"charts": charts}


def table_rows(stats: dict[str, Any]) -> list[list[Any]]:
    """Flat rows (section, breakdown, category, value) for the CSV, XLSX and PDF exports: counts stay numbers."""
    rows = [[_("Section"), _("Breakdown"), _("Category"), _("Count")]]
    for section in stats["sections"]:
        for f in section["figures"]:
            rows.append([section["title"], "", f["label"], f["value"]])
        for b in section["breakdowns"]:
            for r in b["rows"]:
                rows.append([section["title"], b["title"], r["label"], r["value"]])
            if b["collapsed"]:
                rows.append([section["title"], b["title"], _("Too few to break down"), ""])
            if b["total"] is not None:
                rows.append([section["title"], b["title"], _("Total"), b["total"]])
    return rows
