"""Forms of the materials library and of the languages list."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from ceis.forms import LightSelect

from . import selectors
from .models import Language, Material, Topic
from .services import CODE_TAKEN, FILE_OR_LINK, NO_LANGUAGE, NOT_BOTH, https_link
from .uploads import ACCEPT_ATTRIBUTE, check_upload, max_upload_bytes, too_large_error


def _small_widgets(form: forms.Form) -> None:
    """Small Bootstrap widgets; selects written in one pass (``LightSelect``, the same markup), set once the
    choices are."""
    for field in form.fields.values():
        choice = isinstance(field, forms.ChoiceField)
        field.widget.attrs["class"] = "form-select form-select-sm" if choice else "form-control form-control-sm"
        if type(field.widget) is forms.Select:
            field.widget = LightSelect(attrs=field.widget.attrs, choices=field.widget.choices)


def _valid_or_defaults(form: forms.Form) -> dict:
    if form.is_bound:
        form.is_valid()
        return form.cleaned_data
    return {}


class MaterialFilterForm(forms.Form):
    """Search and filters of the library page (GET: nothing personal goes in these URLs)."""

    STATUS_CHOICES = [
        (selectors.STATUS_ACTIVE, _("Active only")),
        (selectors.STATUS_INACTIVE, _("Inactive only")),
        (selectors.STATUS_ALL, _("Active and inactive")),
    ]

    q = forms.CharField(label=_("Title"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("All topics")), *Topic.Code.choices], required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Material.Kind.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, can_manage: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Codes in the URL, one query for the options and for checking the choice.
        languages = Language.objects.filter(active=True).order_by("name_it", "pk").only("code", "name_it", "name_en")
        self.fields["language"].choices = [("", _("All languages")), *((x.code, x.name) for x in languages)]
        if not can_manage:
            del self.fields["status"]  # operators browse the active library only
        _small_widgets(self)
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict:
        """The valid filters, defaults for the rest (an invalid value never breaks the page)."""
        data = _valid_or_defaults(self)
        return {
            "q": data.get("q") or "",
            "language": data.get("language") or "",
            "topic": data.get("topic") or "",
            "kind": data.get("kind") or "",
            "status": data.get("status") or selectors.STATUS_ACTIVE,
        }


class MaterialForm(forms.ModelForm):
    """A material with either a file or a link.

    ``file`` is not a model field of this form: an upload reaches the material only through
    ``uploads.check_upload`` and the services, never by ``construct_instance``.
    """

    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    url = forms.URLField(
        label=_("Link"),
        max_length=Material._meta.get_field("url").max_length,
        required=False,
        assume_scheme="https",
        validators=[https_link],
        help_text=Material._meta.get_field("url").help_text,
    )
    remove_file = forms.BooleanField(label=_("Remove the current file (to give a link instead)"), required=False)

    class Meta:
        model = Material
        fields = ["title", "kind", "languages", "topics", "description", "url"]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, file_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_too_large = file_too_large
        self.upload = None
        has_file = bool(self.instance.pk and self.instance.file)
        keep = self.instance.languages.all() if self.instance.pk else None
        self.fields["languages"].queryset = selectors.offered_languages(keep=keep)
        self.fields["languages"].error_messages["required"] = NO_LANGUAGE
        self.fields["topics"].queryset = Topic.objects.order_by("position", "pk")
        self.fields["file"].help_text = _(
            "PDF, PNG, JPEG, MP4, WebM, PPTX, ODP, DOCX or ODT, up to %(limit)s. Pictures are saved again "
            "without their hidden data (place, camera, author)."
        ) % {"limit": f"{max_upload_bytes() // (1024 * 1024)} MB"}
        if has_file:
            self.fields["file"].help_text = _("Upload a new file to replace the current one.")
        else:
            del self.fields["remove_file"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Div(Div("title", css_class="col-md-8"), Div("kind", css_class="col-md-4"), css_class="row"),
            Div(Div("languages", css_class="col-md-6"), Div("topics", css_class="col-md-6"), css_class="row"),
            "description",
            Div(
                Div("file", *(["remove_file"] if has_file else []), css_class="col-md-6"),
                Div("url", css_class="col-md-6"),
                css_class="row",
            ),
        )

    def clean_file(self):
        if self.file_too_large:
            raise too_large_error()
        upload = self.cleaned_data.get("file")
        if upload:
            self.upload = check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if "file" in self.errors or "url" in self.errors:
            return cleaned
        keeps_file = bool(self.instance.pk and self.instance.file) and not cleaned.get("remove_file")
        has_file = self.upload is not None or keeps_file
        url = cleaned.get("url")
        if has_file and url:
            raise forms.ValidationError(NOT_BOTH, code="file_and_link")
        if not has_file and not url:
            raise forms.ValidationError(FILE_OR_LINK, code="file_or_link")
        return cleaned

    def service_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("title", "kind", "description", "url")}


class LanguageFilterForm(forms.Form):
    STATUS_CHOICES = MaterialFilterForm.STATUS_CHOICES

    q = forms.CharField(label=_("Name or code"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small_widgets(self)
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict:
        data = _valid_or_defaults(self)
        return {"q": data.get("q") or "", "status": data.get("status") or selectors.STATUS_ACTIVE}


language_code = RegexValidator(
    r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$",
    _("Use the ISO 639 code: two or three letters, e.g. en, ti, pcm (a variant after a hyphen, e.g. zh-hant)."),
    code="language_code",
)


class LanguageForm(forms.ModelForm):
    class Meta:
        model = Language
        fields = ["code", "name_it", "name_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Div(
                Div("code", css_class="col-md-2"),
                Div("name_it", css_class="col-md-5"),
                Div("name_en", css_class="col-md-5"),
                css_class="row",
            )
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().lower()
        language_code(code)
        if selectors.language_code_taken(code, exclude_pk=self.instance.pk):
            raise forms.ValidationError(CODE_TAKEN, code="unique")
        return code
