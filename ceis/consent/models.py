"""Consent of the person (GDPR art. 6, 7 and 9), the legal bases that stand in for it, and what was shared.

Every row here is a piece of evidence, so the tables are append-only: a row is written once and never
changed or deleted through the ORM (``save`` of a stored row, ``delete``, ``QuerySet.update`` and
``QuerySet.delete`` all raise :class:`AppendOnlyError`). Withdrawing a consent adds a
:class:`ConsentWithdrawal` beside it; the consent itself stays as it was given.

These records hang below a person: they are visible exactly when she is (``ceis.access``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.crypto import EncryptedCharField, EncryptedTextField
from ceis.partners.models import PartnerBody


class AppendOnlyError(ValueError):
    """A consent record, withdrawal, legal basis or disclosure cannot be changed or deleted."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only.")


class AppendOnly(models.Model):
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")


class Purpose(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("case management")
    REFERRAL = "referral", _("referral to another body")
    POLICE_JUDICIAL = "police_judicial", _("sharing with police or judicial authority")
    STATISTICS = "statistics", _("statistics")


# Purposes whose consent names (or may name) a recipient body.
PURPOSES_WITH_RECIPIENT = (Purpose.REFERRAL, Purpose.POLICE_JUDICIAL)


class InformationNotice(models.Model):
    """A version of the information notice (informativa) in one language: reference data, never deleted."""

    version = models.CharField(_("version"), max_length=20)
    language = models.CharField(_("language"), max_length=50)
    published_on = models.DateField(_("published on"), default=timezone.localdate)
    active = models.BooleanField(_("active"), default=True, db_index=True)

    class Meta:
        verbose_name = _("information notice")
        verbose_name_plural = _("information notices")
        ordering = ["-published_on", "version", "language"]
        constraints = [models.UniqueConstraint(fields=["version", "language"], name="notice_version_language")]

    def __str__(self) -> str:
        return f"{self.version} · {self.language}"


class Consent(AppendOnly):
    """Consent given by the person for one purpose (and, where it applies, one recipient or any)."""

    TEXT_FIELDS = ("recipient_note", "language", "interpreter")

    Purpose = Purpose

    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, related_name="consents", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    recipient = models.ForeignKey(
        PartnerBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
        help_text=_("Leave empty when the consent covers any recipient for this purpose."),
    )
    recipient_note = EncryptedCharField(
        _("recipient (details)"),
        max_length=200,
        blank=True,
        help_text=_("Office or person the data may go to, if narrower than the body. Stored encrypted."),
    )
    notice = models.ForeignKey(
        InformationNotice, on_delete=models.PROTECT, related_name="+", verbose_name=_("information notice")
    )
    language = models.CharField(_("language in which it was given"), max_length=100)
    interpreter = EncryptedCharField(
        _("interpreter or cultural mediator"),
        max_length=200,
        blank=True,
        help_text=_("Name or body, if one took part. Stored encrypted."),
    )
    given_on = models.DateField(_("given on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["person", "purpose", "given_on"], name="consent_person_purpose")]

    def __str__(self) -> str:
        return f"{self.purpose} · {self.given_on:%Y-%m-%d}"

    @property
    def any_recipient(self) -> bool:
        return self.recipient_id is None


class ConsentWithdrawal(AppendOnly):
    """The person withdrew a consent. The consent row stays as it was; this row says it no longer holds."""

    consent = models.OneToOneField(
        Consent, on_delete=models.PROTECT, related_name="withdrawal", verbose_name=_("consent")
    )
    withdrawn_on = models.DateField(_("withdrawn on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("withdrawal of consent")
        verbose_name_plural = _("withdrawals of consent")

    def __str__(self) -> str:
        return f"{self.consent_id} · {self.withdrawn_on:%Y-%m-%d}"


class LegalBasis(AppendOnly):
    """A basis of GDPR art. 9(2) that allows sharing for a purpose without the person's consent."""

    TEXT_FIELDS = ("explanation",)

    class Basis(models.TextChoices):
        VITAL_INTERESTS = "vital_interests", _("vital interests of the person, who cannot consent (art. 9(2)(c))")
        LEGAL_CLAIMS = "legal_claims", _("legal claims or a judicial authority (art. 9(2)(f))")
        LEGAL_OBLIGATION = "legal_obligation", _("obligation by law, substantial public interest (art. 9(2)(g))")

    Purpose = Purpose

    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, related_name="legal_bases", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    basis = models.CharField(_("legal basis"), max_length=20, choices=Basis.choices)
    recipient = models.ForeignKey(
        PartnerBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
        help_text=_("Leave empty when the basis covers any recipient for this purpose."),
    )
    explanation = EncryptedTextField(
        _("explanation"), help_text=_("Why the basis applies (the law, the order, the danger). Stored encrypted.")
    )
    decided_on = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        verbose_name = _("legal basis without consent")
        verbose_name_plural = _("legal bases without consent")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["person", "purpose", "decided_on"], name="legalbasis_person_purpose")]

    def __str__(self) -> str:
        return f"{self.purpose} · {self.basis} · {self.decided_on:%Y-%m-%d}"


class Disclosure(AppendOnly):
    """A person's data went to another body, and on which consent or legal basis (the register of sharing)."""

    class Action(models.TextChoices):
        REFERRAL_CLOSED = "referral_closed", _("referral closed, person referred to another body")
        PATHWAY_CLOSED = "pathway_closed", _("pathway closed by transfer to another body")
        REPORT_SENT = "report_sent", _("report sent")
        SERVICE_REQUESTED = "service_requested", _("service requested from a provider")

    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    recipient = models.ForeignKey(PartnerBody, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures", verbose_name=_("consent")
    )
    legal_basis = models.ForeignKey(
        LegalBasis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosures",
        verbose_name=_("legal basis"),
    )
    shared_on = models.DateField(_("shared on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-shared_on", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="disclosure_target")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent__isnull=False, legal_basis__isnull=True)
                | models.Q(consent__isnull=True, legal_basis__isnull=False),
                name="disclosure_one_basis",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} · {self.shared_on:%Y-%m-%d}"
