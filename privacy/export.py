"""Access export (GDPR art. 15): everything held about one person, decrypted, as plain data.

Each section is one line: a model, its path to the person and, optionally, extra lookups to include.
One query per section whatever the number of records, plus one for each audit table. A new model
holding data about a person (the consent records, say) joins with one line in ``SECTIONS``; a model
whose app is not installed is skipped.

A compartment holds in the export too: the secret address of a safe house is shown only to the operators
assigned to its pathway, so it goes into the export only when one of them produces it; for anyone else the
column is not even read and says instead that the assigned operators keep it (``Section.compartment``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis import access

KEPT_BY_ASSIGNED = _("Kept by the operators assigned to the pathway: not included in this export.")


@dataclass(frozen=True)
class Section:
    name: str
    model: str  # "app_label.Model", or "app_label.Model.m2m_field" for a many-to-many table
    to_person: str
    extra: tuple[str, ...] = field(default_factory=tuple)
    # (column, path to its pathway): a column only the pathway's assigned operators read.
    compartment: tuple[str, str] | None = None

    def model_class(self):
        app_label, model_name, *m2m = self.model.split(".")
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return None
        return getattr(model, m2m[0]).through if m2m else model


SECTIONS: list[Section] = [
    Section("person", "referrals.Person", "pk", ("reception_centre__name",)),
    Section("referrals", "referrals.Referral", "person", ("referring_body__name",)),
    Section(
        "referral_exploitation_forms",
        "referrals.Referral.exploitation_forms",
        "referral__person",
        ("exploitationform__code",),
    ),
    Section("group_session_follow_ups", "groups.SessionReferral", "referral__person", ("session__held_at",)),
    Section("interviews", "interviews.Interview", "referral__person"),
    Section(
        "interview_exploitation_forms",
        "interviews.Interview.exploitation_forms",
        "interview__referral__person",
        ("exploitationform__code",),
    ),
    Section(
        "indicator_marks",
        "interviews.IndicatorAnswer",
        "interview__referral__person",
        ("indicator__code", "indicator__strength"),
    ),
    Section("reports_to_referring_bodies", "interviews.Report", "referral__person", ("recipient__name",)),
    Section("reports_as_sent", "interviews.SentReport", "report__referral__person", ("recipient__name",)),
    Section("pathways", "protection.ProtectionPathway", "person"),
    Section("pathway_phases", "protection.PhaseChange", "pathway__person"),
    Section("plan_goals", "protection.PlanGoal", "pathway__person"),
    Section("plan_goal_reviews", "protection.GoalReview", "goal__pathway__person"),
    Section(
        "accommodations",
        "protection.Accommodation",
        "pathway__person",
        ("facility__name",),
        compartment=("secret_address", "pathway"),
    ),
    Section("literacy_courses", "protection.LiteracyCourse", "pathway__person"),
    Section("trainings", "protection.Training", "pathway__person"),
    Section("job_placements", "protection.JobPlacement", "pathway__person"),
    Section("residence_permits", "protection.ResidencePermit", "pathway__person", ("proposing_body__name",)),
    Section("diary", "protection.DiaryEntry", "pathway__person"),
    Section("services_requested", "protection.ServiceReferral", "person", ("provider__name",)),
    Section("service_status_changes", "protection.ServiceStatusChange", "service__person"),
    Section("restriction", "privacy.Restriction", "person"),
    Section("legal_hold", "privacy.LegalHold", "person"),
    Section("consents", "consent.Consent", "person", ("recipient__name", "notice__version")),
    Section("consent_withdrawals", "consent.ConsentWithdrawal", "consent__person"),
    Section("legal_bases_without_consent", "consent.LegalBasis", "person", ("recipient__name",)),
    Section("disclosures", "consent.Disclosure", "person", ("recipient__name",)),
    Section("documents", "documents.Document", "person"),
]

# Who did what to which record: ids, actions and dates only.
_EVENT_FIELDS = ("id", "at", "kind", "actor_id", "target_type__model", "target_id")
_LOGENTRY_FIELDS = ("id", "timestamp", "action", "actor_id", "content_type__model", "object_pk")


def _rows(section: Section, person, *, with_files: bool = True, viewer=None) -> list[dict[str, Any]] | None:
    model = section.model_class()
    if model is None:
        return None
    concrete = [f.attname for f in model._meta.concrete_fields]
    qs = model._default_manager.filter(**{section.to_person: person.pk}).order_by("pk")
    if section.compartment:
        column, _ = section.compartment
        concrete = [name for name in concrete if name != column]  # never read, unless for an assigned operator
    rows = list(qs.values(*concrete, *section.extra))
    if section.compartment:
        _fill_compartment(rows, section, model, qs, viewer=viewer)
    if model._meta.label in _FILE_FIELDS:
        _decrypt_files(rows, _FILE_FIELDS[model._meta.label], with_files=with_files)
    return rows


def _fill_compartment(rows: list[dict[str, Any]], section: Section, model, qs, *, viewer) -> None:
    """The compartment's column in clear for the rows whose pathway ``viewer`` is assigned to (one query), a
    line saying who keeps it for the others."""
    column, to_pathway = section.compartment
    mine: dict[int, Any] = {}
    if rows and viewer is not None:
        pathway_model = model._meta.get_field(to_pathway).related_model
        assigned = access.assigned_to(pathway_model, viewer).values("pk")
        mine = dict(qs.filter(**{f"{to_pathway}__in": assigned}).values_list("pk", column))
    kept = str(KEPT_BY_ASSIGNED)
    for row in rows:
        row[column] = mine[row["id"]] if row["id"] in mine else kept


# Models that keep a file as a Fernet token: the column holding it.
_FILE_FIELDS = {"documents.Document": "content", "interviews.SentReport": "pdf"}


def _decrypt_files(rows: list[dict[str, Any]], column: str, *, with_files: bool) -> None:
    """Stored files (case documents, reports as sent) go out in clear (base64), never as the stored ciphertext;
    the printed export lists them without their content (each is downloaded on its own)."""
    import base64

    from ceis.crypto import fernet

    for row in rows:
        token = row.pop(column)
        row.pop("submission", None)
        if with_files:
            row["file_base64"] = base64.b64encode(fernet().decrypt(token.encode())).decode() if token else ""


def collect(person, *, with_files: bool = True, viewer=None) -> dict[str, Any]:
    """Everything held about ``person``: her records (decrypted), notifications and audit rows (ids only).

    ``viewer`` is who produces the export: a compartment's column is in it only where she is assigned.
    """
    from auditlog.models import LogEntry

    from ceis.audit.models import Event
    from ceis.notifications.models import Notification

    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "case_code": person.case_code,
        "person_id": person.pk,
    }
    records: dict[str, Any] = {}
    owned: list[tuple[type, list[int]]] = []
    for section in SECTIONS:
        rows = _rows(section, person, with_files=with_files, viewer=viewer)
        if rows is None:
            continue
        records[section.name] = rows
        model = section.model_class()
        if not model._meta.auto_created and rows:
            owned.append((model, [row["id"] for row in rows]))
    data["records"] = records

    data["notifications"] = list(
        Notification.objects.filter(label=person.case_code)
        .order_by("pk")
        .values("id", "kind", "recipient_id", "created_at", "read_at")
    )
    types = ContentType.objects.get_for_models(*[model for model, _ in owned])
    events, entries = Q(pk__in=[]), Q(pk__in=[])
    for model, ids in owned:
        ct = types[model]
        events |= Q(target_type=ct, target_id__in=[str(i) for i in ids])
        entries |= Q(content_type=ct, object_pk__in=[str(i) for i in ids])
    data["audit_events"] = list(Event.objects.filter(events).order_by("at", "id").values(*_EVENT_FIELDS))
    data["audit_log"] = list(LogEntry.objects.filter(entries).order_by("timestamp", "id").values(*_LOGENTRY_FIELDS))
    return data
