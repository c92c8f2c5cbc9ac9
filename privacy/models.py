"""GDPR data-subject rights: restriction (art. 18), legal hold and erasure (art. 17), retention rules.

A ``Restriction`` hides a person and every record of hers from operators (``ceis.access``) while
keeping them; a ``LegalHold`` forbids erasure and retention. Both are one row per person: lifting
deletes the row, and the audit log keeps the history (ids only, never the reason).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from referrals.models import Person


class _PersonFlag(models.Model):
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    reason = models.TextField(_("reason"))
    since = models.DateTimeField(_("since"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.model_name} #{self.pk}"


class Restriction(_PersonFlag):
    """Restriction of processing (GDPR art. 18): operators no longer see the person or her records."""

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")


class LegalHold(_PersonFlag):
    """The records must be kept (e.g. criminal proceedings): no erasure, no retention action."""

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")


class Erasure(models.Model):
    """The person was anonymised (GDPR art. 17), by hand or by a retention rule."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    at = models.DateTimeField(_("erased at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    rule = models.ForeignKey(
        "RetentionRule", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("rule")
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"erasure #{self.pk}"


class RetentionRule(models.Model):
    """How long a kind of record is kept, counted from a trigger date, and what then happens to it."""

    class Kind(models.TextChoices):
        REFERRAL_NOT_IDENTIFIED = "referral_not_identified", _("referral closed without identification")
        INTERVIEW = "interview", _("interview of a closed referral")
        GROUP_SESSION = "group_session", _("group session notes")
        PATHWAY_CLOSED = "pathway_closed", _("closed protection pathway")
        NOTIFICATION = "notification", _("notification")
        PERSON_INACTIVE = "person_inactive", _("person with no open case")

    class Trigger(models.TextChoices):
        CLOSED = "closed", _("closing date")
        CREATED = "created", _("creation date")
        HELD = "held", _("date held")
        LAST_ACTIVITY = "last_activity", _("last activity")

    class Action(models.TextChoices):
        ANONYMISE = "anonymise", _("anonymise")
        DELETE = "delete", _("delete")

    kind = models.CharField(_("record kind"), max_length=30, choices=Kind.choices, unique=True)
    trigger = models.CharField(_("counted from"), max_length=20, choices=Trigger.choices)
    months = models.PositiveSmallIntegerField(_("period (months)"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(self.Kind(self.kind).label)


class RetentionRun(models.Model):
    """One nightly dry run: the list of records that the rules would act on, kept for review."""

    created_at = models.DateTimeField(_("listed at"), auto_now_add=True, db_index=True)
    due_on = models.DateField(_("acted on from"))

    class Meta:
        verbose_name = _("retention review list")
        verbose_name_plural = _("retention review lists")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class RetentionCandidate(models.Model):
    """A record a rule would act on: ids only, never content."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the review period")
        EXCLUDED = "excluded", _("excluded by a coordinator")
        DONE = "done", _("done")
        SKIPPED = "skipped", _("skipped (no longer due, or on legal hold)")

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="candidates")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="candidates")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("retention candidate")
        verbose_name_plural = _("retention candidates")
        ordering = ["rule", "object_id"]
        indexes = [
            models.Index(fields=["rule", "content_type", "object_id"], name="retention_candidate_record"),
            models.Index(fields=["state", "run"], name="retention_candidate_state"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"
