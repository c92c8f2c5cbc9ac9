"""Seed a synthetic dataset at national scale for benchmarks: ``manage.py seed_scale --persons 100000``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from devdata import scale


class Command(BaseCommand):
    help = (
        "Fill a throw-away database with a synthetic dataset in proportion to --persons (bulk inserts, COPY on "
        "PostgreSQL). Refuses a database holding any account that is neither synthetic nor a demo account."
    )

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, required=True, help="Number of persons (N).")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the random generator.")

    def handle(self, *args, persons: int, seed: int, **options):
        if persons < 1:
            raise CommandError("--persons must be at least 1.")
        try:
            scale.refuse_if_real()
        except scale.RealDataError as exc:
            raise CommandError(str(exc)) from exc
        started = time.monotonic()
        log = self.stdout.write if options["verbosity"] > 0 else (lambda *a: None)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO off")
                    cursor.execute("SET LOCAL maintenance_work_mem TO '256MB'")
                    # Foreign keys are consistent by construction (tests check them on SQLite): skip the
                    # per-row referential-integrity triggers during the load when we may (superuser only).
                    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                    if cursor.fetchone()[0]:
                        cursor.execute("SET LOCAL session_replication_role TO replica")
            written = scale.seed(scale.Scale(persons=persons, seed=seed), log=log)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM as well: it sets the visibility map, without which PostgreSQL cannot answer from the
                # covering indexes alone (index-only scans) until autovacuum comes by; a live database has it.
                # (VACUUM cannot run inside a transaction, e.g. a test's: ANALYZE only there.)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        elapsed = time.monotonic() - started
        total = sum(written.values())
        log(f"{total} rows in {elapsed:.1f} s")
        for label, count in sorted(written.items()):
            log(f"  {label:<50} {count}")
