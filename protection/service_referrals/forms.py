"""Forms of service referrals: the request, and a change of status."""

from __future__ import annotations

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.forms import DateInput
from ceis.partners.models import PartnerBody, PartnerContact

from .models import ServiceReferral, ServiceStatus


def _helper(*rows) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*rows)
    return helper


def _row(*fields: str, width: int = 6) -> Div:
    return Div(*[Div(f, css_class=f"col-md-{width}") for f in fields], css_class="row")


class ServiceRequestForm(forms.ModelForm):
    """Request a service beneath ``pathway`` (with the plan goal it serves) or beneath a referral."""

    form_token = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = ServiceReferral
        fields = [
            "type",
            "provider",
            "provider_contact",
            "provider_name",
            "shares_data",
            "requested_on",
            "urgency",
            "goal",
        ]
        widgets = {"requested_on": DateInput()}

    def __init__(self, *args, pathway=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pathway = pathway
        self.fields["form_token"].initial = uuid.uuid4()
        self.fields["provider"].queryset = PartnerBody.objects.filter(active=True).order_by("name")
        self.fields["provider_contact"].queryset = PartnerContact.objects.filter(
            active=True, body__active=True
        ).select_related("body")
        self.fields["provider_contact"].label_from_instance = lambda c: f"{c.body.name}: {c}"
        if pathway is not None:
            self.fields["goal"].queryset = pathway.goals.order_by("target_date", "id")
            self.fields["goal"].label_from_instance = lambda g: str(g)
            goal_row = ("goal",)
        else:
            del self.fields["goal"]
            goal_row = ()
        self.helper = _helper(
            _row("type", "urgency"),
            _row("provider", "provider_contact"),
            _row("provider_name", "requested_on"),
            "shares_data",
            *goal_row,
            "form_token",
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"))
    changed_on = forms.DateField(label=_("date"), widget=DateInput(), initial=timezone.localdate)
    outcome_note = forms.CharField(
        label=_("outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What came of it. Stored encrypted; leave empty to keep the note as it is."),
    )

    def __init__(self, *args, service: ServiceReferral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(code, ServiceStatus(code).label) for code in service.next_statuses]
        self.helper = _helper(_row("status", "changed_on"), "outcome_note")
