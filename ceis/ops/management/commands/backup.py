"""``manage.py backup``: the database and the uploaded files in one checked, optionally encrypted archive."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from ceis.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or a copy of the SQLite file) and MEDIA_ROOT into one "
        "gzip-compressed archive with a SHA-256 manifest and a .sha256 file beside it; encrypted with "
        "BACKUP_ENCRYPTION_KEY when set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=os.environ.get("BACKUP_DIR", "backups"),
            help="Folder the archive is written to (default: $BACKUP_DIR or ./backups).",
        )

    def handle(self, *args, output_dir: str, **options):
        try:
            result = create_backup(Path(output_dir))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not result.encrypted:
            self.stderr.write(
                self.style.WARNING("BACKUP_ENCRYPTION_KEY is not set: the archive is NOT encrypted. Keep it safe.")
            )
        self.stdout.write(
            f"{result.tables} tables, {result.rows} rows; {result.media_files} media files "
            f"({filesizeformat(result.media_bytes)})"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.path} ({filesizeformat(result.size)}, "
                f"{'encrypted' if result.encrypted else 'not encrypted'}) in {result.seconds:.1f} s; "
                f"checksum in {result.sidecar.name}"
            )
        )
