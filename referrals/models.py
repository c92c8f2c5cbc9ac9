"""People and referrals: how a person comes to the service.

Identifying and narrative fields are encrypted at rest (``ceis.crypto``); what lists filter and
sort on stays in clear. Access goes through ``ceis.access`` only: ``Referral`` is a protected root
(direct-FK guardian tables below); a ``Person`` is visible when one of her referrals is.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from ceis.crypto import EncryptedCharField, EncryptedDateField, EncryptedTextField, keyed_hash, normalise_name
from ceis.partners.models import PartnerBody, PartnerContact

CASE_CODE_PREFIX = "LU"


class CaseCodeCounter(models.Model):
    """Last case number handed out in a year: ``LU-2026-0042``."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

    @classmethod
    def next_code(cls, year: int) -> str:
        # One statement (PostgreSQL and SQLite >= 3.35): creates the year's row or increments it under its
        # row lock, and returns the number; no read-then-write, so two intakes never get the same code.
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (year, last) VALUES (%s, 1) "
                f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [year],
            )
            last = cursor.fetchone()[0]
        return f"{CASE_CODE_PREFIX}-{year}-{last:04d}"


class ExploitationForm(models.Model):
    """Reference list of the forms of exploitation (codes seeded by a data migration)."""

    class Code(models.TextChoices):
        SEXUAL_STREET = "sexual_street", _("sexual exploitation (street)")
        SEXUAL_INDOOR = "sexual_indoor", _("sexual exploitation (indoor)")
        LABOUR = "labour", _("labour exploitation")
        DOMESTIC = "domestic", _("domestic servitude")
        BEGGING = "begging", _("forced begging")
        CRIMINAL = "criminal", _("forced criminal activities")
        MARRIAGE = "marriage", _("forced marriage")
        ORGANS = "organs", _("organ removal")
        ADOPTION = "adoption", _("illegal adoption")
        SURROGACY = "surrogacy", _("surrogacy exploitation")
        OTHER = "other", _("other")

    code = models.CharField(max_length=20, choices=Code.choices, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("form of exploitation")
        verbose_name_plural = _("forms of exploitation")
        ordering = ["position"]

    def __str__(self) -> str:
        return str(self.Code(self.code).label)

    @property
    def is_sexual(self) -> bool:
        return self.code in (self.Code.SEXUAL_STREET, self.Code.SEXUAL_INDOOR)


class Person(models.Model):
    ENCRYPTED_FIELDS = ("first_name", "last_name", "aliases", "phone", "documents", "date_of_birth")

    class Gender(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        TRANS_WOMAN = "trans_woman", _("trans woman")
        TRANS_MAN = "trans_man", _("trans man")
        NON_BINARY = "non_binary", _("non-binary")
        NOT_STATED = "not_stated", _("not stated")

    class LegalStatus(models.TextChoices):
        ASYLUM_APPLICANT = "asylum_applicant", _("asylum applicant")
        INTERNATIONAL_PROTECTION = "international_protection", _("international protection")
        ART18 = "art18", _("special-cases permit (art. 18)")
        ART18_BIS = "art18bis", _("special-cases permit (art. 18-bis)")
        ART18_TER = "art18ter", _("special-cases permit (art. 18-ter)")
        IRREGULAR = "irregular", _("irregular")
        EU_CITIZEN = "eu_citizen", _("EU citizen")
        OTHER = "other", _("other")
        UNKNOWN = "unknown", _("unknown")

    case_code = models.CharField(_("case code"), max_length=20, unique=True, editable=False)
    first_name = EncryptedCharField(_("first name"), max_length=100, blank=True)
    last_name = EncryptedCharField(_("last name"), max_length=100, blank=True)
    aliases = EncryptedCharField(
        _("aliases"), max_length=200, blank=True, help_text=_("Other names she or he is known by.")
    )
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Her name is not known (a report without a name): she is known by her case code."),
    )
    phone = EncryptedCharField(_("phone"), max_length=50, blank=True)
    documents = EncryptedTextField(_("documents"), blank=True, help_text=_("Identity documents and their numbers."))
    gender = models.CharField(_("sex / gender"), max_length=20, choices=Gender.choices, default=Gender.NOT_STATED)
    date_of_birth = EncryptedDateField(_("date of birth"), blank=True, null=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth (or estimated)"), null=True, blank=True, db_index=True
    )
    age_doubtful = models.BooleanField(
        _("age doubtful"),
        default=False,
        help_text=_("While the age is doubtful, a possible minor is treated as a minor."),
    )
    nationality = CountryField(_("nationality"), blank=True, db_index=True)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=100, blank=True)
    reception_centre = models.ForeignKey(
        PartnerBody,
        verbose_name=_("current reception centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_people",
    )
    legal_status = models.CharField(
        _("legal status"), max_length=30, choices=LegalStatus.choices, default=LegalStatus.UNKNOWN
    )
    minor = models.BooleanField(_("minor"), default=False)
    unaccompanied = models.BooleanField(_("unaccompanied minor"), default=False)
    pregnant = models.BooleanField(_("pregnant"), default=False)
    single_parent = models.BooleanField(_("single parent with children"), default=False)
    disability = models.BooleanField(_("disability"), default=False)
    mental_health = models.BooleanField(_("mental health needs"), default=False)
    torture_survivor = models.BooleanField(_("survivor of torture or serious violence"), default=False)
    children_count = models.PositiveSmallIntegerField(_("accompanying children"), default=0)

    # Keyed hash (never reversible without DUPLICATE_HASH_KEY) of name + year, for duplicates;
    # PersonNameKey rows hold the hashes that the search by name looks up.
    duplicate_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )
    # Set when a coordinator merged this record into another (``referrals.merge``): the row stays as the
    # alias of its case code (old links lead to the survivor), holding nothing beneath it.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aliases_merged",
        editable=False,
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["-created_at"]
        # case codes of many records at once (caseload dashboard) from the index alone: a person's row is wide
        # (encrypted fields), so fetching it per record read a heap page each
        indexes = [models.Index(fields=["id"], include=["case_code"], name="person_case_code")]

    def __str__(self) -> str:
        return self.case_code

    def save(self, *args, **kwargs):
        if self.date_of_birth and not self.birth_year:
            self.birth_year = self.date_of_birth.year
        self.refresh_keys()
        if not self.case_code:
            self.case_code = CaseCodeCounter.next_code(timezone.localdate().year)
        adding = self._state.adding
        with transaction.atomic(savepoint=False):  # inside a caller's transaction: no savepoint round trips
            super().save(*args, **kwargs)
            keys = self.search_keys()
            if adding:  # a new person has no keys yet: write them, read nothing
                PersonNameKey.objects.bulk_create(PersonNameKey(person=self, key=k) for k in keys)
            elif {k.key for k in self.name_keys.all()} != keys:
                self.name_keys.all().delete()
                PersonNameKey.objects.bulk_create(PersonNameKey(person=self, key=k) for k in keys)
            self.sync_match_keys(adding=adding)

    def sync_match_keys(self, *, adding: bool = False) -> None:
        """Write the blind matching keys of her names (``referrals.matching``), replacing stale ones."""
        from .matching import person_keys

        keys = person_keys(self.first_name, self.last_name, self.aliases)
        if not adding:
            if {(k.kind, k.slot, k.digest) for k in self.match_keys.all()} == {
                (k.kind, k.slot, k.digest) for k in keys
            }:
                return
            self.match_keys.all().delete()
        PersonMatchKey.objects.bulk_create(
            PersonMatchKey(person=self, kind=k.kind, slot=k.slot, digest=k.digest) for k in keys
        )

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.aliases

    @property
    def presumed_minor(self) -> bool:
        """A minor, or possibly one while the age is doubtful (the presumption of minor age)."""
        if self.minor or self.age_doubtful:
            return True
        year = self.effective_birth_year
        return year is not None and timezone.localdate().year - year < 18

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        if self.birth_year and not (1900 <= self.birth_year <= today.year):
            errors["birth_year"] = _("Enter a year between 1900 and this year.")
        if self.date_of_birth and self.birth_year and self.date_of_birth.year != self.birth_year:
            errors["birth_year"] = _("The year of birth does not match the date of birth.")
        if not (self.first_name or self.last_name or self.aliases or self.anonymous):
            errors["last_name"] = _("Give at least a name or an alias.")
        if self.anonymous and (self.first_name or self.last_name or self.aliases):
            errors["anonymous"] = _("An anonymous person has no name: clear the names or untick anonymous.")
        if errors:
            raise ValidationError(errors)

    @property
    def effective_birth_year(self) -> int | None:
        return self.date_of_birth.year if self.date_of_birth else self.birth_year

    def refresh_keys(self) -> None:
        full = normalise_name(f"{self.first_name} {self.last_name}") or normalise_name(self.aliases)
        self.duplicate_key = keyed_hash("dup", full, self.effective_birth_year or "") if full else ""

    def search_keys(self) -> set[str]:
        """Keyed hashes of the full name and of each alias (aliases are separated by , ; or /)."""
        names = [f"{self.first_name} {self.last_name}", *re.split(r"[,;/]", self.aliases or "")]
        return {name_search_key(n) for n in names if normalise_name(n)}


class PersonMerge(models.Model):
    """A coordinator merged ``absorbed`` into ``survivor``: what moved (ids by relation), to undo it exactly."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept", verbose_name=_("kept"))
    absorbed = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_absorbed", verbose_name=_("merged")
    )
    at = models.DateTimeField(_("merged at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    # {"app_label.Model.field": [ids]}: the rows re-pointed from the absorbed person to the survivor.
    moved = models.JSONField(default=dict, editable=False)
    # {"app_label.Model": id}: flags (restriction, legal hold) created on the survivor to carry the absorbed's over.
    carried = models.JSONField(default=dict, editable=False)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("merge of two records")
        verbose_name_plural = _("merges of two records")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"merge #{self.pk}"

    @property
    def moved_count(self) -> int:
        return sum(len(ids) for ids in self.moved.values())


def name_search_key(name: str) -> str:
    return keyed_hash("name", normalise_name(name))


class PersonNameKey(models.Model):
    """A keyed hash of one of a person's names, so that a name can be searched while stored encrypted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="person_name_key_unique")]

    def __str__(self) -> str:
        return self.key[:8]


class PersonMatchKey(models.Model):
    """A keyed hash of one form (folded, phonetic, one letter left out) of one word of a person's names.

    Only the hash is stored: without ``DUPLICATE_HASH_KEY`` it says nothing of the name. ``slot`` tells which
    of her names and which word it comes from ("last:0"), so that the reasons can say "same surname".
    """

    class Kind(models.TextChoices):
        WORD = "word", _("word")
        SOUND = "sound", _("sound")
        EDIT = "edit", _("one letter apart")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    slot = models.CharField(max_length=20)
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["digest"], name="person_match_digest")]

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:8]}"


class Referral(models.Model):
    ENCRYPTED_FIELDS = ("reason", "closure_note")

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail / PEC")
        IN_PERSON = "in_person", _("in person")
        GROUP_SESSION = "group_session", _("group-session follow-up")
        NUMERO_VERDE = "numero_verde", _("National anti-trafficking helpline")
        OUTREACH = "outreach", _("landing / outreach")
        TRANSFER = "transfer", _("transfer from another project")
        # Submitted by a partner body's own staff through the referral portal (``portal/``).
        PORTAL = "portal", _("from the portal")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("routine")
        PRIORITY = "priority", _("priority")
        IMMEDIATE = "immediate", _("immediate danger")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ASSIGNED = "assigned", _("assigned")
        INTERVIEW_SCHEDULED = "interview_scheduled", _("interview scheduled")
        IN_ASSESSMENT = "in_assessment", _("in assessment")
        CLOSED = "closed", _("closed")

    class Outcome(models.TextChoices):
        TAKEN_IN_CHARGE = "taken_in_charge", _("presumed victim taken in charge")
        TRANSFERRED = "transferred", _("presumed victim transferred to another project")
        AT_RISK = "at_risk", _("at risk / informed")
        NOT_TRAFFICKING = "not_trafficking", _("not trafficking, referred elsewhere")
        DECLINED = "declined", _("declined")
        UNREACHABLE = "unreachable", _("unreachable")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("person"))
    # None: a self-referral, or a call to the National helpline (Numero Verde) with no body behind it.
    referring_body = models.ForeignKey(
        PartnerBody,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referring body"),
        null=True,
        blank=True,
    )
    referring_contact = models.ForeignKey(
        PartnerContact,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("contact person"),
        null=True,
        blank=True,
    )
    referrer_name = models.CharField(
        _("who referred"),
        max_length=150,
        blank=True,
        help_text=_("Name and role of the caller, if not a known contact."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, db_index=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    reason = EncryptedTextField(_("what was reported"))
    exploitation_forms = models.ManyToManyField(
        ExploitationForm, blank=True, related_name="referrals", verbose_name=_("suspected forms of exploitation")
    )
    urgency = models.CharField(
        _("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE, db_index=True
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.NEW, db_index=True)
    outcome = models.CharField(_("outcome of identification"), max_length=30, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure_note = EncryptedTextField(_("closure note"), blank=True)
    report_returned_at = models.DateField(_("report returned to the referring body on"), null=True, blank=True)
    possible_duplicate = models.BooleanField(_("possible duplicate"), default=False)
    # The rendered portal form's token: a second submission of the same form finds this row instead of adding one.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-received_at", "-id"]
        permissions = [("assign_referral", _("Can assign operators to a referral"))]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="referral_status_received"),
            models.Index(fields=["urgency", "-received_at"], name="referral_urgency_received"),
            models.Index(fields=["referring_body", "-received_at"], name="referral_body_received"),
            # caseload dashboard: open referrals of a page of operators, read from the index alone
            models.Index(
                fields=["id"],
                include=["status", "urgency", "received_at", "person"],
                condition=models.Q(status__in=["new", "assigned", "interview_scheduled", "in_assessment"]),
                name="referral_open_covering",
            ),
            # statistics for a period: the period's referrals with every single-valued breakdown
            models.Index(
                fields=["received_at"],
                include=["referring_body", "channel", "urgency", "outcome", "person"],
                name="referral_received_covering",
            ),
            # The filtered list's count (status and urgency ticked) as an index-only scan (bench/README.md).
            models.Index(fields=["status", "urgency", "-received_at"], name="referral_status_urgency_recv"),
            # The portal: a partner body's own portal referrals, newest first.
            models.Index(
                fields=["referring_body", "-received_at"],
                condition=models.Q(channel="portal"),
                name="referral_portal_body_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.case_code} · {self.received_at:%d/%m/%Y}"

    @property
    def is_self_referral(self) -> bool:
        return self.referring_body_id is None

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def from_portal(self) -> bool:
        return self.channel == self.Channel.PORTAL

    def clean(self):
        errors = {}
        if self.received_at and self.received_at > timezone.now() + datetime.timedelta(minutes=5):
            errors["received_at"] = _("The referral cannot be received in the future.")
        if (
            self.referring_contact_id
            and self.referring_body_id
            and self.referring_contact.body_id != self.referring_body_id
        ):
            errors["referring_contact"] = _("This contact does not belong to the referring body.")
        elif self.referring_contact_id and not self.referring_body_id:
            errors["referring_contact"] = _("A contact belongs to a referring body: choose the body too.")
        if self.status == self.Status.CLOSED and not self.outcome:
            errors["outcome"] = _("The outcome of identification is required to close a referral.")
        if errors:
            raise ValidationError(errors)


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="user_permissions")

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "permission"], name="referral_uop_object_perm")]


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="group_permissions")

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["content_object", "permission"], name="referral_gop_object_perm")]
