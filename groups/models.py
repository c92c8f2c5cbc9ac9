"""Group information sessions (lavoro di gruppo) in reception centres.

A ``GroupSession`` is a protected root (direct-FK guardian tables below): visible to its
facilitating operators and to coordinators, through ``ceis.access`` only. Attendance is recorded
as aggregates (nationality × gender × language × number of people): never a name.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ceis.partners.models import PartnerBody
from materials.models import (
    Language,
    Material,
    Topic,
    material_upload_to,  # noqa: F401  (named by groups/migrations/0001_initial)
)
from referrals.models import Person, Referral


class GroupSession(models.Model):
    """A session is planned (date, host centre, invited languages, facilitators), then held or cancelled.

    Attendance, follow-ups and every count of sessions or people reached are for held sessions only; a
    session dated in the future cannot be held.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    held_at = models.DateTimeField(_("date and time"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
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
        indexes = [
            models.Index(fields=["host_centre", "-held_at"], name="groupsession_centre_held"),
            # Counts of sessions held in a period, and the planned ones of the agenda and the reminders.
            models.Index(fields=["status", "held_at"], name="groupsession_status_when"),
        ]

    def __str__(self) -> str:
        return f"{self.host_centre} · {self.held_at:%d/%m/%Y}"

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


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
