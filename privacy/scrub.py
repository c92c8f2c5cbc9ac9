"""What anonymisation rewrites: every narrative or identifying free text of a person's records.

One line per model: its path to the person and the replacement of each field. Ids, dates, codes,
counts and choices stay, so statistics still add up. Encrypted fields get the placeholder (so the
column holds a fresh ciphertext of it, never the old one); clear-text fields are emptied. Empty
fields stay empty. A new model holding free text about a person gets its line here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

PLACEHOLDER = "[anonymised]"


@dataclass(frozen=True)
class Scrub:
    model: str  # "app_label.Model"
    to_person: str  # lookup path from the model to its person
    fields: dict[str, str]

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


SCRUBS: list[Scrub] = [
    Scrub("referrals.Referral", "person", {"reason": PLACEHOLDER, "closure_note": PLACEHOLDER, "referrer_name": ""}),
    Scrub(
        "interviews.Interview",
        "referral__person",
        {
            "personal_history": PLACEHOLDER,
            "safety_notes": PLACEHOLDER,
            "assessment": PLACEHOLDER,
            "next_steps": PLACEHOLDER,
            "place": "",
            "mediator_name": "",
            "same_sex_override_reason": "",
        },
    ),
    Scrub("interviews.IndicatorAnswer", "interview__referral__person", {"note": PLACEHOLDER}),
    Scrub("interviews.Report", "referral__person", {"opinion": PLACEHOLDER}),
    Scrub("interviews.SentReport", "report__referral__person", {"pdf": ""}),  # the letter as sent, in full
    Scrub("protection.PlanGoal", "pathway__person", {"goal": PLACEHOLDER}),
    Scrub("protection.GoalReview", "goal__pathway__person", {"note": PLACEHOLDER}),
    Scrub("protection.Accommodation", "pathway__person", {"secret_address": PLACEHOLDER, "facility_name": ""}),
    Scrub("protection.LiteracyCourse", "pathway__person", {"level_note": ""}),
    Scrub("protection.Training", "pathway__person", {"qualification": ""}),
    Scrub("protection.JobPlacement", "pathway__person", {"employer": PLACEHOLDER}),
    Scrub("protection.DiaryEntry", "pathway__person", {"text": PLACEHOLDER}),
    # A service hangs beneath a pathway or a referral: one line for each, so that either record's retention reaches it.
    Scrub("protection.ServiceReferral", "pathway__person", {"outcome_note": PLACEHOLDER, "provider_name": ""}),
    Scrub("protection.ServiceReferral", "referral__person", {"outcome_note": PLACEHOLDER, "provider_name": ""}),
    # A closure request (ceis/approvals) keeps the operator's note and the coordinator's: one line per record it closes.
    Scrub("approvals.ClosureRequest", "referral__person", {"note": PLACEHOLDER, "decision_note": PLACEHOLDER}),
    Scrub("approvals.ClosureRequest", "pathway__person", {"note": PLACEHOLDER, "decision_note": PLACEHOLDER}),
    # Consent records are append-only for everyone else; erasure is the one sanctioned rewrite of their text.
    Scrub("consent.Consent", "person", {"recipient_note": PLACEHOLDER, "interpreter": PLACEHOLDER}),
    Scrub("consent.LegalBasis", "person", {"explanation": PLACEHOLDER}),
    # Case documents: the file itself is emptied. One line per record a document can hang on, so that erasing a
    # referral, an interview or a pathway (retention) reaches the documents on it.
    *(
        Scrub("documents.Document", path, {"description": PLACEHOLDER, "content": ""})
        for path in ("person", "referral__person", "interview__referral__person", "pathway__person")
    ),
]

# The person herself: names, contacts, documents and the full date of birth (the year stays).
PERSON_FIELDS = {
    "first_name": PLACEHOLDER,
    "last_name": "",
    "aliases": "",
    "phone": "",
    "documents": "",
}


def _path_to(scrub: Scrub, target: type[models.Model]) -> str | None:
    """The lookup from the scrubbed model to ``target`` along its path to the person, or None."""
    model = scrub.model_class
    if model is target:
        return "pk"
    parts = scrub.to_person.split("__")
    for i, name in enumerate(parts):
        model = model._meta.get_field(name).related_model
        if model is target:
            return "__".join(parts[: i + 1])
    return None


def _rewrite(qs: models.QuerySet, fields: dict[str, str]) -> None:
    for field, value in fields.items():
        qs.exclude(**{field: ""}).update(**{field: value})


def scrub_records(target: type[models.Model], ids) -> None:
    """Anonymise the records ``ids`` of ``target`` and every record beneath them (one UPDATE per field)."""
    ids = list(ids)
    if not ids:
        return
    for scrub in SCRUBS:
        path = _path_to(scrub, target)
        if path is not None:
            # A plain QuerySet: it bypasses managers that refuse updates (the append-only consent records).
            _rewrite(models.QuerySet(scrub.model_class).filter(**{f"{path}__in": ids}), scrub.fields)


def scrub_person(person) -> None:
    """Anonymise the person and all her records. Bypasses ``save()`` so no keys are recomputed."""
    from referrals.models import Person, PersonMatchKey, PersonNameKey

    scrub_records(Person, [person.pk])
    PersonNameKey.objects.filter(person=person).delete()
    PersonMatchKey.objects.filter(person=person).delete()
    Person.objects.filter(pk=person.pk).update(date_of_birth=None, duplicate_key="")
    _rewrite(Person.objects.filter(pk=person.pk), PERSON_FIELDS)
    # Always a fresh ciphertext in first_name: the record keeps a name to show, and no old one survives.
    Person.objects.filter(pk=person.pk).update(first_name=PLACEHOLDER)
