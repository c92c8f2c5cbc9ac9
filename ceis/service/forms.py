from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from ceis.uploads import IMAGES, CheckedFile, check_file, too_large_error

from .models import ServiceSettings

LOGO_MAX_BYTES = 2 * 1024 * 1024


class ServiceSettingsForm(forms.ModelForm):
    logo_file = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, up to 2 MB. It is saved again without its hidden data."),
        widget=forms.FileInput(attrs={"accept": ".png,.jpg,.jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = ServiceSettings
        fields = [
            "letterhead_name",
            "letterhead_unit",
            "letterhead_address",
            "phone",
            "activation_line",
            "email",
            "pec",
            "catalogue_substitution",
            "closure_approval",
            "service_answer_days",
        ]

    def __init__(self, *args, logo_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.logo_too_large = logo_too_large
        self.checked_logo: CheckedFile | None = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token

    def clean_logo_file(self):
        if self.logo_too_large:
            raise too_large_error(LOGO_MAX_BYTES)
        upload = self.cleaned_data.get("logo_file")
        if upload:
            self.checked_logo = check_file(upload, allowed=IMAGES, max_bytes=LOGO_MAX_BYTES)
        return upload

    def changes(self) -> dict:
        """What ``service_settings_update`` is to write: the edited fields and, when asked, the logo."""
        changes = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.checked_logo is not None:
            changes.update(logo=self.checked_logo.data, logo_type=self.checked_logo.mime)
        elif self.cleaned_data.get("remove_logo"):
            changes.update(logo=b"", logo_type="")
        return changes
