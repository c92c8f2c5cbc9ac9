from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from ..catalogue_forms import LIST_CHOICES
from ..models import CatalogueVersion
from . import io


class ImportForm(forms.ModelForm):
    """Upload a filled template: the list it is for, where it comes from, and the file."""

    list = forms.ChoiceField(label=_("List"), choices=LIST_CHOICES)
    file = forms.FileField(
        label=_("File (CSV or XLSX, at most 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    class Meta:
        model = CatalogueVersion
        fields = ["kind", "name", "label", "source_title", "source_publisher", "source_year", "source_pages", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].disabled = True  # checklists (items in sections, no strengths) come with their own pages
        self.fields["label"].help_text = _(
            'Say plainly whether it was checked against the source, e.g. "2 — from the PDF, not verified yet".'
        )
        self.parsed: io.Parsed | None = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(Div("list", css_class="col-md-6"), Div("kind", css_class="col-md-6"), css_class="row"),
            Div(Div("name", css_class="col-md-8"), Div("label", css_class="col-md-4"), css_class="row"),
            "source_title",
            Div(
                Div("source_publisher", css_class="col-md-6"),
                Div("source_year", css_class="col-md-3"),
                Div("source_pages", css_class="col-md-3"),
                css_class="row",
            ),
            "notes",
            "file",
        )

    @property
    def audience_exploitation(self) -> tuple[str, str]:
        audience, exploitation = self.cleaned_data["list"].split("-")
        return audience, exploitation

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and cleaned.get("list"):
            if upload.size > io.MAX_BYTES:
                self.add_error("file", _("The file is larger than 2 MB."))
                return cleaned
            self.parsed = io.parse(upload.read(io.MAX_BYTES + 1), list_expected=cleaned["list"])
            for message in self.parsed.errors:
                self.add_error("file", message)
        return cleaned

    def meta(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields if f != "kind"}


class ChecklistForm(forms.Form):
    """One tick per indicator of a version, checked against the source."""

    def __init__(self, *args, version: CatalogueVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(version.indicators.order_by("position", "code"))
        for ind in self.indicators:
            self.fields[f"c_{ind.pk}"] = forms.BooleanField(label=ind.code, required=False, initial=ind.checked)

    def rows(self):
        for ind in self.indicators:
            yield ind, self[f"c_{ind.pk}"]

    def checked(self) -> set[int]:
        return {i.pk for i in self.indicators if self.cleaned_data.get(f"c_{i.pk}")}
