"""The statistics' stored rows: snapshots of a period's counts and the monthly reports.

The tables keep the names they had while the statistics lived in ``caseload`` (``stats/migrations/0001``).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MonthlyReport(models.Model):
    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month reported."))
    data = models.JSONField(_("statistics"), help_text=_("De-identified aggregates, small cells already suppressed."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "caseload_monthlyreport"
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def is_provisional(self) -> bool:
        """Built before the month was over: its figures are the month to date (``created_at`` is the build)."""
        next_month = (self.month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return timezone.localtime(self.created_at).date() < next_month


class StatisticsSnapshot(models.Model):
    """The raw counts of one period, kept so that a year of national data is not re-counted on every view.

    ``counts`` is language-neutral (codes, no labels) and unsuppressed: it never leaves the server as it is;
    ``stats.selectors.statistics`` labels and suppresses it on the way out. A change to the data of a date in
    the period bumps ``generation`` (``stats.snapshots``); the counts are up to date while
    ``computed_generation`` equals it.
    """

    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    counts = models.JSONField(_("counts"), default=dict)
    generation = models.PositiveIntegerField(_("generation"), default=0)
    computed_generation = models.IntegerField(_("generation counted"), default=-1)
    computed_at = models.DateTimeField(_("counted at"), null=True)
    used_at = models.DateTimeField(_("last used"), auto_now_add=True)

    class Meta:
        db_table = "caseload_statisticssnapshot"
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        constraints = [models.UniqueConstraint(fields=["start", "end"], name="statisticssnapshot_period")]
        indexes = [models.Index(fields=["used_at"], name="statisticssnapshot_used")]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    @property
    def is_current(self) -> bool:
        return self.computed_generation == self.generation
