"""``manage.py rotate_encryption_key``: every encrypted value moves to the newest key; afterwards the old key can go."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from ceis.crypto import EncryptedBlobField, EncryptedTextField, encrypted_columns
from ceis.ops import rotation

from .helpers import read_encrypted, seed_encrypted_records

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _rotate(batch_size=2) -> str:
    out = io.StringIO()
    call_command("rotate_encryption_key", batch_size=batch_size, stdout=out)
    return out.getvalue()


def _raw_tokens() -> list[str]:
    tokens = []
    for model, fields in encrypted_columns().items():
        with connection.cursor() as cursor:
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            tokens += [v for row in cursor.fetchall() for v in row if v]
    return tokens


@pytest.fixture
def under_key_a(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    seeded = seed_encrypted_records()
    written = read_encrypted("default")
    values = len(_raw_tokens())
    assert values >= 10  # names, phone, birth date, reason, history, address, opinion, description, two files
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]  # B is the newest, A still read
    return written, values, seeded


def test_the_columns_are_found_by_field_class_and_cover_every_declared_encrypted_field():
    found = {(m._meta.label, f.name) for m, fields in encrypted_columns().items() for f in fields}
    assert {
        ("documents.Document", "content"),
        ("interviews.SentReport", "pdf"),
        ("referrals.Person", "date_of_birth"),
    } <= found
    for model in apps.get_models():
        for name in getattr(model, "ENCRYPTED_FIELDS", ()):
            assert (model._meta.label, name) in found, f"{model._meta.label}.{name} would not be rotated"
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedTextField | EncryptedBlobField):
                assert (f.model._meta.label, f.name) in found


def test_it_rotates_every_value_and_the_old_key_can_then_go(under_key_a, settings):
    written, values, seeded = under_key_a
    output = _rotate()
    assert f"{values} of {values} encrypted values re-encrypted with the newest key" in output
    assert "referrals.Person" in output and "documents.Document" in output and "interviews.SentReport" in output
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # A removed entirely
    assert read_encrypted("default") == written
    newest = Fernet(KEY_B.encode())
    assert all(newest.decrypt(t.encode()) is not None for t in _raw_tokens())
    from documents.models import Document
    from documents.services import document_file
    from referrals.models import Person

    person = Person.objects.get(pk=seeded["person"].pk)
    assert (person.first_name, person.phone, person.date_of_birth.isoformat()) == (
        "Blessing",
        "+39 333 000 1111",
        "1999-04-02",
    )
    assert document_file(Document.objects.get()) == seeded["document"]


def test_a_second_run_changes_nothing(under_key_a):
    _, values, _ = under_key_a
    _rotate()
    before = _raw_tokens()
    output = _rotate(batch_size=500)
    assert f"0 of {values} encrypted values re-encrypted" in output
    assert _raw_tokens() == before  # not even re-written


def test_an_interrupted_run_resumes_where_it_stopped(under_key_a, settings):
    written, values, _ = under_key_a
    batches = []

    def crash_after_the_first_batch(count):
        batches.append(count.changed)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotation.rotate(batch_size=1, on_batch=crash_after_the_first_batch)
    done = batches[0]
    assert done >= 1
    output = _rotate(batch_size=1)
    assert f"{values - done} of {values} encrypted values re-encrypted" in output
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert read_encrypted("default") == written


def test_without_the_old_key_it_stops_and_says_which_key_is_missing(under_key_a, settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # A dropped before rotating
    with pytest.raises(CommandError, match="FIELD_ENCRYPTION_KEYS_OLD"):
        _rotate()


def test_the_old_keys_come_from_their_own_variable(monkeypatch):
    import importlib

    from ceis import settings as project_settings

    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", KEY_B)
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS_OLD", f"{KEY_A}, ")
    monkeypatch.setenv("BACKUP_ENCRYPTION_KEY", "k1,k2")
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.FIELD_ENCRYPTION_KEYS == [KEY_B, KEY_A]
        assert reloaded.BACKUP_ENCRYPTION_KEYS == ["k1", "k2"]
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)
