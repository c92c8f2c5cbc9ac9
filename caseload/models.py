"""The coordinators' workspace: caseload review, statistics and the stored monthly reports.

``caseload`` reads every activity through its selectors and writes only reassignments (through
``ceis.access``) and the monthly reports below, which hold de-identified, suppressed aggregates only.
"""

from __future__ import annotations

from django.db import models
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
