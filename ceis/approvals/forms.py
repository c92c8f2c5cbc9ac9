from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import SEND_BACK_NOTE_REQUIRED


class SendBackForm(forms.Form):
    decision_note = forms.CharField(
        label=_("Why it goes back"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The operator reads this note. Stored encrypted."),
        error_messages={"required": SEND_BACK_NOTE_REQUIRED},
    )
