"""The service's own settings, one row in the database: letterhead, contact lines and the switches features need.

Kept in the database (not the environment) because the service changes them itself, from the product, and every
change is audited. Read them through ``ceis.service.selectors.service_settings()``.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The service's activation line, as the service publishes it (DESIGN.md, README).
DEFAULT_ACTIVATION_LINE = "335 6975107"


class ServiceSettings(models.Model):
    """A single row (pk 1). Fields are added by the features that need them, each with a safe default."""

    SINGLETON_PK = 1

    # Letterhead of documents sent out (reports, exports).
    letterhead_name = models.CharField(
        _("name of the service"), max_length=200, default='CeIS Gruppo "Giovani e Comunità"', blank=True
    )
    letterhead_unit = models.CharField(_("unit or project"), max_length=200, blank=True)
    letterhead_address = models.CharField(_("address"), max_length=250, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    activation_line = models.CharField(_("activation line"), max_length=50, default=DEFAULT_ACTIVATION_LINE)
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("PEC (certified e-mail)"), blank=True)
    # The logo as checked image bytes (PNG or JPEG re-encoded by ceis.uploads), kept with the row: no media file.
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(
        _("logo type"),
        max_length=20,
        blank=True,
        choices=[("image/png", "PNG"), ("image/jpeg", "JPEG")],
        editable=False,
    )

    # Switches of other features.
    catalogue_substitution = models.BooleanField(
        _("use the labour list when the list an interview needs is not loaded"),
        default=True,
        help_text=_("Every profile and report assessed this way says so."),
    )
    closure_approval = models.BooleanField(
        _("closures by operators need a coordinator's approval"),
        default=True,
    )
    service_answer_days = models.PositiveSmallIntegerField(
        _("days before a service referral without an answer is overdue"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service settings")
        verbose_name_plural = _("service settings")

    def __str__(self) -> str:
        return str(_("Service settings"))

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @property
    def logo_data_uri(self) -> str:
        """The logo inline, for documents rendered on the server (nothing fetched from outside)."""
        if not self.logo or not self.logo_type:
            return ""
        import base64

        return f"data:{self.logo_type};base64,{base64.b64encode(bytes(self.logo)).decode()}"


class ProtocolCounter(models.Model):
    """The service's outgoing protocol register: the last number given in each year.

    A number is taken under a row lock in the same transaction that stores what was sent
    (``ceis.service.services.protocol_take``): a rolled-back send gives its number back, so the sequence has no gaps.
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("protocol counter")
        verbose_name_plural = _("protocol counters")

    def __str__(self) -> str:
        return f"{self.last}/{self.year}"
