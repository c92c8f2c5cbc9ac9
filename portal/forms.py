"""The portal's referral form: what the phone intake asks, in words for people outside the service."""

from __future__ import annotations

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.models import ExploitationForm, Person, Referral

from .services import NAME_REQUIRED

URGENCY_CHOICES = [
    (Referral.Urgency.ROUTINE, _("It can wait a few days")),
    (Referral.Urgency.PRIORITY, _("We should talk within one or two days")),
    (Referral.Urgency.IMMEDIATE, _("The person is in danger now")),
]


class PortalReferralForm(forms.Form):
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=URGENCY_CHOICES,
        initial=Referral.Urgency.ROUTINE,
        widget=forms.RadioSelect,
        help_text=_("If the person is in danger right now, also call the service or the emergency number 112."),
    )
    reason = forms.CharField(
        label=_("What happened, and why are you worried?"),
        help_text=_(
            "Write what the person told you or what you noticed (work, debts, threats, documents taken away...). "
            "Only what you know: we will talk to the person ourselves."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    exploitation_forms = forms.ModelMultipleChoiceField(
        label=_("What kind of exploitation do you suspect? (leave empty if you are not sure)"),
        queryset=ExploitationForm.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Surname"), max_length=100, required=False)
    aliases = forms.CharField(
        label=_("Other names or nickname"),
        max_length=200,
        required=False,
        help_text=_("If you do not know the real name, the name the person uses is enough."),
    )
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=Person.Gender.choices, initial=Person.Gender.NOT_STATED)
    birth_year = forms.IntegerField(label=_("Year of birth (an estimate is fine)"), required=False, min_value=1900)
    phone = forms.CharField(
        label=_("Phone number of the person"),
        max_length=50,
        required=False,
        help_text=_("Only if it is safe for the person that we call this number."),
    )
    # The rendered form's token (``services.submit_referral``): a second submission of it adds nothing.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())
        self.fields["birth_year"].max_value = timezone.localdate().year
        self.fields["birth_year"].widget.attrs["max"] = timezone.localdate().year
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Fieldset(
                _("The person you are referring"),
                Div(
                    Div("first_name", css_class="col-md-4"),
                    Div("last_name", css_class="col-md-4"),
                    Div("aliases", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("gender", css_class="col-md-4"),
                    Div("birth_year", css_class="col-md-4"),
                    Div("phone", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("What worries you"),
                "reason",
                Field("exploitation_forms"),
                "urgency",
            ),
            "submission",
        )

    def clean_submission(self):
        """A token that is not a UUID (an edited page) only loses the protection against a double submission."""
        try:
            return uuid.UUID(self.cleaned_data.get("submission") or "")
        except ValueError:
            return None

    def clean_birth_year(self):
        value = self.cleaned_data.get("birth_year")
        if value and value > timezone.localdate().year:
            raise forms.ValidationError(_("The year of birth cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if not any((data.get(f) or "").strip() for f in ("first_name", "last_name", "aliases")):
            self.add_error("last_name", NAME_REQUIRED)
        return data
