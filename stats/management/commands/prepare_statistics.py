"""``manage.py prepare_statistics``: count now every month no one has viewed yet (what Celery beat's
``prepare-statistics`` does a few years at a time), e.g. after a restore or a first import of old records."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from stats import snapshots


class Command(BaseCommand):
    help = "Count the statistics of every month not counted yet, so that no first view waits for a count."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=0, help="at most this many years (default: all)")

    def handle(self, *args, years: int, **options):
        result = snapshots.prepare(years=years or 10_000)
        self.stdout.write(f"prepared {result['prepared']} months, {result['failed']} years failed")
        return None
