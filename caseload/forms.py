from __future__ import annotations

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ceis import access
from protection.models import ProtectionPathway
from referrals.models import Referral


class OperatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class OperatorSelect(forms.Select):
    """The select of operators, written in one pass from (pk, name) rows.

    At national scale it offers a few hundred operators: Django's template per option (and building a user
    per option) made it the largest part of the dashboard that grows with the service (bench/README.md).
    Same markup as ``forms.Select``; the label is the full name (else the username), as ``OperatorChoiceField`` gives it.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        field = self.choices.field
        pairs = [
            (pk, f"{first} {last}".strip() or username)
            for pk, first, last, username in self.choices.queryset.values_list(
                "pk", "first_name", "last_name", "username"
            )
        ]
        if field.empty_label is not None:
            pairs = [("", field.empty_label), *pairs]
        # html.escape, not Django's lazy-aware escape, once per option: a few hundred options per page.
        options = "\n".join(
            f'<option value="{html.escape(str(pk))}"{" selected" if str(pk) in chosen else ""}>'
            f"{html.escape(str(label))}</option>"
            for pk, label in pairs
        )
        return format_html(
            "<select{}>\n{}\n</select>",
            flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name})),
            mark_safe(options),  # noqa: S308 - each value escaped above
        )


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
        widget=OperatorSelect(attrs={"class": "form-select"}),
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
