"""Case documents: copies of identity documents and permits, letters, certificates, signed consents.

A document hangs on a person, a referral, an interview or a pathway, and is visible exactly when that record is
(``ceis.access``). It always names its person too (for restriction, erasure and the access export) and, when it
hangs on an interview, that interview's referral (for access). The file is kept in the database as a Fernet
token (``content``), the description encrypted as well; both are emptied by erasure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ceis.crypto import EncryptedBlobField, EncryptedTextField


class Document(models.Model):
    ENCRYPTED_FIELDS = ("description", "content")

    class Kind(models.TextChoices):
        IDENTITY = "identity", _("identity document")
        PERMIT = "permit", _("residence permit")
        COMMISSIONE = "commissione", _("Commissione letter")
        MEDICAL = "medical", _("medical")
        CONSENT = "consent", _("signed consent")
        OTHER = "other", _("other")

    class FileType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"

    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, related_name="case_documents", verbose_name=_("person")
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_documents",
        verbose_name=_("referral"),
    )
    interview = models.ForeignKey(
        "interviews.Interview",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_documents",
        verbose_name=_("interview"),
    )
    pathway = models.ForeignKey(
        "protection.ProtectionPathway",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_documents",
        verbose_name=_("pathway"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date of the document"))
    description = EncryptedTextField(_("description"), blank=True)
    file_type = models.CharField(_("file type"), max_length=40, choices=FileType.choices, editable=False)
    size = models.PositiveIntegerField(_("size"), editable=False)
    content = EncryptedBlobField(editable=False)  # the file as a Fernet token; empty once erased
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    # The rendered form's token: a second submission of the same form finds this row instead of adding one.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="document_hangs_on_one_record",
                condition=Q(pathway__isnull=True) | (Q(referral__isnull=True) & Q(interview__isnull=True)),
            ),
            models.CheckConstraint(
                name="document_interview_names_its_referral",
                condition=Q(interview__isnull=True) | Q(referral__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.date}"

    @property
    def erased(self) -> bool:
        return not self.content

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(self.file_type, "bin")
