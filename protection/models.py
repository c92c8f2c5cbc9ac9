"""The social-protection, reintegration and autonomy programme (programma di protezione sociale).

``ProtectionPathway`` is a protected root (direct-FK guardian tables below): visible to its assigned
operators and to coordinators, through ``ceis.access`` only. Everything beneath it (plan goals,
accommodation, literacy, training, job placement, residence permits, the diary) carries no
permission of its own. The secret address of a safe house and the diary are encrypted at rest.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ceis.crypto import EncryptedTextField
from ceis.partners.models import PartnerBody
from referrals.models import Person, Referral


class _Child(models.Model):
    """Common columns of the records beneath a pathway."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        abstract = True


def _dates_in_order(start, end, *, field: str = "end", message=None) -> dict:
    if start and end and end < start:
        return {field: message or _("The end cannot come before the start.")}
    return {}


class ProtectionPathway(models.Model):
    class LegalBasis(models.TextChoices):
        ART18_SOCIAL = "art18_social", _("art. 18, social route")
        ART18_JUDICIAL = "art18_judicial", _("art. 18, judicial route")
        ART18_TER = "art18ter", _("art. 18-ter")
        PROGRAMMA_UNICO = "programma_unico", _("Programma Unico, first assistance")
        OTHER = "other", _("other")

    class Phase(models.TextChoices):
        EMERGENCY = "emergency", _("emergency")
        FIRST_ASSISTANCE = "first_assistance", _("first assistance")
        SECOND_STAGE = "second_stage", _("second stage")
        SEMI_AUTONOMY = "semi_autonomy", _("semi-autonomy")
        AUTONOMY = "autonomy", _("autonomy")

    class Origin(models.TextChoices):
        REFERRAL = "referral", _("identified by the service")
        TRANSFER = "transfer", _("transferred from another project")

    class ClosureReason(models.TextChoices):
        AUTONOMY = "autonomy", _("autonomy reached")
        TRANSFERRED = "transferred", _("transferred")
        RETURN = "return", _("assisted voluntary return")
        INTERRUPTED = "interrupted", _("programme interrupted")
        LEFT = "left", _("left voluntarily")
        OTHER = "other", _("other")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("person"))
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.REFERRAL)
    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathways",
        verbose_name=_("origin referral"),
    )
    transferred_from = models.ForeignKey(
        PartnerBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transferred from"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices, db_index=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.EMERGENCY, db_index=True)
    started_on = models.DateField(_("start"), default=timezone.localdate)
    ended_on = models.DateField(_("end"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        verbose_name = _("protection pathway")
        verbose_name_plural = _("protection pathways")
        ordering = ["-started_on", "-id"]
        indexes = [
            # The lists' default order: a page is read from the index, not sorted out of every pathway.
            models.Index(fields=["-started_on", "-id"], name="pathway_started"),
            models.Index(fields=["phase", "-started_on"], name="pathway_phase_started"),
            models.Index(fields=["legal_basis", "-started_on"], name="pathway_basis_started"),
            models.Index(fields=["ended_on", "-started_on"], name="pathway_open_started"),
            # caseload dashboard: open pathways of a page of operators, read from the index alone
            models.Index(
                fields=["id"],
                include=["phase", "person"],
                condition=models.Q(ended_on__isnull=True),
                name="pathway_open_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.case_code} · {self.get_legal_basis_display()}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def clean(self):
        errors = _dates_in_order(self.started_on, self.ended_on, field="ended_on")
        if self.ended_on and not self.closure_reason:
            errors["closure_reason"] = _("Give the reason the pathway closed.")
        if self.origin == self.Origin.TRANSFER and not self.transferred_from_id:
            errors["transferred_from"] = _("Give the project the person was transferred from.")
        if errors:
            raise ValidationError(errors)


class PhaseChange(_Child):
    pathway = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="phase_changes")
    phase = models.CharField(_("phase"), max_length=20, choices=ProtectionPathway.Phase.choices)
    changed_on = models.DateField(_("date"), default=timezone.localdate)

    class Meta:
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.changed_on}: {self.phase}"


class PlanGoal(_Child):
    """A goal of the individual plan (PEI), in the person's own words."""

    ENCRYPTED_FIELDS = ("goal",)

    class Area(models.TextChoices):
        HOUSING = "housing", _("housing")
        LANGUAGE = "language", _("language")
        EDUCATION = "education", _("education")
        WORK = "work", _("work")
        HEALTH = "health", _("health")
        LEGAL = "legal", _("legal")
        RELATIONSHIPS = "relationships", _("relationships and self-determination")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACHIEVED = "achieved", _("achieved")
        DROPPED = "dropped", _("dropped")

    pathway = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="goals")
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    goal = EncryptedTextField(_("goal, in her own words"))
    agreed = models.BooleanField(_("agreed with her"), default=True)
    target_date = models.DateField(_("target date"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    # A coordinator's approval of the goal as written (cleared when the goal is edited afterwards).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by the coordinator"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")
        ordering = ["target_date", "id"]
        indexes = [models.Index(fields=["pathway", "status", "target_date"], name="goal_pathway_status_target")]

    def __str__(self) -> str:
        return f"{self.get_area_display()} ({self.get_status_display()})"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and bool(self.target_date) and self.target_date < timezone.localdate()


class GoalReview(_Child):
    ENCRYPTED_FIELDS = ("note",)

    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("date"), default=timezone.localdate)
    note = EncryptedTextField(_("review note"))

    class Meta:
        verbose_name = _("goal review")
        verbose_name_plural = _("goal reviews")
        ordering = ["reviewed_on", "id"]

    def __str__(self) -> str:
        return str(self.reviewed_on)


class Accommodation(_Child):
    ENCRYPTED_FIELDS = ("secret_address",)

    class Type(models.TextChoices):
        SAFE_HOUSE = "safe_house", _("emergency accommodation / safe house")
        FIRST_STAGE = "first_stage", _("first-stage accommodation")
        SECOND_STAGE = "second_stage", _("second-stage accommodation")
        SEMI_AUTONOMY = "semi_autonomy", _("semi-independent living")
        OWN_HOME = "own_home", _("own home")

    pathway = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="accommodations")
    facility = models.ForeignKey(
        PartnerBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("facility")
    )
    facility_name = models.CharField(
        _("internal facility"), max_length=150, blank=True, help_text=_("When the facility is not a partner body.")
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    secret_address = EncryptedTextField(
        _("secret address"), blank=True, help_text=_("Shown only on the pathway page, to its assigned operators.")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return self.get_type_display()

    def clean(self):
        errors = _dates_in_order(self.start, self.end, message=_("The stay cannot end before it starts."))
        if errors:
            raise ValidationError(errors)


class LiteracyCourse(_Child):
    class Level(models.TextChoices):
        PRE_A1 = "pre_a1", _("pre-A1")
        A1 = "a1", "A1"
        A2 = "a2", "A2"
        B1 = "b1", "B1"
        B2 = "b2", "B2"

    LEVEL_ORDER = [Level.PRE_A1, Level.A1, Level.A2, Level.B1, Level.B2]

    pathway = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="literacy_courses")
    provider = models.CharField(_("provider"), max_length=150, help_text=_("e.g. CPIA Lucca"))
    level_start = models.CharField(_("CEFR level at start"), max_length=10, choices=Level.choices)
    level_now = models.CharField(_("CEFR level now"), max_length=10, choices=Level.choices)
    level_note = models.CharField(
        _("note on the level"), max_length=300, blank=True, help_text=_("Required when the level went down.")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    attendance_percent = models.PositiveSmallIntegerField(
        _("attendance (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    certificate = models.BooleanField(_("certificate obtained"), default=False)

    class Meta:
        verbose_name = _("literacy course")
        verbose_name_plural = _("literacy courses")
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.provider}: {self.get_level_start_display()} → {self.get_level_now_display()}"

    def clean(self):
        errors = _dates_in_order(self.start, self.end)
        order = self.LEVEL_ORDER
        if (
            self.level_start in order
            and self.level_now in order
            and order.index(self.level_now) < order.index(self.level_start)
            and not self.level_note.strip()
        ):
            errors["level_note"] = _("The level went down: add a note to explain it.")
        if errors:
            raise ValidationError(errors)


class Training(_Child):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("school (e.g. licenza media)")
        VOCATIONAL = "vocational", _("vocational course")

    class Outcome(models.TextChoices):
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed with qualification")
        NOT_COMPLETED = "not_completed", _("not completed")

    pathway = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=150)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, default=Outcome.ONGOING)
    qualification = models.CharField(_("qualification"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = _dates_in_order(self.start, self.end)
        if errors:
            raise ValidationError(errors)


class JobPlacement(_Child):
    class Kind(models.TextChoices):
        TRAINEESHIP = "traineeship", _("social-inclusion traineeship")
        WORK_GRANT = "work_grant", _("work grant")
        FIXED_TERM = "fixed_term", _("fixed-term contract")
        PERMANENT = "permanent", _("permanent contract")

    class Outcome(models.TextChoices):
        ONGOING = "ongoing", _("ongoing")
        HIRED = "hired", _("hired")
        ENDED = "ended", _("ended")
        INTERRUPTED = "interrupted", _("interrupted")

    pathway = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="job_placements")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    employer = models.CharField(_("employer"), max_length=200)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.ONGOING)

    class Meta:
        verbose_name = _("job placement")
        verbose_name_plural = _("job placements")
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.employer}"

    def clean(self):
        errors = _dates_in_order(self.start, self.end)
        if errors:
            raise ValidationError(errors)


class ResidencePermit(_Child):
    class Type(models.TextChoices):
        ART18 = "art18", _("special cases (art. 18)")
        ART18_TER = "art18ter", _("special cases (art. 18-ter)")
        ASYLUM = "asylum", _("asylum application")
        INTERNATIONAL_PROTECTION = "international_protection", _("international protection")
        WORK = "work", _("work")
        STUDY = "study", _("study")
        OTHER = "other", _("other")

    class Route(models.TextChoices):
        SOCIAL = "social", _("social route")
        JUDICIAL = "judicial", _("judicial route")
        NONE = "", _("not applicable")

    pathway = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="permits")
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    route = models.CharField(_("route"), max_length=10, choices=Route.choices, blank=True)
    proposing_body = models.ForeignKey(
        PartnerBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposing body"),
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    renewal_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals", verbose_name=_("renewal of")
    )
    converted_to = models.CharField(
        _("converted to"), max_length=100, blank=True, help_text=_("e.g. work or study permit")
    )

    class Meta:
        verbose_name = _("residence permit")
        verbose_name_plural = _("residence permits")
        ordering = ["issued_on", "applied_on", "id"]
        indexes = [models.Index(fields=["pathway", "expires_on"], name="permit_pathway_expiry")]

    def __str__(self) -> str:
        return self.get_type_display()

    def clean(self):
        errors = {}
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            errors["expires_on"] = _("The permit cannot expire before it was issued.")
        if self.applied_on and self.issued_on and self.issued_on < self.applied_on:
            errors["issued_on"] = _("The permit cannot be issued before it was applied for.")
        if self.renewal_of_id and self.renewal_of.pathway_id != self.pathway_id:
            errors["renewal_of"] = _("A renewal belongs to the same pathway.")
        if errors:
            raise ValidationError(errors)


class DiaryEntry(_Child):
    """The diary of the helping relationship: meetings, her own goals and motivations."""

    ENCRYPTED_FIELDS = ("text",)

    pathway = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="diary")
    written_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    text = EncryptedTextField(_("entry"))

    class Meta:
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        ordering = ["written_on", "id"]
        indexes = [models.Index(fields=["pathway", "-written_on"], name="diary_pathway_latest")]

    def __str__(self) -> str:
        return str(self.written_on)

    def clean(self):
        if self.written_on and self.written_on > timezone.localdate():
            raise ValidationError({"written_on": _("A diary entry cannot be dated in the future.")})


class ProtectionPathwayUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="user_permissions")

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "permission"], name="pathway_uop_object_perm")]


class ProtectionPathwayGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ProtectionPathway, on_delete=models.CASCADE, related_name="group_permissions")

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "permission"], name="pathway_gop_object_perm")]


# Services activated for the person (outgoing referrals), a sub-package of this app: see its docstring.
from .service_referrals.models import ServiceReferral, ServiceStatusChange  # noqa: E402, F401
