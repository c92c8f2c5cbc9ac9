from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. the program that uses it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        most = settings.API_TOKEN_MAX_DAYS
        self.fields["days"] = forms.IntegerField(
            label=_("Valid for (days)"),
            min_value=1,
            max_value=most,
            initial=min(settings.API_TOKEN_DEFAULT_DAYS, most),
            help_text=_("At most %(max)s.") % {"max": most},
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name
