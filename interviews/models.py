"""Individual identification interviews (colloqui individuali) and the ILO/EU indicator catalogue.

Interviews and reports hang below a ``Referral`` and carry no permissions of their own: they are
visible exactly when their referral is (``ceis.access``). Narrative fields are encrypted at rest.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ceis.crypto import EncryptedBlobField, EncryptedTextField
from ceis.partners.models import PartnerBody
from referrals.models import ExploitationForm, Referral


class CatalogueVersion(models.Model):
    """One version of one indicator list (audience × exploitation): the service's data, with its source.

    A list is loaded as a draft, published ("in use": one per list at a time) and later retired by the next
    version. Indicators of a version in use or retired are never edited in place: a correction is a new draft.
    Interviews record the versions they used (``InterviewList``), so a held interview never changes.
    """

    class Kind(models.TextChoices):
        ILO = "ilo", _("ILO/EU six dimensions")
        CHECKLIST = "checklist", _("checklist")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_USE = "in_use", _("in use")
        RETIRED = "retired", _("retired")

    # An ILO/EU list is one audience × exploitation; a checklist has neither and is named by ``code`` instead.
    audience = models.CharField(
        _("for"), max_length=10, blank=True, choices=[("adult", _("adults")), ("child", _("children"))]
    )
    exploitation = models.CharField(
        _("exploitation"),
        max_length=10,
        blank=True,
        choices=[("labour", _("labour exploitation")), ("sexual", _("sexual exploitation"))],
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ILO)
    code = models.SlugField(
        _("checklist code"),
        max_length=40,
        blank=True,
        help_text=_("Checklists only: a short code naming the list across its versions, e.g. ct-guidelines."),
    )
    name = models.CharField(_("name"), max_length=200)
    label = models.CharField(_("version label"), max_length=200)
    source_title = models.CharField(_("source: title"), max_length=300)
    source_publisher = models.CharField(_("source: publisher"), max_length=200, blank=True)
    source_year = models.PositiveSmallIntegerField(
        _("source: year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    source_pages = models.CharField(_("source: pages"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Indicators per dimension as the source itself states them ({} when the source gives no count).
    expected_counts = models.JSONField(_("counts stated by the source"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    loaded_at = models.DateTimeField(_("loaded on"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified against the source on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        ordering = ["audience", "exploitation", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "exploitation"],
                condition=models.Q(status="in_use", kind="ilo"),
                name="catalogue_one_in_use",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(status="in_use", kind="checklist"), name="checklist_one_in_use"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.label}"

    def clean(self):
        errors = {}
        if self.kind == self.Kind.ILO:
            if not self.audience:
                errors["audience"] = _("An ILO/EU list is for adults or for children.")
            if not self.exploitation:
                errors["exploitation"] = _("An ILO/EU list is for one form of exploitation.")
            if self.code:
                errors["code"] = _("Only checklists have a code.")
        else:
            if not self.code:
                errors["code"] = _("Give the checklist a code.")
            if self.audience or self.exploitation:
                errors["audience"] = _("A checklist is not tied to an audience or a form of exploitation.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_checklist(self) -> bool:
        return self.kind == self.Kind.CHECKLIST

    @property
    def list_key(self) -> str:
        """The list this version belongs to, as written in the files' ``list`` column."""
        return self.code if self.is_checklist else f"{self.audience}-{self.exploitation}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def source(self) -> str:
        """The citation, for people to read."""
        parts = [self.source_title, self.source_publisher, str(self.source_year or ""), self.source_pages]
        return ", ".join(p for p in parts if p)


class Indicator(models.Model):
    """One indicator of one catalogue version: data the service loads, never edited once published."""

    class Audience(models.TextChoices):
        ADULT = "adult", _("adults")
        CHILD = "child", _("children")

    class Exploitation(models.TextChoices):
        LABOUR = "labour", _("labour exploitation")
        SEXUAL = "sexual", _("sexual exploitation")

    class Dimension(models.TextChoices):
        DECEPTIVE_RECRUITMENT = "deceptive_recruitment", _("deceptive recruitment")
        COERCIVE_RECRUITMENT = "coercive_recruitment", _("coercive recruitment")
        ABUSIVE_RECRUITMENT = "abusive_recruitment", _("recruitment by abuse of vulnerability")
        EXPLOITATION = "exploitation", _("exploitative conditions")
        COERCION_AT_DESTINATION = "coercion_at_destination", _("coercion at destination")
        ABUSE_AT_DESTINATION = "abuse_at_destination", _("abuse of vulnerability at destination")

    class Strength(models.TextChoices):
        STRONG = "strong", _("strong")
        MEDIUM = "medium", _("medium")
        WEAK = "weak", _("weak")

    version = models.ForeignKey(
        CatalogueVersion, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("catalogue version")
    )
    code = models.SlugField(_("code"), max_length=40)
    # ILO/EU lists: audience, exploitation, dimension and strength; checklists: a section, none of those.
    audience = models.CharField(_("for"), max_length=10, choices=Audience.choices, blank=True)
    exploitation = models.CharField(_("exploitation"), max_length=10, choices=Exploitation.choices, blank=True)
    dimension = models.CharField(_("dimension"), max_length=30, choices=Dimension.choices, blank=True)
    strength = models.CharField(_("strength"), max_length=10, choices=Strength.choices, blank=True)
    section = models.CharField(_("section"), max_length=200, blank=True)
    text_en = models.CharField(_("text (English)"), max_length=300)
    text_it = models.CharField(_("text (Italian)"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # Verification: ticked when this row was checked against the source (not part of the indicator's content).
    checked = models.BooleanField(_("checked against the source"), default=False)

    class Meta:
        verbose_name = _("trafficking indicator")
        verbose_name_plural = _("trafficking indicators")
        ordering = ["audience", "exploitation", "position"]
        indexes = [
            models.Index(fields=["audience", "exploitation", "active", "position"], name="indicator_list"),
            models.Index(fields=["version", "position"], name="indicator_version_position"),
        ]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="indicator_code_per_version")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return self.text_it if (translation.get_language() or "it").startswith("it") else self.text_en


class Mediator(models.Model):
    """A cultural mediator or interpreter the service works with: reference data kept by admins, chosen in
    interviews. Deactivated, never deleted, once an interview names her."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")

    name = models.CharField(_("name"), max_length=150)
    languages = models.CharField(_("languages"), max_length=200, help_text=_("Separated by commas."))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    body = models.ForeignKey(
        PartnerBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner body")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("cultural mediator")
        verbose_name_plural = _("cultural mediators")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.languages})"


class Interview(models.Model):
    ENCRYPTED_FIELDS = ("personal_history", "safety_notes", "assessment", "next_steps")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        DRAFT = "draft", _("draft")
        COMPLETED = "completed", _("completed")

    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        OTHER = "other", _("other / not stated")

    class Risk(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("referral")
    )
    number = models.PositiveSmallIntegerField(_("interview no."), editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    held_at = models.DateTimeField(_("held on"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    operators_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("operators present")
    )
    mediator = models.ForeignKey(
        Mediator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interviews",
        verbose_name=_("cultural mediator (from the list)"),
    )
    mediator_name = models.CharField(_("cultural mediator or interpreter"), max_length=150, blank=True)
    mediator_body = models.ForeignKey(
        PartnerBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mediator's body"),
    )
    mediator_language = models.CharField(_("mediator's language"), max_length=100, blank=True)
    mediator_sex = models.CharField(_("mediator's sex"), max_length=10, choices=Sex.choices, blank=True)
    language = models.CharField(_("language of the interview"), max_length=100, blank=True)
    interviewer_same_sex = models.BooleanField(_("interviewer of the same sex as the person"), null=True, blank=True)
    interpreter_same_sex = models.BooleanField(_("interpreter of the same sex as the person"), null=True, blank=True)
    same_sex_override_reason = models.CharField(
        _("why the same-sex answer differs from the one computed"), max_length=300, blank=True
    )
    personal_history = EncryptedTextField(_("personal history"), blank=True)
    exploitation_forms = models.ManyToManyField(
        ExploitationForm, blank=True, related_name="interviews", verbose_name=_("forms of exploitation emerging")
    )
    safety_risk = models.CharField(_("safety risk"), max_length=10, choices=Risk.choices, blank=True)
    safety_notes = EncryptedTextField(_("what makes it so"), blank=True)
    assessment = EncryptedTextField(_("operator's assessment"), blank=True)
    proposed_outcome = models.CharField(
        _("proposed outcome"), max_length=30, choices=Referral.Outcome.choices, blank=True
    )
    next_steps = EncryptedTextField(_("next steps"), blank=True)
    next_appointment = models.DateTimeField(_("next appointment"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["referral", "number"]
        constraints = [models.UniqueConstraint(fields=["referral", "number"], name="interview_number_unique")]
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="interview_status_scheduled"),
            models.Index(fields=["scheduled_at"], name="interview_scheduled"),
            # interviews held in a month (caseload dashboard, statistics)
            models.Index(fields=["held_at"], name="interview_held"),
            # the held interviews of one referral (caseload dashboard: what is overdue), from the index alone
            models.Index(fields=["referral", "held_at"], include=["status"], name="interview_referral_held"),
            # interviews completed in a period (statistics): a range of the index
            models.Index(fields=["status", "held_at"], name="interview_status_held"),
            # caseload dashboard: the month's held interviews with their referral, read from the index alone and
            # hashed against a page of operators' assignment rows (bench/README.md)
            models.Index(fields=["held_at"], include=["referral", "status"], name="interview_held_covering"),
            # the list of interviews, in its order (read backwards): a coordinator's first page is its first rows
            models.Index(fields=["held_at", "scheduled_at", "id"], name="interview_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.referral.person.case_code} #{self.number}"

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

    @property
    def sex_mismatch(self) -> bool:
        """The asylum guidelines ask for interviewer and interpreter of the person's sex: warn when not."""
        return self.interviewer_same_sex is False or (bool(self.mediator_name) and self.interpreter_same_sex is False)

    def clean(self):
        errors = {}
        received = self.referral.received_at if self.referral_id else None
        if self.held_at and received and self.held_at < received - datetime.timedelta(minutes=1):
            errors["held_at"] = _("The interview cannot be held before the referral was received.")
        if self.held_at and self.held_at > timezone.now() + datetime.timedelta(minutes=5):
            errors["held_at"] = _("An interview cannot be held in the future: schedule it instead.")
        if self.scheduled_at and received and self.scheduled_at < received - datetime.timedelta(minutes=1):
            errors["scheduled_at"] = _("The interview cannot be scheduled before the referral was received.")
        if self.mediator_name and not self.mediator_language:
            errors["mediator_language"] = _("Give the language of the mediator or interpreter.")
        if self.status == self.Status.SCHEDULED and not self.scheduled_at:
            errors["scheduled_at"] = _("Give the date and time of the interview.")
        if self.status in (self.Status.DRAFT, self.Status.COMPLETED) and not self.held_at:
            errors["held_at"] = _("Give the date and time the interview was held.")
        if self.status == self.Status.COMPLETED and not self.duration_minutes:
            errors["duration_minutes"] = _("Give the duration to complete the interview.")
        if self.next_appointment and self.held_at and self.next_appointment < self.held_at:
            errors["next_appointment"] = _("The next appointment must come after the interview.")
        if errors:
            raise ValidationError(errors)


class IndicatorAnswer(models.Model):
    class Answer(models.TextChoices):
        OBSERVED = "observed", _("observed")
        REPORTED = "reported", _("reported")
        NOT_PRESENT = "not_present", _("not present")
        NOT_ASKED = "not_asked", _("not asked")

    PRESENT = (Answer.OBSERVED, Answer.REPORTED)

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=12, choices=Answer.choices, default=Answer.NOT_ASKED)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("indicator answer")
        verbose_name_plural = _("indicator answers")
        constraints = [models.UniqueConstraint(fields=["interview", "indicator"], name="indicator_answer_unique")]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.answer}"

    @property
    def is_present(self) -> bool:
        return self.answer in self.PRESENT


class InterviewList(models.Model):
    """The catalogue version an interview used for one list it needed.

    ``needed`` is the exploitation whose list the interview called for; when it differs from the version's own
    list, the version was used as a substitute (the needed list was not loaded) and everything says so. A
    checklist the interview answered is recorded with ``needed`` empty, once per version.
    """

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="lists")
    version = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="+")
    needed = models.CharField(_("list needed"), max_length=10, choices=Indicator.Exploitation.choices, blank=True)

    class Meta:
        verbose_name = _("list used in an interview")
        verbose_name_plural = _("lists used in interviews")
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "needed"], condition=~models.Q(needed=""), name="interview_list_needed_unique"
            ),
            models.UniqueConstraint(
                fields=["interview", "version"], condition=models.Q(needed=""), name="interview_checklist_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interview_id}: {self.needed} → {self.version_id}"

    @property
    def substitute(self) -> bool:
        return bool(self.needed) and self.needed != self.version.exploitation


class Report(models.Model):
    """The opinion sent back to the referring body (e.g. the Commissione Territoriale).

    Only what the operator chose to include is printed; the date it was sent is recorded.
    """

    ENCRYPTED_FIELDS = ("opinion",)

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="reports", verbose_name=_("referral"))
    recipient = models.ForeignKey(PartnerBody, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent to"))
    opinion = EncryptedTextField(_("opinion"), blank=True)
    include_identity = models.BooleanField(_("include the person's name and date of birth"), default=False)
    include_outcome = models.BooleanField(_("include the outcome of identification"), default=True)
    include_forms = models.BooleanField(_("include the forms of exploitation"), default=False)
    include_interviews = models.BooleanField(_("include the dates of the interviews"), default=True)
    include_profile = models.BooleanField(_("include the indicator profile"), default=False)
    include_opinion = models.BooleanField(_("include the opinion"), default=True)
    sent_at = models.DateField(_("sent on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        verbose_name = _("report to the referring body")
        verbose_name_plural = _("reports to the referring body")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.referral.person.case_code} → {self.recipient}"


class SentReport(models.Model):
    """A report as it was sent: the exact PDF (encrypted), its SHA-256 and its protocol number.

    Never changed once written: recording the report as sent again (after an edit, or to correct the date)
    writes a new version with a new protocol number.
    """

    ENCRYPTED_FIELDS = ("pdf",)

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="sent_versions", verbose_name=_("report"))
    version = models.PositiveSmallIntegerField(_("version"))
    recipient = models.ForeignKey(PartnerBody, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent to"))
    sent_at = models.DateField(_("sent on"))
    protocol_year = models.PositiveSmallIntegerField(_("protocol year"))
    protocol_number = models.PositiveIntegerField(_("protocol number"))
    pdf = EncryptedBlobField(editable=False)  # the PDF as a Fernet token; empty once erased
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("report as sent")
        verbose_name_plural = _("reports as sent")
        ordering = ["report", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["protocol_year", "protocol_number"], name="protocol_number_unique"),
            models.UniqueConstraint(fields=["report", "version"], name="sent_report_version_unique"),
        ]

    def __str__(self) -> str:
        return self.protocol

    @property
    def protocol(self) -> str:
        return f"{self.protocol_number}/{self.protocol_year}"
