from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class PartnerBody(models.Model):
    """A body of the network: referring bodies, reception centres, institutions. Deactivated, never deleted."""

    class Kind(models.TextChoices):
        CAS = "cas", _("CAS (emergency reception centre)")
        SAI = "sai", _("SAI (reception and integration system)")
        PREFETTURA = "prefettura", _("Prefecture")
        QUESTURA = "questura", _("Police headquarters")
        COMMISSIONE = "commissione", _("Territorial asylum commission")
        TRIBUNALE = "tribunale", _("Court / public prosecutor's office")
        COMUNE = "comune", _("Municipality")
        PROVINCIA = "provincia", _("Province")
        HEALTH = "health", _("Health service")
        NGO = "ngo", _("NGO / trade union")
        NUMERO_VERDE = "numero_verde", _("National anti-trafficking helpline")
        ANTITRAFFICKING = "antitrafficking", _("Other anti-trafficking project")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    role = models.CharField(
        _("role in the network"), max_length=200, blank=True, help_text=_("e.g. territorial coordinator")
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    agreement_from = models.DateField(_("agreement (protocollo) from"), null=True, blank=True)
    agreement_to = models.DateField(_("agreement (protocollo) until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("partner body")
        verbose_name_plural = _("partner bodies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="partnerbody_name_unique_ci",
                violation_error_message=_("A partner body with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.agreement_from and self.agreement_to and self.agreement_to < self.agreement_from:
            raise ValidationError({"agreement_to": _("The agreement cannot end before it starts.")})


class PartnerContact(models.Model):
    body = models.ForeignKey(PartnerBody, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("body"))
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name
