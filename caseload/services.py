"""Writes of the caseload workspace: reassignments and the audited caseload export."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseload.selectors import Overdue, caseload_lines
from ceis import access
from ceis.audit.models import Event
from ceis.audit.services import event_record
from protection.services import pathway_assign, pathway_unassign
from referrals.services import referral_assign, referral_unassign

CSV_FLAGS = (Overdue.NO_INTERVIEW, Overdue.LONG_ASSESSMENT)


@transaction.atomic
def caseload_reassign(*, referrals=(), pathways=(), operator, by) -> int:
    """Move each record to ``operator`` alone: assign her first, then unassign the others (all or nothing).

    Assigning first keeps an assigned referral's status; every step goes through the activities' own
    services, so each is audited and each operator notified. Returns the number of records moved.
    """
    moved = 0
    for records, assign, unassign, key in (
        (list(referrals), referral_assign, referral_unassign, "referral"),
        (list(pathways), pathway_assign, pathway_unassign, "pathway"),
    ):
        current = access.assignees(records)
        for record in records:
            assign(**{key: record}, operator=operator, by=by)
            for old in current.get(record.pk, []):
                if old.pk != operator.pk:
                    unassign(**{key: record}, operator=old, by=by)
            moved += 1
    return moved


def caseload_rows(*, by) -> list[list]:
    """The open referrals as rows for a spreadsheet (case codes, never the people's names or narratives),
    headers and values in the reader's language; the export is audited."""
    rows: list[list] = [
        [_("Case code"), _("Status"), _("Urgency"), _("Received on"), _("Operators")]
        + [Overdue.LABELS[kind] for kind in CSV_FLAGS]
    ]
    for line in caseload_lines():
        r = line.referral
        rows.append(
            [
                r.person.case_code,
                r.get_status_display(),
                r.get_urgency_display(),
                timezone.localtime(r.received_at).date(),
                ", ".join(line.operators),
                *(_("yes") if kind in line.flags else "" for kind in CSV_FLAGS),
            ]
        )
    event_record(kind=Event.Kind.EXPORT, actor=by, details={"what": "caseload"})
    return rows
