"""``python -m ceis.preflight``: what ``make serve`` needs from the environment, checked before anything starts.

The production shape runs with DEBUG off against PostgreSQL and Redis; without its keys the web process
and the worker would die one by one inside honcho. This names every missing variable at once instead.
Exit status 2 when something is missing, 0 otherwise. Prints variable names only, never values.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

HOW_TO = "See README.md, Production: how to generate the keys and set the environment."


def problems(environ: Mapping[str, str]) -> list[str]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings")
    django.setup()
    from django.conf import settings

    from ceis.startup import admin_url_problem, backup_key_problem, missing_secrets

    found = [f"{variable} is not set" for variable in missing_secrets()]
    if settings.DEBUG:
        found.append("DEBUG is on (the production shape runs with DEBUG off)")
    if admin_problem := admin_url_problem():
        found.append(admin_problem)
    if backup_problem := backup_key_problem():
        found.append(backup_problem)
    if not settings.ALLOWED_HOSTS:
        found.append("ALLOWED_HOSTS is not set (e.g. 127.0.0.1,localhost for a local run)")
    if not environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://")):
        found.append("DATABASE_URL is not set to PostgreSQL (e.g. postgres://postgres@127.0.0.1:5432/ceis)")
    if not environ.get("CELERY_BROKER_URL", "").startswith(("redis://", "rediss://")):
        found.append("CELERY_BROKER_URL is not set to Redis (e.g. redis://127.0.0.1:6379/0)")
    if not environ.get("CACHE_URL", "").startswith(("redis://", "rediss://")):
        # Each web process's own memory would serve another machine's stale figures (README, More than one
        # web machine).
        found.append(
            "CACHE_URL is not set to Redis, the cache every web machine shares (e.g. redis://127.0.0.1:6379/1)"
        )
    return found


def main() -> int:
    found = problems(os.environ)
    if not found:
        return 0
    print("make serve: cannot start the production shape:", file=sys.stderr)
    for problem in found:
        print(f"  - {problem}", file=sys.stderr)
    print(HOW_TO, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
