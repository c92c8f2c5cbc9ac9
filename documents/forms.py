from __future__ import annotations

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.forms import DateInput
from ceis.uploads import PDF_AND_IMAGES, CheckedFile, check_file, too_large_error

from .models import Document

IN_FUTURE = _("The date of the document cannot be in the future.")


def max_upload_bytes() -> int:
    return settings.DOCUMENT_MAX_UPLOAD_MB * 1024 * 1024


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    date = forms.DateField(label=_("Date of the document"), widget=DateInput())
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG or JPEG. Photos are saved again without their hidden data (position, camera)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, file_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_too_large = file_too_large
        self.checked: CheckedFile | None = None
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(IN_FUTURE, code="future")
        return date

    def clean_file(self):
        if self.file_too_large:
            raise too_large_error(max_upload_bytes())
        upload = self.cleaned_data["file"]
        self.checked = check_file(upload, allowed=PDF_AND_IMAGES, max_bytes=max_upload_bytes())
        return upload

    def full_clean(self):
        super().full_clean()
        if self.file_too_large and self.is_bound:
            # The handler dropped the file as it arrived: say why rather than "this field is required".
            self.errors["file"] = self.error_class([too_large_error(max_upload_bytes()).messages[0]])
