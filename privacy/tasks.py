"""The nightly retention run (beat: ``retention-nightly``). No arguments: nothing personal in the broker."""

from __future__ import annotations

from celery import shared_task

from . import retention


@shared_task
def run_retention() -> dict:
    acted = retention.act_on_due_lists()
    run = retention.build_review_list()
    return {"acted": acted, "listed_run": run.pk if run else None}
