"""Periodic tasks take their rows one at a time: one bad row is logged, counted and skipped, never the run.

``each(task, rows, handle)`` calls ``handle(row)`` for every row in a savepoint of its own (a failed row's
writes are undone, and on PostgreSQL the transaction around it stays usable), catches whatever one row raises,
logs one warning line that names the task, the model and the primary key and the kind of error (never its
message, which may quote the row's values), and goes on with the next. At the end one line gives the counts.

    counts = each("interview-reminders", interviews, remind)
    counts.done, counts.failed, counts.failed_pks, counts.total  # total: what the handlers returned, summed

A row is a model instance, a primary key (pass ``model=``) or anything with ``describe=`` saying which
record it stands for, as ``(model label, pk)``.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction

logger = logging.getLogger("ceis.periodic")


@dataclass
class Counts:
    task: str
    done: int = 0
    failed: int = 0
    total: int = 0  # the handlers' results summed (e.g. notifications written), where they return numbers
    failed_pks: list = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"done": self.done, "failed": self.failed, "total": self.total}

    def add(self, other: Counts) -> Counts:
        """Fold another run's counts into these (a task made of several kinds of rows)."""
        self.done += other.done
        self.failed += other.failed
        self.total += other.total
        self.failed_pks += other.failed_pks
        return self


def _where(error: BaseException) -> str:
    """``module.py:line`` where the error was raised: enough to find it, nothing of the data."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}"


def _describe(row, model) -> tuple[str, Any]:
    if model is not None:
        return model._meta.label, row
    meta = getattr(row, "_meta", None)
    if meta is not None:
        return meta.label, row.pk
    return type(row).__name__, "?"


def each(
    task: str,
    rows: Iterable,
    handle: Callable[[Any], Any],
    *,
    model=None,
    describe: Callable[[Any], tuple[str, Any]] | None = None,
    summary: bool = True,
) -> Counts:
    """Run ``handle`` on every row, each on its own; the counts of rows done and failed."""
    counts = Counts(task)
    for row in rows:
        try:
            with transaction.atomic():
                result = handle(row)
        except SoftTimeLimitExceeded:
            log_counts(counts)
            raise  # the task's time is up: not this row's fault, and the run must stop
        except Exception as error:  # noqa: BLE001 - one row's failure, whatever it is, must not stop the run
            label, pk = describe(row) if describe else _describe(row, model)
            counts.failed += 1
            counts.failed_pks.append(pk)
            # Type and place only: an error's message can quote the row's values (personal data).
            logger.warning("%s: %s %s failed (%s at %s); skipped", task, label, pk, type(error).__name__, _where(error))
            continue
        counts.done += 1
        if isinstance(result, bool | int):
            counts.total += int(result)
    if summary:
        log_counts(counts)
    return counts


def log_counts(counts: Counts) -> None:
    """One line per run: how many rows were done and how many failed (a warning when any did)."""
    level = logging.WARNING if counts.failed else logging.INFO
    logger.log(level, "%s: %d rows done, %d failed, %d written", counts.task, counts.done, counts.failed, counts.total)
