"""``make backup`` and ``make restore-check``: the commands an operator runs, and the drill that proves a backup."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from .helpers import seed_encrypted_records

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def _drill_databases() -> list[str]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{connection.settings_dict['NAME']}_drill_%"]
        )
        return [r[0] for r in cursor.fetchall()]


@pytest.fixture
def backup_dir(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path / "backups"))
    return tmp_path / "backups"


def test_the_drill_restores_the_newest_backup_into_a_new_database_and_reads_everything(backup_dir):
    seed_encrypted_records()
    output = _run("backup")
    assert "Backup written" in output and "encrypted" in output
    assert len(list(backup_dir.glob("ceis-backup-*.tar.gz.fernet"))) == 1
    output = _run("restore", check=True)
    assert "Drill passed" in output
    assert "11 encrypted values, 1 uploaded files; 0 migrations of this code not in the backup" in output
    assert _drill_databases() == []  # the drill's database is gone


def test_the_drill_fails_when_the_field_key_is_not_the_one_the_data_was_written_with(backup_dir, settings):
    seed_encrypted_records()
    _run("backup")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the key kept apart was lost or mixed up
    with pytest.raises(CommandError, match="Drill FAILED: 11 values or files cannot be read"):
        _run("restore", check=True)
    assert _drill_databases() == []


def test_restore_without_an_archive_or_with_a_missing_one_says_so(backup_dir):
    with pytest.raises(CommandError, match="Name the archive"):
        _run("restore")
    with pytest.raises(CommandError, match="No archive found"):
        _run("restore", check=True)
    with pytest.raises(CommandError, match="does not exist"):
        _run("restore", str(backup_dir / "nothing.tar.gz"))
