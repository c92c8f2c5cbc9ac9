from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ceis import access
from protection.models import ProtectionPathway
from referrals.models import Referral


class OperatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.username


class ReassignForm(forms.Form):
    """Records ticked on the dashboard and the operator who takes them over."""

    referrals = forms.ModelMultipleChoiceField(
        queryset=Referral.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    pathways = forms.ModelMultipleChoiceField(
        queryset=ProtectionPathway.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    operator = OperatorChoiceField(
        label=_("Reassign to"),
        queryset=access.operators_assignable().none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    confirm = forms.BooleanField(
        label=_("I confirm the reassignment"),
        required=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrals"].queryset = access.visible(Referral, user, action="change").exclude(
            status=Referral.Status.CLOSED
        )
        self.fields["pathways"].queryset = access.visible(ProtectionPathway, user, action="change").filter(
            ended_on__isnull=True
        )
        self.fields["operator"].queryset = access.operators_assignable()

    def clean(self):
        data = super().clean()
        if not data.get("referrals") and not data.get("pathways"):
            raise forms.ValidationError(_("Tick at least one record to reassign."))
        return data
