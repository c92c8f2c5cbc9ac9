"""Services activated for the person: outgoing referrals to health, psychological, legal and other providers.

A ``ServiceReferral`` hangs beneath a pathway or, before any pathway exists and the need is urgent, beneath a
referral (exactly one of the two). It carries no permission of its own: it is visible and changeable exactly
when the record above it is (``ceis.access``). Its ``person`` is the person of that record, kept on the row so
that the consent gate, the art. 15 export and the statistics reach it without a detour. Each change of status
is a dated ``ServiceStatusChange``; the outcome note is encrypted at rest.

Kept in the ``protection`` app (models imported by ``protection/models.py``, migrations in ``protection``):
they are records of the pathway, under its access rule and its retention, and a second app label would split
one domain across two migration graphs for no gain.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.crypto import EncryptedTextField
from ceis.partners.models import PartnerBody, PartnerContact
from referrals.models import Person, Referral


class ServiceType(models.TextChoices):
    HEALTH_GENERAL = "health_general", _("health: general")
    HEALTH_SEXUAL = "health_sexual", _("health: sexual and reproductive health")
    HEALTH_PREGNANCY = "health_pregnancy", _("health: pregnancy")
    PSYCHOLOGICAL = "psychological", _("psychological support")
    LEGAL_COMPLAINT = "legal_complaint", _("legal assistance: criminal complaint")
    LEGAL_PERMIT = "legal_permit", _("legal assistance: residence permit")
    LEGAL_ASYLUM = "legal_asylum", _("legal assistance: asylum procedure")
    DOCUMENTS = "documents", _("documents")
    MEDIATION = "mediation", _("cultural mediation")
    OTHER = "other", _("other")


class ServiceStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    REFUSED = "refused", _("refused")
    NO_ANSWER = "no_answer", _("no answer")
    CANCELLED = "cancelled", _("cancelled")


# The statuses each status may move to. Final statuses move nowhere.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    ServiceStatus.REQUESTED: (
        ServiceStatus.ACCEPTED,
        ServiceStatus.REFUSED,
        ServiceStatus.NO_ANSWER,
        ServiceStatus.CANCELLED,
    ),
    ServiceStatus.ACCEPTED: (ServiceStatus.IN_PROGRESS, ServiceStatus.COMPLETED, ServiceStatus.CANCELLED),
    ServiceStatus.IN_PROGRESS: (ServiceStatus.COMPLETED, ServiceStatus.CANCELLED),
    ServiceStatus.COMPLETED: (),
    ServiceStatus.REFUSED: (),
    ServiceStatus.NO_ANSWER: (ServiceStatus.ACCEPTED, ServiceStatus.REFUSED, ServiceStatus.CANCELLED),
    ServiceStatus.CANCELLED: (),
}


class ServiceReferral(models.Model):
    ENCRYPTED_FIELDS = ("outcome_note",)

    Type = ServiceType
    Status = ServiceStatus

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("routine")
        PRIORITY = "priority", _("priority")
        URGENT = "urgent", _("urgent")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="service_referrals", verbose_name=_("person"), editable=False
    )
    pathway = models.ForeignKey(
        "protection.ProtectionPathway",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_referrals",
        verbose_name=_("pathway"),
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_referrals",
        verbose_name=_("referral"),
    )
    type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices, db_index=True)
    provider = models.ForeignKey(
        PartnerBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider (partner body)"),
    )
    provider_contact = models.ForeignKey(
        PartnerContact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact at the provider"),
    )
    provider_name = models.CharField(
        _("provider (other)"),
        max_length=150,
        blank=True,
        help_text=_("Only when the provider is not a partner body."),
    )
    shares_data = models.BooleanField(
        _("her data are sent to the provider"),
        default=True,
        help_text=_("Needs her consent for referral to this body, or a legal basis."),
    )
    requested_on = models.DateField(_("requested on"), default=timezone.localdate)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(
        _("status"), max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.REQUESTED, db_index=True
    )
    status_changed_on = models.DateField(_("status since"), default=timezone.localdate)
    goal = models.ForeignKey(
        "protection.PlanGoal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_referrals",
        verbose_name=_("plan goal it serves"),
    )
    outcome_note = EncryptedTextField(_("outcome"), blank=True, help_text=_("Stored encrypted."))
    # The token of the rendered request form: a second submission of the same form finds this row.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        verbose_name = _("service referral")
        verbose_name_plural = _("service referrals")
        ordering = ["-requested_on", "-id"]
        indexes = [
            models.Index(fields=["pathway", "requested_on"], name="service_pathway_requested"),
            models.Index(fields=["referral", "requested_on"], name="service_referral_requested"),
            models.Index(fields=["status", "requested_on"], name="service_status_requested"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pathway__isnull=False, referral__isnull=True)
                | models.Q(pathway__isnull=True, referral__isnull=False),
                name="service_one_anchor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.get_status_display()})"

    @property
    def provider_label(self) -> str:
        return self.provider.name if self.provider_id else self.provider_name

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return NEXT_STATUSES.get(self.status, ())

    def is_overdue(self, answer_days: int, today: datetime.date | None = None) -> bool:
        """Still waiting for an answer more than ``answer_days`` after the request."""
        today = today or timezone.localdate()
        return self.status == ServiceStatus.REQUESTED and self.requested_on < today - datetime.timedelta(
            days=answer_days
        )

    def clean(self):
        errors = {}
        if not self.provider_id and not self.provider_name.strip():
            errors["provider"] = _("Choose the provider, or write its name if it is not a partner body.")
        if self.shares_data and not self.provider_id:
            errors["provider"] = _(
                "Her data can be sent only to a partner body (consent and the register of sharing name it)."
            )
        if self.provider_contact_id and self.provider_contact.body_id != self.provider_id:
            errors["provider_contact"] = _("The contact must belong to the provider.")
        if self.requested_on and self.requested_on > timezone.localdate():
            errors["requested_on"] = _("The date cannot be in the future.")
        if self.goal_id and (self.pathway_id is None or self.goal.pathway_id != self.pathway_id):
            errors["goal"] = _("The goal must belong to the same pathway.")
        if errors:
            raise ValidationError(errors)


class ServiceStatusChange(models.Model):
    """One dated change of a service's status (the first row is the request itself)."""

    service = models.ForeignKey(ServiceReferral, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(_("status"), max_length=12, choices=ServiceStatus.choices)
    changed_on = models.DateField(_("date"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        verbose_name = _("change of a service's status")
        verbose_name_plural = _("changes of a service's status")
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.changed_on}: {self.status}"
