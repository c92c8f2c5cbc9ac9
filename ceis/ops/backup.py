"""Backup and restore of the whole installation: the database and the uploaded files, in one archive.

PostgreSQL is dumped with ``pg_dump`` (custom format) inside a repeatable-read snapshot whose row counts go into
the manifest; SQLite is copied with its online backup API. The files under ``MEDIA_ROOT`` follow the database
(a row never points at a file written after it). Everything goes into one gzip-compressed tar with a
``manifest.json`` (SHA-256 and size of every member, row count of every table), optionally encrypted with
``BACKUP_ENCRYPTION_KEY`` (``ceis.ops.archive``), with a ``.sha256`` file beside it.

Restoring checks the checksum file, decrypts, extracts into a staging folder and compares every member with the
manifest before the database or the media folder is touched; it refuses a target database that holds tables,
or a media folder that holds files, unless told to replace them. The keys are never in the archive.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import connections

from .archive import (
    ArchiveError,
    DecryptingReader,
    EncryptingWriter,
    check_sidecar,
    is_encrypted,
    sha256_of,
    write_sidecar,
)

FORMAT = "ceis-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


# Databases ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Where a database is, from a Django ``DATABASES`` entry (no password ever goes on a command line)."""

    engine: str  # "postgresql" or "sqlite"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: dict = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def from_settings(cls, entry: dict[str, Any]) -> Database:
        engine = entry["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(entry["NAME"]))
        if "postgresql" in engine:
            return cls(
                "postgresql",
                str(entry["NAME"]),
                str(entry.get("USER") or ""),
                str(entry.get("PASSWORD") or ""),
                str(entry.get("HOST") or ""),
                str(entry.get("PORT") or ""),
                dict(entry.get("OPTIONS") or {}),
            )
        raise BackupError(f"backup knows PostgreSQL and SQLite, not {engine}")

    @classmethod
    def from_url(cls, url: str) -> Database:
        import environ

        return cls.from_settings(environ.Env.db_url_config(url))

    @classmethod
    def default(cls) -> Database:
        return cls.from_settings(settings.DATABASES["default"])

    def renamed(self, name: str) -> Database:
        return Database(self.engine, name, self.user, self.password, self.host, self.port, self.options)

    # PostgreSQL helpers

    def client_args(self) -> list[str]:
        args = []
        for flag, value in (("--host", self.host), ("--port", self.port), ("--username", self.user)):
            if value:
                args += [flag, value]
        return args

    def client_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        if self.options.get("sslmode"):
            env["PGSSLMODE"] = str(self.options["sslmode"])
        return env

    def connect(self, name: str | None = None):
        import psycopg2

        params = {"dbname": name or self.name, "user": self.user or None, "password": self.password or None}
        params.update({"host": self.host or None, "port": self.port or None})
        if self.options.get("sslmode"):
            params["sslmode"] = self.options["sslmode"]
        return psycopg2.connect(**{k: v for k, v in params.items() if v is not None})

    def exists(self) -> bool:
        if self.engine == "sqlite":
            return Path(self.name).exists()
        conn = self.connect("postgres")
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])
                return cursor.fetchone() is not None
        finally:
            conn.close()

    def create(self) -> None:
        from psycopg2 import sql

        conn = self.connect("postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        finally:
            conn.close()

    def drop(self) -> None:
        if self.engine == "sqlite":
            Path(self.name).unlink(missing_ok=True)
            return
        from psycopg2 import sql

        conn = self.connect("postgres")
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
        finally:
            conn.close()

    def table_count(self) -> int:
        """How many tables, views and sequences the database holds outside the system schemas."""
        if self.engine == "sqlite":
            if not Path(self.name).exists() or Path(self.name).stat().st_size == 0:
                return 0
            with _sqlite(self.name) as conn:
                return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        conn = self.connect()
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', "
                    "'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'"
                )
                return cursor.fetchone()[0]
        finally:
            conn.close()

    def django_settings(self) -> dict[str, Any]:
        """A complete ``DATABASES`` entry for this database, from the default one's (for reading it back)."""
        entry = dict(connections.settings["default"])
        if self.engine == "sqlite":
            entry.update(ENGINE="django.db.backends.sqlite3", NAME=self.name)
        else:
            entry.update(NAME=self.name, USER=self.user, PASSWORD=self.password, HOST=self.host, PORT=self.port)
        entry["TEST"] = dict(entry.get("TEST") or {})
        return entry


@contextmanager
def _sqlite(path: str) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, uri=path.startswith("file:"))  # an in-memory shared-cache database is a URI
    try:
        yield conn
    finally:
        conn.close()


def _pg_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename), tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 2"
    )
    counts = {}
    for qualified, table in cursor.fetchall():
        cursor.execute(f"SELECT count(*) FROM {qualified}")  # noqa: S608 - names quoted by PostgreSQL itself
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: str) -> dict[str, int]:
    with _sqlite(path) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "ORDER BY name"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def table_counts(db: Database) -> dict[str, int]:
    if db.engine == "sqlite":
        return _sqlite_counts(db.name)
    conn = db.connect()
    try:
        with conn.cursor() as cursor:
            return _pg_counts(cursor)
    finally:
        conn.close()


def _run(argv: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{argv[0]} is not installed (Debian: apt-get install postgresql-client)") from exc
    if done.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {done.stderr.strip()[-2000:]}")


def _dump_postgresql(db: Database, target: Path) -> dict[str, int]:
    """``pg_dump`` in custom format inside a repeatable-read snapshot; the row counts of that same snapshot."""
    conn = db.connect()
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_counts(cursor)
            # No compression here: the tar around it is gzip-compressed once for all.
            argv = ["pg_dump", "--format=custom", "--compress=0", f"--snapshot={snapshot}", f"--file={target}"]
            _run([*argv, *db.client_args(), "--dbname", db.name], db.client_env())
        conn.rollback()
    finally:
        conn.close()
    return counts


def _dump_sqlite(db: Database, target: Path) -> dict[str, int]:
    if not db.name.startswith("file:") and not Path(db.name).is_file():
        raise BackupError(f"the SQLite database {db.name} does not exist")
    with _sqlite(db.name) as source, _sqlite(str(target)) as copy:
        source.backup(copy)  # consistent even while the application writes
    return _sqlite_counts(str(target))


# Keys -----------------------------------------------------------------------------------------------------------


def backup_keys() -> list[str]:
    from ceis.startup import backup_key_problem

    problem = backup_key_problem()
    if problem:
        raise BackupError(problem)
    return [k.strip() for k in settings.BACKUP_ENCRYPTION_KEYS if k.strip()]


# Making a backup ------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    sidecar: Path
    size: int
    seconds: float
    encrypted: bool
    rows: int
    tables: int
    media_files: int
    media_bytes: int


def _media_files(media_root: Path) -> list[tuple[Path, str]]:
    """Regular files under ``media_root`` (symbolic links are not followed), with their archive names."""
    found = []
    if media_root.is_dir():
        for folder, dirs, files in os.walk(media_root, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                path = Path(folder) / name
                if path.is_file() and not path.is_symlink():
                    found.append((path, MEDIA_PREFIX + path.relative_to(media_root).as_posix()))
    return found


def _add(tar: tarfile.TarFile, path: Path, arcname: str, members: dict[str, dict]) -> None:
    info = tarfile.TarInfo(arcname)
    with open(path, "rb") as f:
        info.size = os.fstat(f.fileno()).st_size
        info.mtime = int(os.fstat(f.fileno()).st_mtime)
        info.mode = 0o600
        digest = hashlib.sha256()

        class _Hashing:
            def read(self, n=-1):
                data = f.read(n)
                digest.update(data)
                return data

        tar.addfile(info, _Hashing())
    members[arcname] = {"sha256": digest.hexdigest(), "size": info.size}


def create_backup(
    output_dir: Path, *, db: Database | None = None, media_root: Path | None = None, stamp: str | None = None
) -> BackupResult:
    started = time.monotonic()
    db = db or Database.default()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    keys = backup_keys()
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = stamp or datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"ceis-backup-{stamp}.tar.gz" + (".fernet" if keys else "")
    path = output_dir / name
    partial = output_dir / (name + ".partial")
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as work:
        dump = Path(work) / DUMP_MEMBERS[db.engine]
        counts = _dump_postgresql(db, dump) if db.engine == "postgresql" else _dump_sqlite(db, dump)
        members: dict[str, dict] = {}
        media = _media_files(media_root)
        try:
            _write_archive(partial, keys, dump, media, counts, db.engine, members)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        digest = sha256_of(partial)
        os.replace(partial, path)
    sidecar = write_sidecar(path, digest)
    os.chmod(sidecar, 0o600)
    return BackupResult(
        path=path,
        sidecar=sidecar,
        size=path.stat().st_size,
        seconds=time.monotonic() - started,
        encrypted=bool(keys),
        rows=sum(counts.values()),
        tables=len(counts),
        media_files=len(media),
        media_bytes=sum(m["size"] for n, m in members.items() if n.startswith(MEDIA_PREFIX)),
    )


def _write_archive(partial, keys, dump, media, counts, engine, members) -> None:
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the archive is for its owner only
    with open(fd, "wb") as raw:
        sink = EncryptingWriter(raw, Fernet(keys[0].encode())) if keys else raw
        compressed = gzip.GzipFile(filename="", mode="wb", fileobj=sink, compresslevel=6, mtime=0)
        with compressed, tarfile.open(fileobj=compressed, mode="w|") as tar:
            _add(tar, dump, dump.name, members)
            for file, arcname in media:
                _add(tar, file, arcname, members)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "engine": engine,
                "database": dump.name,
                "tables": counts,
                "members": members,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
            tar.addfile(info, io.BytesIO(data))
        if keys:
            sink.close()
        raw.flush()
        os.fsync(raw.fileno())


# Reading a backup -----------------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or any(p in ("..", ".", "") for p in parts) or "\\" in name:
        return False
    return name == MANIFEST or name in DUMP_MEMBERS.values() or (name.startswith(MEDIA_PREFIX) and len(parts) > 1)


def open_backup(path: Path, staging: Path) -> dict[str, Any]:
    """Check ``path`` and extract it into ``staging``; the manifest, once every member matches it.

    Raises ``ArchiveError`` (damaged, altered, wrong key) before anything outside ``staging`` is written.
    """
    check_sidecar(path)
    seen: dict[str, dict] = {}
    with open(path, "rb") as raw:
        if is_encrypted(path):
            keys = [k.strip() for k in settings.BACKUP_ENCRYPTION_KEYS if k.strip()]
            if not keys:
                raise ArchiveError("the archive is encrypted: set BACKUP_ENCRYPTION_KEY to the key it was made with")
            source = DecryptingReader(raw, MultiFernet([Fernet(k.encode()) for k in keys]))
        else:
            source = raw
        try:
            with tarfile.open(fileobj=source, mode="r|gz") as tar:
                for member in tar:
                    if not member.isfile() or not _safe_name(member.name) or member.name in seen:
                        raise ArchiveError(f"the archive holds an unexpected entry ({member.name!r})")
                    target = staging / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    digest = hashlib.sha256()
                    extracted = tar.extractfile(member)
                    with open(target, "wb") as out:
                        for block in iter(lambda: extracted.read(1024 * 1024), b""):  # noqa: B023
                            digest.update(block)
                            out.write(block)
                    seen[member.name] = {"sha256": digest.hexdigest(), "size": member.size}
            while source.read(1024 * 1024):  # to the very end: an encrypted archive cut short is refused
                pass
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise ArchiveError(f"the archive is damaged ({exc.__class__.__name__})") from exc
    if MANIFEST not in seen:
        raise ArchiveError("the archive has no manifest: it is incomplete")
    try:
        manifest = json.loads((staging / MANIFEST).read_text())
    except ValueError as exc:
        raise ArchiveError("the archive's manifest cannot be read") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveError("this is not a ceis backup of a version this code reads")
    del seen[MANIFEST]
    expected = manifest.get("members") or {}
    if set(seen) != set(expected):
        raise ArchiveError("the archive's files differ from those its manifest lists")
    for name, found in seen.items():
        if found != expected[name]:
            raise ArchiveError(f"{name} does not match its checksum in the manifest: the archive was altered")
    if manifest.get("database") not in seen:
        raise ArchiveError("the archive holds no database")
    return manifest


# Restoring ------------------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    database: str
    media_root: Path
    seconds: float
    rows: int
    tables: int
    media_files: int
    verify: dict[str, Any] = field(default_factory=dict)


def _media_has_files(media_root: Path) -> bool:
    return media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*"))


def restore_backup(
    path: Path, *, db: Database | None = None, media_root: Path | None = None, replace: bool = False
) -> RestoreResult:
    started = time.monotonic()
    db = db or Database.default()
    media_root = Path(media_root or settings.MEDIA_ROOT)
    work_parent = media_root.parent if media_root.parent.is_dir() else None
    with tempfile.TemporaryDirectory(dir=work_parent, prefix=".restore-") as work:
        staging = Path(work)
        manifest = open_backup(path, staging)  # everything checked before anything is touched
        if manifest["engine"] != db.engine:
            raise BackupError(f"this is a {manifest['engine']} backup; the target database is {db.engine}")
        if _media_has_files(media_root) and not replace:
            raise BackupError(
                f"the media folder {media_root} holds files: restore into an empty one, or pass --replace"
            )
        if db.engine == "postgresql" and not db.exists():
            db.create()
        if db.table_count() and not replace:
            raise BackupError(
                f"the target database {db.name} is not empty: restore into a new empty database, or pass --replace"
            )
        dump = staging / manifest["database"]
        if db.engine == "postgresql":
            argv = ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
            if replace:
                argv += ["--clean", "--if-exists"]
            _run([*argv, *db.client_args(), "--dbname", db.name, str(dump)], db.client_env())
        else:
            target = Path(db.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dump, target.with_name(target.name + ".restoring"))
            os.replace(target.with_name(target.name + ".restoring"), target)
        media_root.mkdir(parents=True, exist_ok=True)
        media = [n for n in manifest["members"] if n.startswith(MEDIA_PREFIX)]
        for name in media:
            destination = media_root / name[len(MEDIA_PREFIX) :]
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staging / name, destination)
            os.chmod(destination, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
    counts = table_counts(db)
    differ = sorted(t for t, n in manifest["tables"].items() if counts.get(t) != n)
    if differ:
        raise BackupError(f"after the restore, the row counts differ from the backup's in: {', '.join(differ[:10])}")
    return RestoreResult(
        database=db.name,
        media_root=media_root,
        seconds=time.monotonic() - started,
        rows=sum(counts.values()),
        tables=len(counts),
        media_files=len(media),
    )


# Reading a restored database back -------------------------------------------------------------------------------


@contextmanager
def database_alias(db: Database) -> Iterator[str]:
    """A temporary Django connection alias for ``db`` (``Model.objects.using(alias)`` reads it)."""
    from django.db.utils import load_backend

    alias = f"restored_{uuid.uuid4().hex[:8]}"
    entry = db.django_settings()
    wrapper = load_backend(entry["ENGINE"]).DatabaseWrapper(entry, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        try:
            wrapper.close()
        finally:
            delattr(connections._connections, alias)


def verify_restored(alias: str, media_root: Path) -> dict[str, Any]:
    """Decrypt every encrypted value and find every uploaded file of the database behind ``alias``.

    Returns counts; ``failures`` lists what could not be read (empty when all is well).
    """
    from django.db.migrations.loader import MigrationLoader
    from django.db.models import FileField

    from ceis.crypto import EncryptedBlobField, encrypted_columns, fernet

    connection = connections[alias]
    quote = connection.ops.quote_name
    values = files = 0
    failures: list[str] = []
    for model, fields in encrypted_columns().items():
        table = model._meta.db_table
        pk = model._meta.pk.column
        for f in fields:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(pk)}, {quote(f.column)} FROM {quote(table)} "  # noqa: S608
                    f"WHERE {quote(f.column)} IS NOT NULL AND {quote(f.column)} <> ''"
                )
                for row_pk, token in cursor.fetchall():
                    try:
                        clear = fernet().decrypt(token.encode())
                        if not isinstance(f, EncryptedBlobField):
                            clear.decode()
                        values += 1
                    except Exception:  # noqa: BLE001 - any failure is reported, none may stop the count
                        failures.append(f"{model._meta.label}.{f.name} #{row_pk}")
    from django.apps import apps

    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, FileField) and f.model is model:
                for name in model._base_manager.using(alias).exclude(**{f.name: ""}).values_list(f.name, flat=True):
                    if (media_root / name).is_file():
                        files += 1
                    else:
                        failures.append(f"{model._meta.label}.{f.name} file missing")
    loader = MigrationLoader(connection)
    unapplied = sorted(set(loader.disk_migrations) - set(loader.applied_migrations))
    return {"encrypted_values": values, "files": files, "failures": failures, "unapplied_migrations": len(unapplied)}


def drill(path: Path, *, keep: bool = False) -> RestoreResult:
    """Restore ``path`` into a new empty database and media folder, read everything back, then remove both."""
    base = Database.default()
    suffix = uuid.uuid4().hex[:8]
    media_root = Path(tempfile.mkdtemp(prefix="ceis-drill-media-"))
    if base.engine == "postgresql":
        db = base.renamed(f"{base.name}_drill_{suffix}"[:63])
    else:
        db = Database("sqlite", str(Path(tempfile.mkdtemp(prefix="ceis-drill-db-")) / "restored.sqlite3"))
    try:
        result = restore_backup(path, db=db, media_root=media_root)
        with database_alias(db) as alias:
            result.verify = verify_restored(alias, media_root)
        return result
    finally:
        if not keep:
            db.drop()
            if db.engine == "sqlite":
                shutil.rmtree(Path(db.name).parent, ignore_errors=True)
            shutil.rmtree(media_root, ignore_errors=True)
