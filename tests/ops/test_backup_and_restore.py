"""``manage.py backup`` / ``restore``: a backup restores into a new empty database and every value reads back;
a damaged, altered or wrongly keyed archive is refused before anything is touched."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from ceis.ops import archive
from ceis.ops.archive import ArchiveError, WrongKey
from ceis.ops.backup import BackupError, Database, create_backup, database_alias, restore_backup, verify_restored
from tests.conftest import require_service

from .helpers import new_target, read_encrypted, seed_encrypted_records, source_database


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def backup_key(settings):
    settings.BACKUP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    return settings.BACKUP_ENCRYPTION_KEYS[0]


@pytest.fixture
def targets():
    made: list[Database] = []
    yield made
    for db in made:
        db.drop()


def _restore_target(source, tmp_path, targets) -> Database:
    target = new_target(source, tmp_path, f"restored_{uuid.uuid4().hex[:6]}")
    targets.append(target)
    return target


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_restores_every_encrypted_value_and_file_into_a_new_database(media, backup_key, tmp_path, targets):
    call_command("seed_scale", persons=20, verbosity=0)  # encrypted columns across the case records
    seeded = seed_encrypted_records()
    source = source_database(tmp_path)
    written = read_encrypted("default")

    result = create_backup(tmp_path / "backups", db=source)
    assert result.encrypted and result.path.name.endswith(".tar.gz.fernet")
    raw = result.path.read_bytes()
    assert b"Blessing" not in raw and b"%PDF" not in raw and b"CREATE TABLE" not in raw  # nothing in clear

    target = _restore_target(source, tmp_path, targets)
    restored_media = tmp_path / "restored-media"
    restored = restore_backup(result.path, db=target, media_root=restored_media)
    assert restored.media_files == 1 and restored.rows == result.rows

    with database_alias(target) as alias:
        read_back = read_encrypted(alias)
        check = verify_restored(alias, restored_media)
        from materials.models import Material

        material = Material.objects.using(alias).exclude(file="").get()
    assert read_back == written
    # every kind of encrypted column came through with something in it
    filled = {label for label, rows in read_back.items() if any(any(v for v in row) for row in rows.values())}
    assert {
        "referrals.Person",
        "referrals.Referral",
        "interviews.Interview",
        "protection.Accommodation",
        "documents.Document",
        "interviews.SentReport",
    } <= filled
    documents = read_back["documents.Document"]
    assert [row[1] for row in documents.values()] == [seeded["document"]]
    assert [row[0] for row in read_back["interviews.SentReport"].values()] == [seeded["report"]]
    assert read_back["referrals.Person"][seeded["person"].pk][:4] == ("Blessing", "Okafor", "", "+39 333 000 1111")
    assert (restored_media / material.file.name).read_bytes() == seeded["material"]
    assert check["failures"] == [] and check["files"] == 1
    assert check["encrypted_values"] == sum(1 for rows in written.values() for row in rows.values() for v in row if v)
    assert check["unapplied_migrations"] == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_the_dump_is_pg_dump_custom_format_and_a_non_empty_target_is_refused(
    media, tmp_path, targets, settings
):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    settings.BACKUP_ENCRYPTION_KEYS = []
    source = source_database(tmp_path)
    result = create_backup(tmp_path / "backups", db=source)
    with tarfile.open(result.path, "r:gz") as tar:
        assert tar.extractfile("database.pgdump").read(5) == b"PGDMP"  # pg_restore's own format
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["engine"] == "postgresql" and manifest["tables"]["referrals_person"] == 0
    target = _restore_target(source, tmp_path, targets)
    restore_backup(result.path, db=target, media_root=tmp_path / "m1")
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(result.path, db=target, media_root=tmp_path / "m2")
    restore_backup(result.path, db=target, media_root=tmp_path / "m2", replace=True)  # when told


def _nothing_touched(target: Database, media_root: Path) -> bool:
    untouched_db = (
        not target.exists() if target.engine == "sqlite" else (not target.exists() or not target.table_count())
    )
    return untouched_db and not (media_root.exists() and any(media_root.iterdir()))


@pytest.mark.django_db
def test_a_damaged_archive_is_refused_before_anything_is_touched(media, tmp_path, targets, settings):
    settings.BACKUP_ENCRYPTION_KEYS = []
    (media / "materials").mkdir()
    (media / "materials" / "abc").write_bytes(b"leaflet")
    source = source_database(tmp_path)
    result = create_backup(tmp_path / "backups", db=source)
    data = bytearray(result.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    result.path.write_bytes(bytes(data))
    target = _restore_target(source, tmp_path, targets)
    with pytest.raises(ArchiveError, match="does not match its checksum file"):
        restore_backup(result.path, db=target, media_root=tmp_path / "restored")
    assert _nothing_touched(target, tmp_path / "restored")


@pytest.mark.django_db
def test_an_altered_file_is_refused_even_with_a_new_checksum_file(media, tmp_path, targets, settings):
    """Someone who rewrites the archive and its .sha256 still cannot slip a changed file past the manifest."""
    settings.BACKUP_ENCRYPTION_KEYS = []
    (media / "materials").mkdir()
    (media / "materials" / "abc").write_bytes(b"the real leaflet")
    source = source_database(tmp_path)
    result = create_backup(tmp_path / "backups", db=source)
    buffer = io.BytesIO()
    with tarfile.open(result.path, "r:gz") as old, tarfile.open(fileobj=buffer, mode="w:gz") as new:
        for member in old.getmembers():
            content = old.extractfile(member).read()
            if member.name == "media/materials/abc":
                content = b"a forged leaflet"
                member.size = len(content)
            new.addfile(member, io.BytesIO(content))
    result.path.write_bytes(buffer.getvalue())
    archive.write_sidecar(result.path, archive.sha256_of(result.path))
    target = _restore_target(source, tmp_path, targets)
    with pytest.raises(ArchiveError, match="media/materials/abc does not match its checksum in the manifest"):
        restore_backup(result.path, db=target, media_root=tmp_path / "restored")
    assert _nothing_touched(target, tmp_path / "restored")


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["flip", "truncate", "reorder"])
def test_an_altered_encrypted_archive_is_refused(media, backup_key, tmp_path, targets, damage, monkeypatch):
    monkeypatch.setattr(archive, "CHUNK_BYTES", 4096)  # several chunks even for a small database
    (media / "materials").mkdir()
    (media / "materials" / "abc").write_bytes(bytes(range(256)) * 64)
    source = source_database(tmp_path)
    result = create_backup(tmp_path / "backups", db=source)
    data = result.path.read_bytes()
    chunks, at = [], len(archive.MAGIC)
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        chunks.append(data[at : at + 4 + length])
        at += 4 + length
    assert len(chunks) > 2
    if damage == "flip":
        altered = bytearray(data)
        altered[len(data) // 2] ^= 0x01
        data = bytes(altered)
    elif damage == "truncate":
        data = archive.MAGIC + b"".join(chunks[:-1])
    else:
        data = archive.MAGIC + b"".join([chunks[0], chunks[2], chunks[1], *chunks[3:]])
    result.path.write_bytes(data)
    archive.write_sidecar(result.path, archive.sha256_of(result.path))  # the checksum file rewritten too
    target = _restore_target(source, tmp_path, targets)
    with pytest.raises(ArchiveError):
        restore_backup(result.path, db=target, media_root=tmp_path / "restored")
    assert _nothing_touched(target, tmp_path / "restored")


@pytest.mark.django_db
def test_a_wrong_backup_key_is_refused(media, backup_key, tmp_path, targets, settings):
    source = source_database(tmp_path)
    result = create_backup(tmp_path / "backups", db=source)
    target = _restore_target(source, tmp_path, targets)
    settings.BACKUP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(WrongKey, match="wrong key"):
        restore_backup(result.path, db=target, media_root=tmp_path / "restored")
    settings.BACKUP_ENCRYPTION_KEYS = []
    with pytest.raises(ArchiveError, match="set BACKUP_ENCRYPTION_KEY"):
        restore_backup(result.path, db=target, media_root=tmp_path / "restored")
    assert _nothing_touched(target, tmp_path / "restored")
    settings.BACKUP_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), backup_key]  # a newer key, the old still read
    restore_backup(result.path, db=target, media_root=tmp_path / "restored")


def test_the_backup_key_must_not_be_a_field_key(settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEYS = [settings.FIELD_ENCRYPTION_KEYS[0]]
    with pytest.raises(CommandError, match="keep the backup key apart"):
        call_command("backup", output_dir=str(tmp_path))
    assert not any(tmp_path.iterdir())
    from ceis.startup import check_backup_key

    assert [e.id for e in check_backup_key()] == ["ceis.E003"]
    settings.BACKUP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert check_backup_key() == []


def test_on_sqlite_the_database_file_is_copied_and_restored(settings, tmp_path):
    """The development path, whatever the suite runs on: a consistent copy of the SQLite file and the media.

    (On a SQLite run, the first test above also goes this way with the whole schema and the read-back.)"""
    settings.BACKUP_ENCRYPTION_KEYS = []
    source = Database("sqlite", str(tmp_path / "dev.sqlite3"))
    with sqlite3.connect(source.name) as conn:
        conn.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, token TEXT)")
        conn.executemany("INSERT INTO person (token) VALUES (?)", [(f"gAAAA-{i}",) for i in range(500)])
    conn.close()
    media = tmp_path / "media"
    (media / "materials").mkdir(parents=True)
    (media / "materials" / "abc").write_bytes(b"leaflet")
    result = create_backup(tmp_path / "backups", db=source, media_root=media)
    assert archive.check_sidecar(result.path) is None
    with tarfile.open(result.path, "r:gz") as tar:
        assert tar.getnames() == ["database.sqlite3", "media/materials/abc", "manifest.json"]
        assert tar.extractfile("database.sqlite3").read(16) == b"SQLite format 3\x00"
        assert json.load(tar.extractfile("manifest.json"))["tables"] == {"person": 500}

    target = Database("sqlite", str(tmp_path / "restored" / "db.sqlite3"))
    restored = restore_backup(result.path, db=target, media_root=tmp_path / "restored-media")
    assert (restored.rows, restored.media_files) == (500, 1)
    with sqlite3.connect(target.name) as conn:
        assert conn.execute("SELECT count(*), max(token) FROM person").fetchone() == (500, "gAAAA-99")
    conn.close()
    assert (tmp_path / "restored-media" / "materials" / "abc").read_bytes() == b"leaflet"
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(result.path, db=target, media_root=tmp_path / "other-media")
    with pytest.raises(BackupError, match="media folder .* holds files"):
        restore_backup(
            result.path, db=Database("sqlite", str(tmp_path / "x.sqlite3")), media_root=tmp_path / "restored-media"
        )
    with pytest.raises(BackupError, match="a sqlite backup; the target database is postgresql"):
        restore_backup(result.path, db=Database("postgresql", "never_made"), media_root=tmp_path / "y")
