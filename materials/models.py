"""The materials library: videos, slides and leaflets used in the activities, and its reference lists.

Languages and topics are reference data of the whole service (sessions, attendance and materials point at
them); materials are reference data too, not case records: model permissions decide who reads and changes
them. The tables keep the names they had when this library lived in ``groups`` (``groups_material``, ...):
the move changed the code, not the rows (``materials/migrations/0001_move_from_groups.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Language(models.Model):
    """Reference list of languages met in the service (ISO 639 codes), maintained by admins."""

    code = models.CharField(_("code"), max_length=12, unique=True, help_text=_("ISO 639 code, e.g. en, fr, ti"))
    name_it = models.CharField(_("name (Italian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "groups_language"
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
        db_table = "groups_topic"
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
        db_table = "groups_material"
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
