"""Records with something encrypted in every kind of column, and the database they live in, as ``ceis.ops`` sees it."""

from __future__ import annotations

import datetime
import sqlite3
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from ceis.crypto import EncryptedBlobField, encrypted_columns, fernet
from ceis.ops.backup import Database
from tests import factories

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def seed_encrypted_records(operator=None) -> dict:
    """A person, a referral, an interview, a pathway with a secret address, a case document, a report as sent,
    and a material file; returns the clear texts and bytes written."""
    from documents.models import Document
    from interviews.models import Report, SentReport
    from protection.models import Accommodation

    operator = operator or factories.OperatorFactory()
    person = factories.PersonFactory(
        first_name="Blessing", last_name="Okafor", phone="+39 333 000 1111", date_of_birth=datetime.date(1999, 4, 2)
    )
    referral = factories.ReferralFactory(person=person, reason="Segnalata dal pronto soccorso, racconta di debiti")
    interview = factories.InterviewFactory(referral=referral, personal_history="Partita da Benin City nel 2023")
    pathway = factories.PathwayFactory(person=person)
    Accommodation.objects.create(
        pathway=pathway, type="safe_house", secret_address="Via Segreta 7, Lucca", start=timezone.localdate()
    )
    document_bytes = PDF + b"% document\n"
    Document.objects.create(
        person=person,
        referral=referral,
        kind="permit",
        date=timezone.localdate(),
        description="Permesso di soggiorno, scade a marzo",
        file_type="application/pdf",
        size=len(document_bytes),
        content=fernet().encrypt(document_bytes).decode(),
        uploaded_by=operator,
    )
    report = Report.objects.create(referral=referral, recipient=referral.referring_body, opinion="Parere riservato")
    report_bytes = PDF + b"% report\n"
    SentReport.objects.create(
        report=report,
        version=1,
        recipient=report.recipient,
        sent_at=timezone.localdate(),
        protocol_year=2026,
        protocol_number=1,
        pdf=fernet().encrypt(report_bytes).decode(),
        sha256="0" * 64,
        created_by=operator,
    )
    material_bytes = PDF + b"% leaflet\n"
    factories.MaterialFactory(url="", kind="leaflet", file=ContentFile(material_bytes, name="upload"))
    return {
        "person": person,
        "interview": interview,
        "document": document_bytes,
        "report": report_bytes,
        "material": material_bytes,
    }


def read_encrypted(using: str) -> dict[str, dict]:
    """Every encrypted value of every model, read through the ORM and decrypted: {model: {pk: (values...)}}."""
    found = {}
    for model, fields in encrypted_columns().items():
        names = [f.name for f in fields]
        rows = {}
        for pk, *values in model._base_manager.using(using).values_list("pk", *names):
            rows[pk] = tuple(
                (fernet().decrypt(v.encode()) if v else v) if isinstance(f, EncryptedBlobField) else v
                for f, v in zip(fields, values, strict=True)
            )
        found[model._meta.label] = rows
    return found


def source_database(tmp_path: Path) -> Database:
    """The test database as ``manage.py backup`` sees it: PostgreSQL's test database, or (SQLite runs in memory)
    a file copy of it."""
    if connection.vendor == "postgresql":
        return Database.from_settings(connection.settings_dict)
    connection.ensure_connection()
    path = tmp_path / "source.sqlite3"
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return Database("sqlite", str(path))


def new_target(source: Database, tmp_path: Path, suffix: str) -> Database:
    if source.engine == "postgresql":
        return source.renamed(f"{source.name}_{suffix}"[:63])
    return Database("sqlite", str(tmp_path / f"{suffix}.sqlite3"))
