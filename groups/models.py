"""Group information sessions (lavoro di gruppo) in reception centres, and the materials library.

A ``GroupSession`` is a protected root (direct-FK guardian tables below): visible to its
facilitating operators and to coordinators, through ``ceis.access`` only. Attendance is recorded
as aggregates (nationality × gender × language × number of people): never a name.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ceis.partners.models import PartnerBody
from referrals.models import Person, Referral


class Language(models.Model):
    """Reference list of languages met in the service (ISO 639 codes), maintained by admins."""

    code = models.CharField(_("code"), max_length=12, unique=True, help_text=_("ISO 639 code, e.g. en, fr, ti"))
    name_it = models.CharField(_("name (Italian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name_it"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_it if (translation.get_language() or "it").startswith("it") else self.name_en


class Topic(models.Model):
    """Reference list of session and material topics (codes seeded by a data migration)."""

    class Code(models.TextChoices):
        EXPLOITATION = "exploitation", _("forms of exploitation")
        LAW = "law", _("the law and rights")
        HELP = "help", _("the help system and how to reach it")
        HEALTH = "health", _("health")
        OTHER = "other", _("other")

    code = models.CharField(max_length=20, choices=Code.choices, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position"]

    def __str__(self) -> str:
        return str(self.Code(self.code).label)


def material_upload_to(instance, filename: str) -> str:
    """A random name, whatever the uploader called the file (names can carry personal data)."""
    import uuid

    return f"materials/{uuid.uuid4().hex}"


class Material(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("video")
        SLIDES = "slides", _("slides")
        LEAFLET = "leaflet", _("leaflet")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    languages = models.ManyToManyField(Language, related_name="materials", verbose_name=_("languages"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="materials", verbose_name=_("topics"))
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to=material_upload_to, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True, editable=False)
    url = models.URLField(_("link"), blank=True, help_text=_("A video or page online, instead of a file."))
    active = models.BooleanField(_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        verbose_name = _("information material")
        verbose_name_plural = _("information materials")
        ordering = ["title"]
        indexes = [models.Index(fields=["active", "kind", "title"], name="material_active_kind")]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(file="") & models.Q(url="")) | (models.Q(file="") & ~models.Q(url="")),
                name="material_file_or_link",
                violation_error_message=_("Give either a file or a link, not both."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class GroupSession(models.Model):
    held_at = models.DateTimeField(_("date and time"), db_index=True)
    host_centre = models.ForeignKey(
        PartnerBody, on_delete=models.PROTECT, related_name="group_sessions", verbose_name=_("host centre")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    mediators = models.CharField(_("cultural mediators"), max_length=300, blank=True)
    languages = models.ManyToManyField(
        Language, blank=True, related_name="group_sessions", verbose_name=_("languages used")
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="group_sessions", verbose_name=_("topics covered"))
    materials = models.ManyToManyField(
        Material, blank=True, related_name="group_sessions", verbose_name=_("materials used")
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("No names of participants."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        verbose_name = _("group information session")
        verbose_name_plural = _("group information sessions")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["host_centre", "-held_at"], name="groupsession_centre_held")]

    def __str__(self) -> str:
        return f"{self.host_centre} · {self.held_at:%d/%m/%Y}"


class AttendanceRow(models.Model):
    """How many people of one nationality, gender (and main language) attended: an aggregate, never names."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    nationality = CountryField(_("nationality"))
    gender = models.CharField(_("gender"), max_length=20, choices=Person.Gender.choices)
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("language")
    )
    count = models.PositiveSmallIntegerField(
        _("number of people"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )

    class Meta:
        verbose_name = _("attendance row")
        verbose_name_plural = _("attendance rows")
        ordering = ["nationality", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "nationality", "gender", "language"], name="attendance_row_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nationality} {self.gender}: {self.count}"


class SessionReferral(models.Model):
    """A participant's request for an individual interview that became a referral."""

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="follow_ups")
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="group_session_link")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up referral")
        verbose_name_plural = _("follow-up referrals")

    def __str__(self) -> str:
        return f"{self.session_id} → {self.referral_id}"


class GroupSessionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="user_permissions")

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "permission"], name="groupsession_uop_object_perm")]


class GroupSessionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="group_permissions")

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "permission"], name="groupsession_gop_object_perm")]
