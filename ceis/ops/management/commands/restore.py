"""``manage.py restore ARCHIVE``: put a backup back, after checking all of it; ``--check`` runs the drill."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ceis.ops.archive import ArchiveError
from ceis.ops.backup import BackupError, Database, drill, restore_backup


def newest_archive(folder: Path) -> Path | None:
    found = sorted(p for p in folder.glob("ceis-backup-*") if not p.name.endswith((".sha256", ".partial")))
    return found[-1] if found else None


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database and media folder. The archive is "
        "checked whole (checksum file, decryption, every file against the manifest) before anything is written. "
        "--check: the drill, into a new throw-away database, reading back every encrypted value and file."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?", help="The archive (default with --check: the newest in BACKUP_DIR).")
        parser.add_argument("--database-url", help="Restore into this database instead of DATABASE_URL's.")
        parser.add_argument("--media-root", help="Restore the files here instead of MEDIA_ROOT.")
        parser.add_argument(
            "--replace", action="store_true", help="Restore over a database that holds tables / files (careful)."
        )
        parser.add_argument(
            "--check", action="store_true", help="The drill: restore into a new database, verify, drop."
        )
        parser.add_argument("--keep", action="store_true", help="With --check: keep the drill's database and files.")

    def handle(self, *args, archive, database_url, media_root, replace, check, keep, **options):
        if archive:
            path = Path(archive)
        else:
            if not check:
                raise CommandError("Name the archive to restore.")
            path = newest_archive(Path(os.environ.get("BACKUP_DIR", "backups")))
            if path is None:
                raise CommandError("No archive found in BACKUP_DIR: name one.")
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        try:
            if check:
                result = drill(path, keep=keep)
            else:
                db = Database.from_url(database_url) if database_url else None
                result = restore_backup(
                    path, db=db, media_root=Path(media_root) if media_root else None, replace=replace
                )
        except (ArchiveError, BackupError) as exc:
            raise CommandError(f"Refused: {exc}.") from exc
        self.stdout.write(
            f"Restored {path.name} into {result.database}: {result.tables} tables, {result.rows} rows, "
            f"{result.media_files} media files, in {result.seconds:.1f} s"
        )
        if check:
            v = result.verify
            self.stdout.write(
                f"Read back: {v['encrypted_values']} encrypted values, {v['files']} uploaded files; "
                f"{v['unapplied_migrations']} migrations of this code not in the backup"
            )
            if v["failures"]:
                for failure in v["failures"][:20]:
                    self.stderr.write(f"  cannot read: {failure}")
                raise CommandError(f"Drill FAILED: {len(v['failures'])} values or files cannot be read.")
            self.stdout.write(self.style.SUCCESS("Drill passed: the backup restores and every value reads."))
        else:
            self.stdout.write(self.style.SUCCESS("Restore done."))
