"""Statistics for a period: de-identified aggregates, counted in SQL, then suppressed in one place.

``statistics(start, end)`` is the only entry point for anything shown or exported: it counts with
``collect`` and passes the result through ``suppress``. The page, the chart data, the CSV and XLSX
exports and the stored monthly report all read its output, so none of them ever holds a raw 1 or 2.

Suppression rule (``suppress_cells``):

1. Primary: a count of 1 or 2 is shown as "<3" (``SMALL``). Zero is shown as 0: it reveals nobody.
2. Secondary: every additive breakdown shows its total (and the same population's total is shown
   elsewhere anyway, e.g. the referrals by channel and by urgency), so the hidden cells' sum S is
   public. A reader knows each "<3" cell is 1 or 2 and each secondarily hidden cell is at least 3.
   With p "<3" cells and s hidden cells, the split of S is unique exactly when
   - s == 0 and S == p or S == 2p (every "<3" cell is 1, or every one is 2), or
   - s > 0 and S == p + 3s (every "<3" cell is 1 and every hidden cell is 3).
   While that is so, the smallest cell still shown is hidden too (``HIDDEN``, "*"). If every non-zero
   cell is hidden and the split is still unique, the breakdown is collapsed: no rows, only its total
   (which other breakdowns of the same population show anyway).
   Example: NG 10, ER 2, BD 5, total 17 → ER "<3", BD "*", NG 10, total 17: ER + BD = 7, and both
   ER = 1, BD = 6 and ER = 2, BD = 5 fit.
3. A total of 1 or 2 is itself "<3" and the breakdown is collapsed: listing two "<3" rows under a
   "<3" total would say both are 1.
Single figures (interviews held, SIRIT stages) follow rule 1. Breakdowns where a record may count in
several cells (forms of exploitation) show no total and need only rule 1.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

SMALL = "<3"
HIDDEN = "*"


# ---------------------------------------------------------------------------------------------- suppression


def _unique_split(small: int, hidden: int, total: int) -> bool:
    if small == 0:
        return False
    if hidden == 0:
        return total in (small, 2 * small)
    return total == small + 3 * hidden


def suppress_cells(values: list[int], *, additive: bool = True) -> tuple[list[int | str] | None, int | str | None]:
    """Suppress one breakdown: the values to show (None: too few to break down) and the total to show.

    The total is None for a breakdown that is not additive.
    """
    total = sum(values)
    shown: list[int | str] = [SMALL if 0 < v < 3 else v for v in values]
    if not additive:
        return shown, None
    if 0 < total < 3:
        return None, SMALL
    small = sum(1 for v in shown if v == SMALL)
    hidden_sum = sum(v for v in values if 0 < v < 3)
    hidden = 0
    while _unique_split(small, hidden, hidden_sum):
        candidates = [i for i, v in enumerate(shown) if isinstance(v, int) and v > 0]
        if not candidates:
            return None, total
        i = min(candidates, key=lambda j: values[j])
        shown[i] = HIDDEN
        hidden += 1
        hidden_sum += values[i]
    return shown, total


def suppress_value(value: int) -> int | str:
    return SMALL if 0 < value < 3 else value


def suppress(raw: dict[str, Any]) -> dict[str, Any]:
    """The one place where raw counts become what may be shown: applied to everything that leaves this module."""
    sections = []
    for section in raw["sections"]:
        breakdowns = []
        for b in section["breakdowns"]:
            shown, total = suppress_cells([r["value"] for r in b["rows"]], additive=b["additive"])
            if shown is None:
                rows, collapsed = [], True
            else:
                rows, collapsed = [{**r, "value": v} for r, v in zip(b["rows"], shown, strict=True)], False
            breakdowns.append({**b, "rows": rows, "total": total, "collapsed": collapsed})
        figures = [{**f, "value": suppress_value(f["value"])} for f in section["figures"]]
        sections.append({**section, "breakdowns": breakdowns, "figures": figures})
    return {**raw, "sections": sections, "suppressed": True}


# ---------------------------------------------------------------------------------------------- counting


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


def _marginals(groups: list[dict], fields: tuple[str, ...], measure: str = "n") -> dict[str, dict]:
    """Per field, the sum of ``measure`` by value, from rows grouped by every field at once (one query).

    Each record is in exactly one group (the fields are single-valued), so each marginal is exact.
    """
    out: dict[str, dict] = {f: {} for f in fields}
    for row in groups:
        for f in fields:
            out[f][row[f]] = out[f].get(row[f], 0) + (row[measure] or 0)
    return out


def _breakdown(key: str, title: str, rows: list[dict], *, additive: bool = True) -> dict:
    return {"key": key, "title": str(title), "rows": rows, "additive": additive}


def _figure(key: str, label: str, value: int | None) -> dict:
    return {"key": key, "label": str(label), "value": value or 0}


def _choices(choices) -> dict:
    return {k: str(v) for k, v in choices}


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    # A period is kept within plausible dates where it is asked for; clamped here too, so no caller overflows.
    start, end = max(start, datetime.date(1900, 1, 1)), min(end, datetime.date(2100, 12, 31))
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def count(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Raw counts for [start, end], keyed by codes only (no labels, no language): what a snapshot stores.

    Ten queries whatever the period: each population is read once, grouped by all its single-valued
    breakdowns together (the marginals are summed here), with conditional counts for the SIRIT stages.
    Every key is a string (JSON), an unrecorded value is "".
    """
    from groups.models import GroupSession
    from interviews.models import Interview
    from protection.models import Accommodation, JobPlacement, LiteracyCourse, ProtectionPathway, Training
    from referrals.models import Person, Referral

    low, high = _bounds(start, end)
    referrals = Referral.objects.filter(received_at__gte=low, received_at__lt=high)
    year = end.year
    age_band = Case(
        When(birth_year__isnull=True, then=Value("unknown")),
        When(birth_year__gt=year - 18, then=Value("under_18")),
        When(birth_year__gt=year - 25, then=Value("18_24")),
        When(birth_year__gt=year - 35, then=Value("25_34")),
        default=Value("35_plus"),
        output_field=CharField(),
    )

    # 1. Interviews completed in the period (index on held_at).
    interviews_held = Interview.objects.filter(
        status=Interview.Status.COMPLETED, held_at__gte=low, held_at__lt=high
    ).count()

    # 2. Group sessions by host centre, with the people reached (each attendance row joins one session).
    session_groups = list(
        GroupSession.objects.filter(held_at__gte=low, held_at__lt=high)
        .values("host_centre__name")
        .annotate(n=Count("id", distinct=True), reached=Sum("attendance__count"))
        .order_by()
    )

    # 3. Pathways: open in the period, closed in it, and the SIRIT stages, grouped by phase, basis and reason.
    active = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    closed_q = Q(ended_on__gte=start, ended_on__lte=end)
    new_q = Q(started_on__gte=start, started_on__lte=end)
    ongoing_q = Q(started_on__lt=start) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    pathway_groups = list(
        ProtectionPathway.objects.filter(active | closed_q | new_q | ongoing_q)
        .values("phase", "legal_basis", "closure_reason")
        .annotate(
            open=Count("id", filter=active),
            closed=Count("id", filter=closed_q),
            new=Count("id", filter=new_q),
            ongoing=Count("id", filter=ongoing_q),
        )
        .order_by()
    )

    # 4-7. Accommodation, literacy, training and jobs overlapping the period.
    overlapping = Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gte=start))
    literacy = LiteracyCourse.objects.filter(overlapping).annotate(
        got=Case(When(certificate=True, then=Value("1")), default=Value("0"), output_field=CharField())
    )

    # 8. Referrals received, grouped by every single-valued breakdown at once.
    referral_fields = ("referring_body__kind", "month", "channel", "urgency", "outcome")
    referral_groups = [
        {**g, "month": g["month"].strftime("%Y-%m") if g["month"] else None}
        for g in referrals.annotate(month=TruncMonth("received_at"))
        .values(*referral_fields)
        .annotate(n=Count("*"))  # not "id": the covering index on received_at then holds every column read
        .order_by()
    ]

    # 9. Forms of exploitation (a referral may have several: its own query).
    # Counted on the link table: a referral has each form at most once (unique pair), so no DISTINCT.
    exploitation = {
        g["exploitationform__code"]: g["n"]
        for g in Referral.exploitation_forms.through.objects.filter(
            referral__received_at__gte=low, referral__received_at__lt=high
        )
        .values("exploitationform__code")
        .annotate(n=Count("*"))
        .order_by()
    }

    # 10. People with a referral received in the period (each once), by gender, age band, nationality and minority.
    person_groups = list(
        Person.objects.filter(Exists(referrals.filter(person=OuterRef("pk"))))
        .annotate(
            band=age_band,
            is_minor=Case(
                When(Q(minor=True) | Q(birth_year__gt=year - 18), then=Value("1")),
                default=Value("0"),
                output_field=CharField(),
            ),
        )
        .values("gender", "band", "nationality", "is_minor")
        .annotate(n=Count("id"))
        .order_by()
    )

    return _keyed(
        {
            "interviews_held": interviews_held,
            "sessions": sum(g["n"] for g in session_groups),
            "reached": sum(g["reached"] or 0 for g in session_groups),
            "sessions_by_host": {g["host_centre__name"]: g["n"] for g in session_groups},
            "pathways": {k: sum(g[k] for g in pathway_groups) for k in ("new", "ongoing", "closed")},
            "pathways_open_by": _marginals(pathway_groups, ("phase", "legal_basis"), "open"),
            "pathways_closed_by": _marginals(pathway_groups, ("closure_reason",), "closed"),
            "accommodation": _counts(Accommodation.objects.filter(overlapping), "type"),
            "literacy": _counts(literacy, "got"),
            "training": _counts(Training.objects.filter(overlapping), "outcome"),
            "jobs": _counts(JobPlacement.objects.filter(overlapping), "outcome"),
            "referrals": sum(g["n"] for g in referral_groups),
            "referrals_by": _marginals(referral_groups, referral_fields),
            "exploitation": exploitation,
            "people": sum(g["n"] for g in person_groups),
            "people_by": _marginals(person_groups, ("gender", "band", "nationality", "is_minor")),
        }
    )


def _counts(queryset, field: str) -> dict:
    """One GROUP BY query: {value: number of records}."""
    return {item[field]: item["n"] for item in queryset.values(field).annotate(n=Count("id")).order_by()}


def _keyed(value):
    """The counts with every mapping key a string ("" for an unrecorded value), as JSON will hold them."""
    if isinstance(value, dict):
        return {("" if k is None else str(k)): _keyed(v) for k, v in value.items()}
    return value


def collect(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Raw counts for [start, end] counted now, with their labels; never shown as they are (``statistics``)."""
    return present(count(start, end), start, end)


def present(counts: dict[str, Any], start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Counts (fresh or from a snapshot) as sections of figures and breakdowns, labelled in the active language."""
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
        "from": start.isoformat(),
        "to": end.isoformat(),
        "sections": [
            {
                "key": "sirit",
                "title": _("SIRIT stages"),
                "breakdowns": [],
                "figures": [
                    _figure("contacts", _("Contacts (referrals received)"), counts["referrals"]),
                    _figure("assessments", _("Assessments (interviews completed)"), counts["interviews_held"]),
                    _figure("taken_in_charge_new", _("Taken in charge: new"), sirit["new"]),
                    _figure("taken_in_charge_ongoing", _("Taken in charge: ongoing"), sirit["ongoing"]),
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
                        _tally_rows(by_referral["referring_body__kind"], _choices(PartnerBody.Kind.choices)),
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
                    _figure("people", _("People"), counts["people"]),
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
                        _("Pathways open in the period, by phase"),
                        _tally_rows(open_by["phase"], _choices(ProtectionPathway.Phase.choices)),
                    ),
                    _breakdown(
                        "legal_basis",
                        _("Pathways open in the period, by legal basis"),
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
        ],
    }


def statistics(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Suppressed statistics for [start, end]: what the page, the charts, the exports and the reports show.

    The counts come from the period's snapshot when it is up to date (``caseload.snapshots``), else are
    counted now and stored; either way they are labelled in the reader's language and suppressed here.
    """
    from . import snapshots

    return suppress(present(snapshots.counts_for(start, end), start, end))


def chart_data(stats: dict[str, Any]) -> dict[str, Any]:
    """Chart series from suppressed statistics: a "<3" or "*" cell is null with its mark as a note."""
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


def table_rows(stats: dict[str, Any]) -> list[list[str]]:
    """Flat rows (section, breakdown, category, value) for the CSV and XLSX exports."""
    rows = [[_("Section"), _("Breakdown"), _("Category"), _("Count")]]
    for section in stats["sections"]:
        for f in section["figures"]:
            rows.append([section["title"], "", f["label"], str(f["value"])])
        for b in section["breakdowns"]:
            for r in b["rows"]:
                rows.append([section["title"], b["title"], r["label"], str(r["value"])])
            if b["collapsed"]:
                rows.append([section["title"], b["title"], _("Too few to break down"), ""])
            if b["total"] is not None:
                rows.append([section["title"], b["title"], _("Total"), str(b["total"])])
    return rows
