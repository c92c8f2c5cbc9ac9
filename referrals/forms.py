from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ceis.consent.forms import receiving_body_field
from ceis.forms import DATETIME_LOCAL, DateInput, DateTimeLocalInput, light_selects
from ceis.partners.models import PartnerBody, PartnerContact
from ceis.partners.selectors import active_bodies, active_contacts

from .models import ExploitationForm, Person, Referral
from .services import OUTCOME_REQUIRED, RECEIVING_BODY_REQUIRED, REFERS_ON

INACTIVE_BODY = _("This body is not active: choose an active referring body.")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's own <form> carries the token
    return helper


class ExploitationChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=ExploitationForm.objects.all(), required=False, **kwargs)


class IntakeForm(forms.Form):
    """Phone intake: few required fields, the rest completed later on the referral and person pages."""

    self_referral = forms.BooleanField(
        label=_("Self-referral or National helpline: no referring body"),
        required=False,
        help_text=_("She called or came herself, or the Numero Verde passed on her call: leave the body empty."),
    )
    referring_body = forms.ModelChoiceField(
        label=_("Referring body"),
        queryset=PartnerBody.objects.none(),
        required=False,
        error_messages={"invalid_choice": INACTIVE_BODY},
    )
    referring_contact = forms.ModelChoiceField(
        label=_("Contact person"), queryset=PartnerContact.objects.none(), required=False
    )
    referrer_name = forms.CharField(
        label=_("Who referred"),
        max_length=150,
        required=False,
        help_text=_("Name and role of the caller, if not a known contact."),
    )
    # The portal is the partner bodies' own channel: staff record the others.
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Referral.Channel.choices if c[0] != Referral.Channel.PORTAL],
        initial=Referral.Channel.PHONE,
    )
    received_at = forms.DateTimeField(
        label=_("Received at"), widget=DateTimeLocalInput(), input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Referral.Urgency.choices, initial=Referral.Urgency.ROUTINE)
    reason = forms.CharField(label=_("What was reported"), widget=forms.Textarea(attrs={"rows": 5}))
    exploitation_forms = ExploitationChoiceField(label=_("Suspected forms of exploitation"))
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    aliases = forms.CharField(label=_("Aliases"), max_length=200, required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous: her name is not known"),
        required=False,
        help_text=_("A report without a name: she will be known by her case code."),
    )
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=Person.Gender.choices, initial=Person.Gender.NOT_STATED)
    birth_year = forms.IntegerField(label=_("Year of birth (or estimated)"), required=False, min_value=1900)
    nationality = CountryField(blank=True).formfield(label=_("Nationality"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    confirm_new_person = forms.BooleanField(
        label=_("I have checked the possible match: record this as a new person"), required=False
    )
    # A coordinator's answer to the possible match: the person already known this referral belongs to.
    existing_person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates = []  # [(person, Candidate)] a coordinator may see
        self.hidden_duplicate = False
        self.attach_to = None  # the person already known a coordinator chose
        self.may_attach = False
        self.possible_duplicate = None  # the answer of the duplicate check once the form is valid
        self.fields["referring_body"].queryset = active_bodies()
        self.fields["referring_contact"].queryset = active_contacts()
        self.fields["referring_contact"].label_from_instance = lambda c: f"{c} — {c.body}"
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["birth_year"].max_value = timezone.localdate().year
        light_selects(self)  # ~250 countries, the bodies and contacts: one pass each (issue #20)
        self.helper = _helper()
        self.helper.layout = Layout(
            Fieldset(
                _("Who refers"),
                Div(
                    Div("referring_body", css_class="col-md-6"),
                    Div("referring_contact", css_class="col-md-6"),
                    css_class="row",
                ),
                "self_referral",
                Div(
                    Div("referrer_name", css_class="col-md-6"),
                    Div("channel", css_class="col-md-3"),
                    Div("received_at", css_class="col-md-3"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Urgency and reason"),
                "urgency",
                "reason",
                Field("exploitation_forms"),
            ),
            Fieldset(
                _("The person"),
                Div(
                    Div("first_name", css_class="col-md-4"),
                    Div("last_name", css_class="col-md-4"),
                    Div("aliases", css_class="col-md-4"),
                    css_class="row",
                ),
                "anonymous",
                Div(
                    Div("gender", css_class="col-md-3"),
                    Div("birth_year", css_class="col-md-3"),
                    Div("nationality", css_class="col-md-3"),
                    Div("phone", css_class="col-md-3"),
                    css_class="row",
                ),
            ),
        )

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("The referral cannot be received in the future."))
        return value

    def clean_birth_year(self):
        value = self.cleaned_data.get("birth_year")
        if value and value > timezone.localdate().year:
            raise forms.ValidationError(_("The year of birth cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        names = [data.get(f, "").strip() for f in ("first_name", "last_name", "aliases")]
        if data.get("anonymous") and any(names):
            self.add_error("anonymous", _("An anonymous referral has no name: clear the names or untick anonymous."))
        elif not any(names) and not data.get("anonymous"):
            self.add_error(
                "last_name", _("Give at least a name or an alias, or tick anonymous if her name is not known.")
            )
        contact, body = data.get("referring_contact"), data.get("referring_body")
        if data.get("self_referral"):
            if body or contact:
                self.add_error(
                    "self_referral", _("A self-referral has no referring body: clear the body and the contact.")
                )
        elif "referring_body" not in self.errors and not body:
            self.add_error(
                "referring_body", _("Choose the referring body, or tick self-referral or National helpline.")
            )
        if contact and body and contact.body_id != body.pk:
            self.add_error("referring_contact", _("This contact does not belong to the referring body."))
        if not self.errors and not data.get("anonymous"):
            self._check_duplicates()
        return data

    def person(self) -> Person:
        d = self.cleaned_data
        return Person(
            first_name=d["first_name"].strip(),
            last_name=d["last_name"].strip(),
            aliases=d["aliases"].strip(),
            gender=d["gender"],
            birth_year=d.get("birth_year"),
            nationality=d.get("nationality") or "",
            phone=d["phone"].strip(),
            anonymous=bool(d.get("anonymous")),
        )

    def referral(self) -> Referral:
        d = self.cleaned_data
        return Referral(
            referring_body=d.get("referring_body"),
            referring_contact=d.get("referring_contact"),
            referrer_name=d["referrer_name"],
            channel=d["channel"],
            received_at=d["received_at"],
            urgency=d["urgency"],
            reason=d["reason"],
        )

    def _check_duplicates(self):
        """Likely matches: a coordinator sees them (case code, score, reasons) and may attach the referral to
        one; anyone else learns only that the person may already be known (``referrals.services``)."""
        from .services import likely_matches, may_attach

        d = self.cleaned_data
        self.may_attach = may_attach(self.user)
        found = likely_matches(person=self.person(), user=self.user)
        self.possible_duplicate = found.any
        if not found.any:
            return
        self.duplicates = found.visible
        self.hidden_duplicate = found.hidden
        chosen = d.get("existing_person") if self.may_attach else None
        if chosen:
            by_pk = {p.pk: p for p, _c in found.visible}
            if chosen not in by_pk:
                self.add_error(None, _("That person is not among the possible matches: choose again."))
                return
            self.attach_to = by_pk[chosen]
            return
        if not d.get("confirm_new_person"):
            if self.may_attach:
                message = _(
                    "This person may already be known to the service. Attach the referral to her record, or check "
                    "and confirm that she is a new person."
                )
            else:
                message = _(
                    "The person may already be known to the service; the coordinator decides. Confirm to record "
                    "the referral: the coordinators will be asked to review it."
                )
            self.add_error("confirm_new_person", message)


class ReferralForm(forms.ModelForm):
    """Complete a referral after the call."""

    class Meta:
        model = Referral
        fields = [
            "referring_body",
            "referring_contact",
            "referrer_name",
            "channel",
            "received_at",
            "urgency",
            "reason",
            "exploitation_forms",
        ]
        widgets = {
            "received_at": DateTimeLocalInput(),
            "reason": forms.Textarea(attrs={"rows": 5}),
            "exploitation_forms": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referring_body"].queryset = active_bodies(self.instance.referring_body_id)
        self.fields["referring_body"].error_messages["invalid_choice"] = INACTIVE_BODY
        self.fields["referring_body"].help_text = _(
            "Leave empty for a self-referral or a call from the National helpline."
        )
        self.fields["referring_contact"].queryset = active_contacts(self.instance.referring_contact_id)
        self.fields["referring_contact"].label_from_instance = lambda c: f"{c} — {c.body}"
        self.fields["received_at"].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
        if self.instance.channel != Referral.Channel.PORTAL:  # only a portal referral keeps that channel
            self.fields["channel"].choices = [
                c for c in self.fields["channel"].choices if c[0] != Referral.Channel.PORTAL
            ]
        self.helper = _helper()

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("The referral cannot be received in the future."))
        return value


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "aliases",
            "anonymous",
            "gender",
            "date_of_birth",
            "birth_year",
            "age_doubtful",
            "nationality",
            "languages",
            "preferred_language",
            "phone",
            "documents",
            "reception_centre",
            "legal_status",
            "minor",
            "unaccompanied",
            "pregnant",
            "single_parent",
            "disability",
            "mental_health",
            "torture_survivor",
            "children_count",
        ]
        widgets = {"date_of_birth": DateInput(), "documents": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reception_centre"].queryset = active_bodies(self.instance.reception_centre_id)
        self.helper = _helper()
        self.helper.layout = Layout(
            Fieldset(
                _("Identity"),
                Div(
                    Div("first_name", css_class="col-md-4"),
                    Div("last_name", css_class="col-md-4"),
                    Div("aliases", css_class="col-md-4"),
                    css_class="row",
                ),
                "anonymous",
                Div(
                    Div("gender", css_class="col-md-3"),
                    Div("date_of_birth", css_class="col-md-3"),
                    Div("birth_year", css_class="col-md-3"),
                    Div("age_doubtful", css_class="col-md-3 pt-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("nationality", css_class="col-md-4"),
                    Div("languages", css_class="col-md-4"),
                    Div("preferred_language", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(Div("phone", css_class="col-md-4"), Div("documents", css_class="col-md-8"), css_class="row"),
            ),
            Fieldset(
                _("Reception and legal status"),
                Div(
                    Div("reception_centre", css_class="col-md-6"),
                    Div("legal_status", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Vulnerabilities"),
                Div(
                    *[
                        Div(f, css_class="col-md-4")
                        for f in (
                            "minor",
                            "unaccompanied",
                            "pregnant",
                            "single_parent",
                            "disability",
                            "mental_health",
                            "torture_survivor",
                        )
                    ],
                    css_class="row",
                ),
                "children_count",
            ),
        )


class AssignForm(forms.Form):
    operator = forms.ModelChoiceField(label=_("Operator"), queryset=None)

    def __init__(self, *args, **kwargs):
        from ceis import access

        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = access.operators_assignable()
        self.fields["operator"].label_from_instance = lambda u: u.get_full_name() or u.username


class NameSearchForm(forms.Form):
    """Search by name is POSTed: the name never appears in a URL, a log line or the browser history."""

    name = forms.CharField(label=_("Name or alias"), max_length=200)


class CloseForm(forms.Form):
    """Close a referral: the outcome of identification is required, the note is optional (and encrypted)."""

    outcome = forms.ChoiceField(
        label=_("Outcome of identification"),
        choices=[("", "---------"), *Referral.Outcome.choices],
        error_messages={"required": OUTCOME_REQUIRED, "invalid_choice": OUTCOME_REQUIRED},
    )
    closure_note = forms.CharField(
        label=_("Closure note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why the referral closes this way, and what the person was told. Stored encrypted."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_body"] = receiving_body_field()
        self.order_fields(["outcome", "receiving_body", "closure_note"])
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        if data.get("outcome") in REFERS_ON and not data.get("receiving_body"):
            self.add_error("receiving_body", RECEIVING_BODY_REQUIRED)
        return data


class MergeStartForm(forms.Form):
    """The other record of the same person, named by its case code (a code, never a name, in the request)."""

    case_code = forms.CharField(
        label=_("Case code of the other record"),
        max_length=20,
        help_text=_("For example LU-2026-0042. The next page shows both records before anything changes."),
    )

    def __init__(self, *args, person: Person, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.person, self.user = person, user
        self.helper = _helper()

    def clean_case_code(self):
        from ceis import access

        code = self.cleaned_data["case_code"].strip().upper()
        other = access.visible(Person, self.user, action="change").filter(case_code=code).first()
        if other is None:
            raise forms.ValidationError(_("No record you may change has this case code."))
        if other.pk == self.person.pk:
            raise forms.ValidationError(_("This is the record you are on: give the case code of the other one."))
        self.other = other
        return code


class MergeConfirmForm(forms.Form):
    survivor = forms.TypedChoiceField(label=_("Case code to keep"), coerce=int, widget=forms.RadioSelect, choices=[])
    confirm = forms.BooleanField(
        label=_("I have checked that both records are the same person."),
        error_messages={"required": _("Tick the box to confirm that both records are the same person.")},
    )

    def __init__(self, *args, people: tuple[Person, Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(p.pk, p.case_code) for p in people]
        self.fields["survivor"].initial = people[0].pk
        self.helper = _helper()


class AttachForm(forms.Form):
    """A coordinator attaches a referral to a person already known: one of the likely matches, or by case code."""

    person = forms.TypedChoiceField(
        label=_("Possible matches"), coerce=int, required=False, widget=forms.RadioSelect, empty_value=None
    )
    case_code = forms.CharField(
        label=_("Or her case code"), max_length=20, required=False, help_text=_("For example LU-2026-0042.")
    )

    def __init__(self, *args, matches=(), user=None, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.current = user, current
        self.matches = list(matches)
        self.fields["person"].choices = [(p.pk, p.case_code) for p, _c in self.matches]
        self.chosen = None

    def clean(self):
        from ceis import access

        data = super().clean()
        pk, code = data.get("person"), (data.get("case_code") or "").strip().upper()
        if self.errors:
            return data
        if bool(pk) == bool(code):
            raise forms.ValidationError(_("Choose one of the possible matches or give a case code (not both)."))
        if pk:
            self.chosen = next(p for p, _c in self.matches if p.pk == pk)
        else:
            self.chosen = access.visible(Person, self.user).filter(case_code=code).first()
            if self.chosen is None:
                self.add_error("case_code", _("No person with that case code."))
                return data
        if self.current is not None and self.chosen.pk == self.current.pk:
            raise forms.ValidationError(_("This referral already concerns that person."))
        return data
