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

    list = forms.ChoiceField(label=_("List (ILO/EU lists)"), choices=[("", "—"), *LIST_CHOICES], required=False)
    file = forms.FileField(
        label=_("File (CSV or XLSX, at most 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    class Meta:
        model = CatalogueVersion
        fields = [
            "kind",
            "code",
            "name",
            "label",
            "source_title",
            "source_publisher",
            "source_year",
            "source_pages",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = False  # a form that does not say is for an ILO/EU list
        self.fields["kind"].help_text = _(
            "ILO/EU lists have dimensions and strengths and the combination rule applies; checklists have items in "
            "sections, no strengths and no rule."
        )
        self.fields["label"].help_text = _(
            'Say plainly whether it was checked against the source, e.g. "2 — from the PDF, not verified yet".'
        )
        self.parsed: io.Parsed | None = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(
                Div("kind", css_class="col-md-4"),
                Div("list", css_class="col-md-4"),
                Div("code", css_class="col-md-4"),
                css_class="row",
            ),
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
    def checklist(self) -> bool:
        return self.cleaned_data.get("kind") == CatalogueVersion.Kind.CHECKLIST

    def names(self) -> dict[str, str]:
        """The list the file is for: audience and exploitation (ILO/EU), or the checklist's code."""
        if self.checklist:
            return {"code": self.cleaned_data["code"]}
        audience, exploitation = self.cleaned_data["list"].split("-")
        return {"audience": audience, "exploitation": exploitation}

    def _post_clean(self):
        pass  # the instance is built by the import service, which validates it in full

    def clean(self):
        cleaned = super().clean()
        kind = cleaned["kind"] = cleaned.get("kind") or CatalogueVersion.Kind.ILO
        if kind == CatalogueVersion.Kind.CHECKLIST:
            if not cleaned.get("code"):
                self.add_error("code", _("Give the checklist a code."))
            if cleaned.get("list"):
                self.add_error("list", _("A checklist is not one of the ILO/EU lists: leave this empty."))
            expected = cleaned.get("code")
        else:
            if not cleaned.get("list"):
                self.add_error("list", _("Choose the list the file is for."))
            if cleaned.get("code"):
                self.add_error("code", _("Only checklists have a code."))
            expected = cleaned.get("list")
        upload = cleaned.get("file")
        if upload is not None and expected and not (set(self.errors) - {"file"}):
            if upload.size > io.MAX_BYTES:
                self.add_error("file", _("The file is larger than 2 MB."))
                return cleaned
            self.parsed = io.parse(upload.read(io.MAX_BYTES + 1), list_expected=expected, kind=kind or io.ILO)
            for message in self.parsed.errors:
                self.add_error("file", message)
        return cleaned

    def meta(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields if f != "code"}


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
