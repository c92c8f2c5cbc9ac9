"""The coordinators' caseload review: the dashboard, the operators' pages and reassignment.

``caseload`` reads every activity through its selectors and writes only reassignments (through
``ceis.access``) and the stored dashboard figures below. The statistics are in ``stats``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
