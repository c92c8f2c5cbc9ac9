"""The services' figures in the statistics: services requested in the period, by type and by status.

Called from the statistics module with one line each (``count_by_month`` while counting a period, ``section`` while
presenting it, ``tracked`` for the snapshots), so that the counting lives here whichever app holds the
statistics. The section goes through the same ``suppress`` as every other figure.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from .models import ServiceReferral, ServiceStatus, ServiceType


def count(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Raw counts (codes only) of the services requested in [start, end], in one query."""
    groups = (
        ServiceReferral.objects.filter(requested_on__gte=start, requested_on__lte=end)
        .values("type", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_type: dict[str, int] = {}
    by_status: dict[str, int] = {}
    for g in groups:
        by_type[g["type"]] = by_type.get(g["type"], 0) + g["n"]
        by_status[g["status"]] = by_status.get(g["status"], 0) + g["n"]
    return {"total": sum(by_type.values()), "by_type": by_type, "by_status": by_status}


def count_by_month(start: datetime.date, end: datetime.date) -> dict[int, dict[str, Any]]:
    """``count`` for each month of [start, end] (one year at most), keyed by month number, in one query."""
    from django.db.models.functions import TruncMonth

    groups = (
        ServiceReferral.objects.filter(requested_on__gte=start, requested_on__lte=end)
        .annotate(month=TruncMonth("requested_on"))
        .values("month", "type", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[int, dict[str, Any]] = {}
    for g in groups:
        month = out.setdefault(g["month"].month, {"total": 0, "by_type": {}, "by_status": {}})
        month["total"] += g["n"]
        month["by_type"][g["type"]] = month["by_type"].get(g["type"], 0) + g["n"]
        month["by_status"][g["status"]] = month["by_status"].get(g["status"], 0) + g["n"]
    return out


def _rows(counts: dict[str, int], choices) -> list[dict]:
    # In the order of the choices (not by size), so that the same row never moves between periods.
    return [{"key": code, "label": str(label), "value": counts[code]} for code, label in choices if counts.get(code)]


def section(counts: dict[str, Any]) -> dict[str, Any]:
    """The statistics section, from the period's counts (already rounded when they are to be shown)."""
    services = counts.get("services") or {"total": 0, "by_type": {}, "by_status": {}}
    return {
        "key": "services",
        "title": _("Services requested"),
        "figures": [{"key": "services", "label": _("Services requested in the period"), "value": services["total"]}],
        "breakdowns": [
            {
                "key": "service_type",
                "title": _("Services requested in the period, by type"),
                "rows": _rows(services["by_type"], ServiceType.choices),
                "additive": True,
            },
            {
                "key": "service_status",
                "title": _("Services requested in the period, by status now"),
                "rows": _rows(services["by_status"], ServiceStatus.choices),
                "additive": True,
            },
        ],
    }


def tracked(tracked_class, point) -> dict:
    """For the snapshots: a service's counted fields and the date they touch (its request date)."""
    return {
        ServiceReferral: tracked_class(
            ("type", "status", "requested_on"), lambda v: [point(v["requested_on"])] if v["requested_on"] else []
        )
    }
