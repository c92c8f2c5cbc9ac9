"""Forms of the report to the referring body."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.forms import DateInput
from ceis.partners.selectors import active_bodies

from .models import Report
from .reports import SENT_IN_FUTURE

INCLUDE_FIELDS = [
    "include_identity",
    "include_outcome",
    "include_forms",
    "include_interviews",
    "include_profile",
    "include_opinion",
]


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's own <form> carries the token
    return helper


class ReportForm(forms.ModelForm):
    """Who receives the report and what it says: only the ticked sections are printed."""

    class Meta:
        model = Report
        fields = ["recipient", *INCLUDE_FIELDS, "opinion"]
        widgets = {"opinion": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "include_identity": _(
                "Leave unticked unless the recipient needs to identify the person: the case code is always printed."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = active_bodies(self.instance.recipient_id)
        self.fields["recipient"].error_messages["invalid_choice"] = _("Choose an active partner body.")
        self.helper = _helper()
        self.helper.layout = Layout(
            "recipient",
            Fieldset(_("What the report includes"), *INCLUDE_FIELDS),
            "opinion",
        )

    def clean(self):
        data = super().clean()
        if data.get("include_opinion") and not (data.get("opinion") or "").strip():
            self.add_error("opinion", _("Write the opinion, or untick “include the opinion”."))
        return data


class SentForm(forms.Form):
    sent_at = forms.DateField(label=_("Sent on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_at"].initial = timezone.localdate()
        self.helper = _helper()

    def clean_sent_at(self):
        value = self.cleaned_data["sent_at"]
        if value > timezone.localdate():
            raise forms.ValidationError(SENT_IN_FUTURE)
        return value
