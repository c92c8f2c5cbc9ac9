"""Forms of the indicator catalogue pages (admins only)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Indicator

STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"
STATUS_ALL = "all"

LIST_CHOICES = [
    ("adult-labour", _("Adults, labour exploitation")),
    ("adult-sexual", _("Adults, sexual exploitation")),
    ("child-labour", _("Children, labour exploitation")),
    ("child-sexual", _("Children, sexual exploitation")),
]


def list_key(audience: str, exploitation: str) -> str:
    return f"{audience}-{exploitation}"


class CatalogueFilterForm(forms.Form):
    """Which list, dimension and status the catalogue page shows (GET)."""

    list = forms.ChoiceField(label=_("List"), choices=[("", _("All lists")), *LIST_CHOICES], required=False)
    dimension = forms.ChoiceField(
        label=_("Dimension"), choices=[("", _("All dimensions")), *Indicator.Dimension.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (STATUS_ALL, _("Active and inactive")),
            (STATUS_ACTIVE, _("Active only")),
            (STATUS_INACTIVE, _("Inactive only")),
        ],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict[str, str]:
        """The valid filters, defaults for the rest (an invalid value never breaks the page)."""
        data: dict = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        audience, exploitation = "", ""
        if data.get("list"):
            audience, exploitation = data["list"].split("-")
        return {
            "audience": audience,
            "exploitation": exploitation,
            "dimension": data.get("dimension") or "",
            "status": data.get("status") or STATUS_ALL,
        }


class IndicatorForm(forms.ModelForm):
    """What an admin may change on an indicator: its words, strength, place in the list, and whether it is used.

    Its list and dimension stay: interviews' answers refer to them."""

    class Meta:
        model = Indicator
        fields = ["text_en", "text_it", "strength", "position", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strength"].required = True  # blank only on checklists' items, which are not edited here
        self.fields["active"].help_text = _(
            "Untick to stop offering the indicator in new interviews. Answers already given keep it."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            "text_en",
            "text_it",
            Div(Div("strength", css_class="col-md-4"), Div("position", css_class="col-md-4"), css_class="row"),
            "active",
        )


class IndicatorCreateForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["audience", "exploitation", "dimension", "strength", "text_en", "text_it", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("audience", "exploitation", "dimension", "strength"):  # blank only on checklists' items
            self.fields[name].required = True
        self.fields["position"].required = False
        self.fields["position"].help_text = _("Leave empty to add it at the end of its dimension.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Div(
                Div("audience", css_class="col-md-3"),
                Div("exploitation", css_class="col-md-3"),
                Div("dimension", css_class="col-md-6"),
                css_class="row",
            ),
            "text_en",
            "text_it",
            Div(Div("strength", css_class="col-md-4"), Div("position", css_class="col-md-4"), css_class="row"),
        )
