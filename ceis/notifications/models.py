"""In-app notifications, which double as the e-mail outbox.

A row is written in the same transaction as the event; Celery e-mails it afterwards and marks it
sent, so a broker outage delays e-mail but loses nothing. Rows carry a kind and a link to a record,
never personal data: the text is built at display time from the kind and the record's case code.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("A referral has been assigned to you")
        UNASSIGNED = "unassigned", _("You have been removed from a referral")
        INTERVIEW_REMINDER = "interview_reminder", _("Interview tomorrow")
        PERMIT_EXPIRING = "permit_expiring", _("Residence permit expiring")
        GOAL_OVERDUE = "goal_overdue", _("Plan goal past its target date")
        DIARY_SILENT = "diary_silent", _("No diary entry for 30 days")
        PATHWAY_ASSIGNED = "pathway_assigned", _("A protection pathway has been assigned to you")
        PATHWAY_UNASSIGNED = "pathway_unassigned", _("You have been removed from a protection pathway")
        MONTHLY_REPORT = "monthly_report", _("Monthly report ready")
        RETENTION_REVIEW = "retention_review", _("Retention list ready for review")
        SERVICE_OVERDUE = "service_overdue", _("A service requested has had no answer")
        SESSION_REMINDER = "session_reminder", _("Group session tomorrow")
        CLOSURE_REQUESTED = "closure_requested", _("An operator asks to close a record")
        CLOSURE_APPROVED = "closure_approved", _("Your closure request has been approved")
        CLOSURE_SENT_BACK = "closure_sent_back", _("Your closure request has been sent back")
        POSSIBLE_MATCH = "possible_match", _("A new referral may concern a person already known")
        PORTAL_REFERRAL = "portal_referral", _("A new referral from the portal")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # What the notification is about: a label safe to show (a case code) and the in-app path.
    label = models.CharField(_("about"), max_length=50, blank=True)
    path = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Names the event a reminder is for (e.g. "interview:42:2026-12-01"), so that it is sent once.
    event_key = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["emailed_at", "created_at"], name="notification_outbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], condition=~models.Q(event_key=""), name="notification_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def shown_label(self) -> str:
        """The label as people read it: a monthly report's "2026-11" becomes "novembre 2026"."""
        if self.kind == self.Kind.MONTHLY_REPORT:
            try:
                month = datetime.datetime.strptime(self.label, "%Y-%m").date()
            except ValueError:
                return self.label
            return date_format(month, "YEAR_MONTH_FORMAT")
        return self.label
