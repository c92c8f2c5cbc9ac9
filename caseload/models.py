"""The coordinators' workspace: caseload review, statistics and the stored monthly reports.

``caseload`` reads every activity through its selectors and writes only reassignments (through
``ceis.access``) and the monthly reports below, which hold de-identified, suppressed aggregates only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MonthlyReport(models.Model):
    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month reported."))
    data = models.JSONField(_("statistics"), help_text=_("De-identified aggregates, small cells already suppressed."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
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
    ``caseload.stats.statistics`` labels and suppresses it on the way out. A change to the data of a date in
    the period bumps ``generation`` (``caseload.snapshots``); the counts are up to date while
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
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        constraints = [models.UniqueConstraint(fields=["start", "end"], name="statisticssnapshot_period")]
        indexes = [models.Index(fields=["used_at"], name="statisticssnapshot_used")]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    @property
    def is_current(self) -> bool:
        return self.computed_generation == self.generation


class CaseloadSnapshot(models.Model):
    """One operator's dashboard figures, kept until one of her records changes or a deadline passes.

    ``figures`` holds counts, record ids and case codes (no names). Up to date while ``computed_generation``
    equals ``generation`` (bumped by ``caseload.caseload_snapshots`` when a record she holds changes), the
    thresholds it was counted with are today's, and ``computed_at <= now < valid_until`` (the next moment a
    figure would change by itself: a referral turning overdue, midnight, the first of the month).
    """

    operator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("operator"),
    )
    figures = models.JSONField(_("figures"), default=dict)
    generation = models.PositiveIntegerField(_("generation"), default=0)
    computed_generation = models.IntegerField(_("generation counted"), default=-1)
    computed_at = models.DateTimeField(_("counted at"), null=True)
    valid_until = models.DateTimeField(_("valid until"), null=True)

    class Meta:
        verbose_name = _("caseload snapshot")
        verbose_name_plural = _("caseload snapshots")

    def __str__(self) -> str:
        return str(self.operator_id)
