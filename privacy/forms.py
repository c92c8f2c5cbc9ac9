from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LegalHold, Restriction, RetentionRule
from .retention import SPECS


class _ReasonForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["rows"] = 3
        self.helper = FormHelper()
        self.helper.form_tag = False


class RestrictionForm(_ReasonForm):
    class Meta:
        model = Restriction
        fields = ["reason"]
        help_texts = {"reason": _("Why processing is restricted (e.g. the person contests the accuracy of her data).")}


class LegalHoldForm(_ReasonForm):
    class Meta:
        model = LegalHold
        fields = ["reason"]
        help_texts = {"reason": _("Why the records must be kept (e.g. criminal proceedings, a court's request).")}


class EraseForm(forms.Form):
    case_code = forms.CharField(
        label=_("Type the case code to confirm"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_case_code(self):
        code = self.cleaned_data["case_code"].strip()
        if code != self.person.case_code:
            raise forms.ValidationError(_("The case code does not match: nothing was erased."))
        return code


class CaseCodeSearchForm(forms.Form):
    code = forms.CharField(
        label=_("Case code"), max_length=20, widget=forms.TextInput(attrs={"placeholder": "LU-2026-0001"})
    )


class RetentionRuleForm(forms.ModelForm):
    class Meta:
        model = RetentionRule
        fields = ["trigger", "months", "action", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        spec = SPECS[self.instance.kind]
        self.fields["trigger"].choices = [c for c in RetentionRule.Trigger.choices if c[0] in spec.triggers]
        self.fields["action"].choices = [c for c in RetentionRule.Action.choices if c[0] in spec.actions]
        self.fields["months"].widget.attrs.update({"min": 1, "max": 600})
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_months(self):
        months = self.cleaned_data["months"]
        if not 1 <= months <= 600:
            raise forms.ValidationError(_("Enter a period between 1 and 600 months."))
        return months
