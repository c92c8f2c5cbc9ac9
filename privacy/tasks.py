"""The nightly retention run (beat: ``retention-nightly``). No arguments: nothing personal in the broker."""

from __future__ import annotations

from celery import shared_task

from ceis import periodic

from . import retention


@shared_task
def run_retention() -> dict:
    """Act on the lists whose review is over, then list what is newly due. A rule or record that fails is
    logged (model and pk), counted and skipped; the rest of the night's work goes on (ceis/periodic.py)."""
    counts = periodic.Counts("retention-nightly")
    acted = retention.act_on_due_lists(counts=counts)
    run = retention.build_review_list(counts=counts)
    return {"acted": acted, "failed": counts.failed, "listed_run": run.pk if run else None}
