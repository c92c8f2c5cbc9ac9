"""Forms of the records beneath a pathway. Each knows its pathway, so the model's ``clean()`` can check it."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis import access
from ceis.forms import DateInput
from ceis.partners.models import PartnerBody

from ..models import (
    Accommodation,
    DiaryEntry,
    GoalReview,
    JobPlacement,
    LiteracyCourse,
    PlanGoal,
    ProtectionPathway,
    ResidencePermit,
    Training,
)


def _helper(layout: Layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = layout
    return helper


def _row(*fields: str, width: int = 4) -> Div:
    return Div(*[Div(f, css_class=f"col-md-{width}") for f in fields], css_class="row")


def _bodies(current_id: int | None):
    """Active partner bodies, plus the one already chosen (a body deactivated since stays shown)."""
    return PartnerBody.objects.filter(Q(active=True) | Q(pk=current_id or 0)).order_by("name")


class _PartForm(forms.ModelForm):
    """A record beneath ``pathway``; date fields get the browser's date picker."""

    def __init__(self, *args, pathway: ProtectionPathway, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.pathway = pathway
        self.user = user
        self.instance.pathway = pathway
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()


class PlanGoalForm(_PartForm):
    class Meta:
        model = PlanGoal
        fields = ["area", "goal", "agreed", "target_date", "status"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Layout(_row("area", "target_date", "status"), "goal", Field("agreed")))


class GoalReviewForm(forms.ModelForm):
    class Meta:
        model = GoalReview
        fields = ["reviewed_on", "note"]
        widgets = {"reviewed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Layout(_row("reviewed_on"), "note"))

    def clean_reviewed_on(self):
        day = self.cleaned_data["reviewed_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("A review cannot be dated in the future."))
        return day


class _WriteOnlyTextarea(forms.Textarea):
    """Never renders a value: neither the stored address nor one typed into a form sent back with errors."""

    def format_value(self, value):
        return None


class AccommodationForm(_PartForm):
    """A stay. The secret address is write-only, and offered only to the pathway's assigned operators."""

    secret_address = forms.CharField(
        label=_("Secret address"),
        required=False,
        max_length=500,
        strip=True,
        widget=_WriteOnlyTextarea(attrs={"rows": 2, "autocomplete": "off"}),
    )
    remove_secret_address = forms.BooleanField(label=_("Remove the secret address"), required=False)

    class Meta:
        model = Accommodation
        # secret_address is not a model field of this form: it is never filled in from the stored value.
        fields = ["facility", "facility_name", "type", "start", "end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A coordinator editing the stay neither sees nor changes the address: only assigned operators do.
        may_write_address = access.is_assigned(self.pathway, self.user)
        self.fields["facility"].queryset = _bodies(self.instance.facility_id)
        has_address = bool(self.instance.pk and self.instance.secret_address)
        address_fields = []
        if not may_write_address:
            del self.fields["secret_address"]
            del self.fields["remove_secret_address"]
        else:
            address_fields = ["secret_address"]
            if has_address:
                self.fields["secret_address"].help_text = _("Leave empty to keep the address already recorded.")
                address_fields.append(Field("remove_secret_address"))
            else:
                self.fields["secret_address"].help_text = _(
                    "Shown only on the pathway page, to its assigned operators."
                )
                del self.fields["remove_secret_address"]
        self.helper = _helper(
            Layout(_row("facility", "facility_name", "type"), _row("start", "end", width=6), *address_fields)
        )

    def clean(self):
        data = super().clean()
        if data.get("facility") and data.get("facility_name"):
            self.add_error("facility_name", _("Choose a partner body or name an internal facility, not both."))
        elif not data.get("facility") and not data.get("facility_name") and "facility" not in self.errors:
            self.add_error("facility", _("Choose a partner body or name an internal facility."))
        if data.get("secret_address") and data.get("remove_secret_address"):
            self.add_error(
                "remove_secret_address", _("Either enter a new secret address or remove the recorded one, not both.")
            )
        return data


class LiteracyCourseForm(_PartForm):
    class Meta:
        model = LiteracyCourse
        fields = [
            "provider",
            "level_start",
            "level_now",
            "level_note",
            "start",
            "end",
            "attendance_percent",
            "certificate",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Layout(
                _row("provider", "start", "end"),
                _row("level_start", "level_now", "attendance_percent"),
                "level_note",
                Field("certificate"),
            )
        )


class TrainingForm(_PartForm):
    class Meta:
        model = Training
        fields = ["kind", "title", "provider", "start", "end", "outcome", "qualification"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Layout(
                _row("kind", "title", "provider"),
                _row("start", "end", width=6),
                _row("outcome", "qualification", width=6),
            )
        )


class JobPlacementForm(_PartForm):
    class Meta:
        model = JobPlacement
        fields = ["kind", "employer", "sector", "hours_per_week", "start", "end", "outcome"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["hours_per_week"]
        field.widget.attrs.update({"min": 1, "max": 60})
        self.helper = _helper(
            Layout(
                _row("kind", "employer", "sector"),
                _row("hours_per_week", "start", "end"),
                _row("outcome"),
            )
        )


class ResidencePermitForm(_PartForm):
    class Meta:
        model = ResidencePermit
        fields = [
            "type",
            "route",
            "proposing_body",
            "applied_on",
            "issued_on",
            "expires_on",
            "renewal_of",
            "converted_to",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposing_body"].queryset = _bodies(self.instance.proposing_body_id)
        # A renewal renews a permit of this pathway (never itself): nothing else is offered or accepted.
        earlier = ResidencePermit.objects.filter(pathway=self.pathway).order_by("issued_on", "applied_on", "id")
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk)
        self.fields["renewal_of"].queryset = earlier
        self.fields["renewal_of"].label_from_instance = _permit_label
        self.helper = _helper(
            Layout(
                _row("type", "route", "proposing_body"),
                _row("applied_on", "issued_on", "expires_on"),
                _row("renewal_of", "converted_to", width=6),
            )
        )


def _permit_label(permit: ResidencePermit) -> str:
    if permit.expires_on:
        return _("%(type)s, expiring %(date)s") % {"type": permit.get_type_display(), "date": permit.expires_on}
    return str(permit.get_type_display())


class DiaryEntryForm(_PartForm):
    class Meta:
        model = DiaryEntry
        fields = ["written_on", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Layout(_row("written_on"), "text"))
