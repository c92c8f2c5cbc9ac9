"""Closures that wait for a coordinator: an operator's request to close a referral or a pathway.

The request keeps what the operator entered (the outcome or reason, the end date, the receiving body, the
note, encrypted); a coordinator approves it, which performs the closure with those data, or sends it back
with a note. At most one request per record is pending at a time (a partial unique constraint).

``ceis`` stands below the apps: the records are named by label, and the closures themselves are performed
by the services the apps register (``ceis.approvals.services.register_closure``).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ceis.crypto import EncryptedTextField

# Target field -> the model it names, and the field of that model the request's ``outcome`` fills.
TARGETS = {
    "referral": ("referrals.Referral", "outcome"),
    "pathway": ("protection.ProtectionPathway", "closure_reason"),
}


class ClosureRequest(models.Model):
    ENCRYPTED_FIELDS = ("note", "decision_note")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        SENT_BACK = "sent_back", _("sent back")

    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closure_requests",
        verbose_name=_("referral"),
    )
    pathway = models.ForeignKey(
        "protection.ProtectionPathway",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closure_requests",
        verbose_name=_("pathway"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # What the operator entered: the outcome of identification (referral) or the closure reason (pathway).
    outcome = models.CharField(_("outcome"), max_length=30)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    receiving_body = models.ForeignKey(
        "partners.PartnerBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving body"),
    )
    note = EncryptedTextField(_("closure note"), blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = EncryptedTextField(_("coordinator's note"), blank=True)

    class Meta:
        verbose_name = _("closure request")
        verbose_name_plural = _("closure requests")
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(referral__isnull=False, pathway__isnull=True)
                | models.Q(referral__isnull=True, pathway__isnull=False),
                name="closure_request_one_target",
            ),
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(status="pending", referral__isnull=False),
                name="closure_request_one_pending_referral",
            ),
            models.UniqueConstraint(
                fields=["pathway"],
                condition=models.Q(status="pending", pathway__isnull=False),
                name="closure_request_one_pending_pathway",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at", "id"], name="closure_request_queue"),
            models.Index(fields=["requested_by", "requested_at"], name="closure_request_mine"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk} ({self.get_status_display()})"

    @property
    def target_field(self) -> str:
        return "referral" if self.referral_id else "pathway"

    @property
    def target(self) -> models.Model:
        return self.referral if self.referral_id else self.pathway

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def outcome_label(self) -> str:
        label, field = TARGETS[self.target_field]
        choices = dict(apps.get_model(label)._meta.get_field(field).flatchoices)
        return str(choices.get(self.outcome, self.outcome))
