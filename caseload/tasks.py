"""Celery tasks of the caseload review (the task itself lives beside the snapshots it marks)."""

from .caseload_snapshots import caseload_changed  # noqa: F401
