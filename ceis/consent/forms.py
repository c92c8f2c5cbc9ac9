from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.forms import DateInput
from ceis.partners.models import PartnerBody

from .models import Consent, ConsentWithdrawal, InformationNotice, LegalBasis, Purpose

RECEIVING_BODY_REQUIRED = _("Give the body the person is referred or transferred to.")


def _helper(layout: Layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's own <form> carries the token
    helper.layout = layout
    return helper


def _row(*fields: str, width: int = 6) -> Div:
    return Div(*[Div(f, css_class=f"col-md-{width}") for f in fields], css_class="row")


def active_bodies():
    return PartnerBody.objects.filter(active=True).order_by("name")


def receiving_body_field() -> forms.ModelChoiceField:
    """The body a person is referred or transferred to, for the closing forms (the consent gate checks it)."""
    return forms.ModelChoiceField(
        label=_("Referred or transferred to"),
        queryset=active_bodies(),
        required=False,
        help_text=_("Required when the person is referred or transferred to another body: her consent is checked."),
    )


def _initial_from(params) -> dict:
    """Purpose and recipient suggested by a refused sharing (ids and codes only)."""
    initial = {}
    if params.get("purpose") in Purpose.values:
        initial["purpose"] = params["purpose"]
    recipient = params.get("recipient", "")
    if recipient.isdigit():
        initial["recipient"] = int(recipient)
    return initial


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "recipient", "recipient_note", "notice", "language", "interpreter", "given_on"]
        widgets = {"given_on": DateInput()}

    def __init__(self, *args, person, params=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update({"language": person.preferred_language, **_initial_from(params or {})})
        self.fields["recipient"].queryset = active_bodies()
        self.fields["recipient"].empty_label = _("any recipient")
        self.fields["notice"].queryset = InformationNotice.objects.filter(active=True)
        self.fields["given_on"].initial = timezone.localdate()
        self.helper = _helper(
            Layout(
                _row("purpose", "given_on"),
                _row("recipient", "recipient_note"),
                _row("notice", "language"),
                "interpreter",
            )
        )


class WithdrawForm(forms.ModelForm):
    class Meta:
        model = ConsentWithdrawal
        fields = ["withdrawn_on"]
        widgets = {"withdrawn_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()
        self.helper = _helper(Layout(_row("withdrawn_on")))


class LegalBasisForm(forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = ["purpose", "basis", "recipient", "explanation", "decided_on"]
        widgets = {"decided_on": DateInput(), "explanation": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, params=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(_initial_from(params or {}))
        self.fields["recipient"].queryset = active_bodies()
        self.fields["recipient"].empty_label = _("any recipient")
        self.fields["decided_on"].initial = timezone.localdate()
        self.helper = _helper(Layout(_row("purpose", "decided_on"), _row("basis", "recipient"), "explanation"))
