"""``manage.py rotate_encryption_key``: re-encrypt every encrypted value with the newest FIELD_ENCRYPTION_KEY."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ceis.ops.rotation import rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field and stored file with the newest key (FIELD_ENCRYPTION_KEY), reading with "
        "the older ones (FIELD_ENCRYPTION_KEYS_OLD). Batched and resumable: run it again after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, batch_size: int, database: str, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            counts = rotate(batch_size=batch_size, using=database)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        width = max(len(c.label) for c in counts)
        for c in counts:
            self.stdout.write(
                f"{c.label:<{width}}  {c.rows:>9} rows  {c.values:>9} values  {c.changed:>9} re-encrypted  "
                f"{c.seconds:6.1f} s"
            )
        changed = sum(c.changed for c in counts)
        values = sum(c.values for c in counts)
        seconds = sum(c.seconds for c in counts)
        self.stdout.write(
            self.style.SUCCESS(
                f"{changed} of {values} encrypted values re-encrypted with the newest key ({seconds:.1f} s)."
            )
        )
