from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from ceis.forms import DateInput

from . import selectors
from .models import PartnerBody, PartnerContact
from .services import NAME_TAKEN


class BodyFilterForm(forms.Form):
    """Search, filters and sort order of the list page (GET: nothing personal goes in these URLs)."""

    STATUS_CHOICES = [
        (selectors.STATUS_ACTIVE, _("Active only")),
        (selectors.STATUS_INACTIVE, _("Inactive only")),
        (selectors.STATUS_ALL, _("Active and inactive")),
    ]
    SORT_CHOICES = [("name", _("Name")), ("kind", _("Kind")), ("municipality", _("Municipality"))]

    q = forms.CharField(label=_("Name or municipality"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *PartnerBody.Kind.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            choice = isinstance(field, forms.ChoiceField)
            field.widget.attrs["class"] = "form-select form-select-sm" if choice else "form-control form-control-sm"
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict[str, str]:
        """The valid filters, defaults for the rest (an invalid value never breaks the page)."""
        data: dict = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "status": data.get("status") or selectors.STATUS_ACTIVE,
            "sort": data.get("sort") or "name",
        }


class PartnerBodyForm(forms.ModelForm):
    class Meta:
        model = PartnerBody
        fields = [
            "name",
            "kind",
            "role",
            "municipality",
            "address",
            "phone",
            "email",
            "agreement_from",
            "agreement_to",
            "notes",
        ]
        widgets = {
            "agreement_from": DateInput(),
            "agreement_to": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Div(Div("name", css_class="col-md-8"), Div("kind", css_class="col-md-4"), css_class="row"),
            Div(Div("role", css_class="col-md-6"), Div("municipality", css_class="col-md-6"), css_class="row"),
            Div(
                Div("address", css_class="col-md-6"),
                Div("phone", css_class="col-md-3"),
                Div("email", css_class="col-md-3"),
                css_class="row",
            ),
            Fieldset(
                _("Agreement (protocollo)"),
                Div(
                    Div("agreement_from", css_class="col-md-3"),
                    Div("agreement_to", css_class="col-md-3"),
                    css_class="row",
                ),
            ),
            "notes",
        )

    def clean_name(self):
        name = self.cleaned_data["name"]
        if selectors.partner_body_name_taken(name, exclude_pk=self.instance.pk):
            raise forms.ValidationError(NAME_TAKEN, code="unique")
        return name


class PartnerContactForm(forms.ModelForm):
    class Meta:
        model = PartnerContact
        fields = ["name", "role", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Div(Div("name", css_class="col-md-6"), Div("role", css_class="col-md-6"), css_class="row"),
            Div(Div("phone", css_class="col-md-6"), Div("email", css_class="col-md-6"), css_class="row"),
        )
