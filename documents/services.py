"""Writes of case documents: add one (already checked by ``ceis.uploads``), read its file back."""

from __future__ import annotations

import datetime
import uuid

from django.db import IntegrityError, models, transaction

from ceis.audit.services import acting_as, record_viewed
from ceis.crypto import fernet
from ceis.uploads import CheckedFile

from .models import Document


def _attachment(record: models.Model) -> dict[str, models.Model]:
    """The foreign keys a document on ``record`` carries."""
    label = record._meta.label
    if label == "referrals.Person":
        return {"person": record}
    if label == "referrals.Referral":
        return {"person": record.person, "referral": record}
    if label == "interviews.Interview":
        return {"person": record.referral.person, "referral": record.referral, "interview": record}
    if label == "protection.ProtectionPathway":
        return {"person": record.person, "pathway": record}
    raise TypeError(f"documents cannot hang on {label}")


def document_add(
    *,
    record: models.Model,
    file: CheckedFile,
    kind: str,
    date: datetime.date,
    description: str,
    by,
    submission: uuid.UUID | None = None,
) -> Document:
    """Store a checked file, encrypted, on ``record``. The same ``submission`` twice returns the first document."""
    if submission is not None:
        existing = Document.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
    document = Document(
        **_attachment(record),
        kind=kind,
        date=date,
        description=description,
        file_type=file.mime,
        size=file.size,
        content=fernet().encrypt(file.data).decode(),
        uploaded_by=by,
        submission=submission,
    )
    try:
        with transaction.atomic(), acting_as(by):
            document.full_clean(exclude=["content", "uploaded_by", "person"])
            document.save()
    except IntegrityError:
        if submission is not None and (existing := Document.objects.filter(submission=submission).first()):
            return existing  # the other submission of the same form won the race
        raise
    return document


def document_file(document: Document) -> bytes:
    """The file in clear, and the read recorded in the audit log (call it only to hand the file to its reader)."""
    data = fernet().decrypt(document.content.encode())
    record_viewed(document)
    return data
