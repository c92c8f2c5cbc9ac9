"""What the API answers: case-handling fields and case codes only, never a name or a narrative.

A person appears by her case code; free text (reasons, notes, histories) stays on the pages, where each read
is shown in context. Every field here is a plain column or a code read with the record's own query.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from interviews.models import Interview
from portal.selectors import PortalStatus
from portal.services import NAME_REQUIRED, REASON_REQUIRED
from protection.models import ProtectionPathway
from referrals.models import ExploitationForm, Person, Referral


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):
    """Field name -> messages (or ``non_field_errors``)."""

    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


def _blank_or(choices) -> serializers.ChoiceField:
    """A choice column that may be empty ("" until decided): documented as one of its values or ""."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


class ReferralSerializer(serializers.ModelSerializer):
    case_code = serializers.CharField(source="person.case_code", read_only=True)
    outcome = _blank_or(Referral.Outcome.choices)
    exploitation_forms = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "case_code",
            "status",
            "urgency",
            "channel",
            "received_at",
            "referring_body",
            "exploitation_forms",
            "outcome",
            "closed_at",
        ]
        read_only_fields = fields

    def get_exploitation_forms(self, referral) -> list[str]:
        # Prefetched by the view: no query per row.
        return sorted(f.code for f in referral.exploitation_forms.all())


class InterviewSerializer(serializers.ModelSerializer):
    case_code = serializers.CharField(source="referral.person.case_code", read_only=True)

    class Meta:
        model = Interview
        fields = ["id", "referral", "case_code", "number", "status", "scheduled_at", "held_at", "duration_minutes"]
        read_only_fields = fields


class PathwaySerializer(serializers.ModelSerializer):
    case_code = serializers.CharField(source="person.case_code", read_only=True)
    closure_reason = _blank_or(ProtectionPathway.ClosureReason.choices)

    class Meta:
        model = ProtectionPathway
        fields = [
            "id",
            "case_code",
            "referral",
            "origin",
            "legal_basis",
            "phase",
            "started_on",
            "ended_on",
            "closure_reason",
        ]
        read_only_fields = fields


# --- the referral portal (partner accounts) ------------------------------------------------------------------


class PortalReferralSerializer(serializers.Serializer):
    """What the portal's form asks (``portal.forms.PortalReferralForm``), as JSON."""

    urgency = serializers.ChoiceField(choices=Referral.Urgency.choices, default=Referral.Urgency.ROUTINE)
    reason = serializers.CharField(max_length=5000, help_text="What happened, and why you are worried.")
    exploitation_forms = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationForm.Code.choices),
        required=False,
        max_length=20,
        help_text="Codes of the forms of exploitation suspected (empty if not sure).",
    )
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    aliases = serializers.CharField(max_length=200, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Person.Gender.choices, default=Person.Gender.NOT_STATED)
    birth_year = serializers.IntegerField(min_value=1900, max_value=9999, required=False, allow_null=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    submission = serializers.UUIDField(
        required=False, allow_null=True, help_text="Your own id of this submission: sending it again adds nothing."
    )

    def validate_birth_year(self, value):
        if value and value > timezone.localdate().year:
            raise serializers.ValidationError(_("The year of birth cannot be in the future."))
        return value

    def validate(self, data):
        if not any((data.get(f) or "").strip() for f in ("first_name", "last_name", "aliases")):
            raise serializers.ValidationError({"last_name": [NAME_REQUIRED]})
        if not (data.get("reason") or "").strip():
            raise serializers.ValidationError({"reason": [REASON_REQUIRED]})
        return data


class ReceiptSerializer(serializers.Serializer):
    """All a partner body gets back: the case code and when the referral was received."""

    case_code = serializers.CharField()
    date = serializers.DateField()


class PortalStatusSerializer(serializers.Serializer):
    """One of the body's portal referrals: case code, date received, status (never its content)."""

    id = serializers.IntegerField(source="pk")
    case_code = serializers.CharField()
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=[(v, v) for v in PortalStatus.values], source="portal_status")


# --- statistics ---------------------------------------------------------------------------------------------


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()


class RowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()


class BreakdownSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    rows = RowSerializer(many=True)
    additive = serializers.BooleanField()
    total = serializers.IntegerField(allow_null=True)


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    figures = FigureSerializer(many=True)
    breakdowns = BreakdownSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    part = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    running = serializers.BooleanField(help_text="The period is not over: its figures are to date.")


class StatisticsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    rule = serializers.CharField(help_text="The rounding rule the figures were published under.")
    rounded = serializers.BooleanField()
    sections = SectionSerializer(many=True)


class StatisticsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1990, max_value=9999)
    part = serializers.RegexField(
        r"^(year|q[1-4]|m(0[1-9]|1[0-2]))$",
        required=False,
        help_text="year, q1..q4 or m01..m12 (default: the whole year).",
    )
