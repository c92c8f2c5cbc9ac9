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
