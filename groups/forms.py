from __future__ import annotations

import django_filters
from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from ceis import access
from ceis.forms import DATETIME_LOCAL, DateTimeLocalInput, LightSelect, PlausibleDateRangeFilter, option_tags
from ceis.partners.models import PartnerBody
from materials import selectors as material_selectors
from referrals.models import Person, Referral

from .models import AttendanceRow, GroupSession

DATETIME_FORMATS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]
MAX_PEOPLE = 500

FACILITATOR_REQUIRED = _("Choose at least one facilitating operator.")
INACTIVE_CENTRE = _("This body is not active: choose an active host centre.")
COUNT_RANGE = _("Enter a number of people between 1 and 500.")
ATTENDANCE_REQUIRED = _("A session held in the past needs its attendance: enter at least one row.")
FUTURE_HELD = _(
    "A session dated in the future cannot be marked held: plan it now, and mark it held once it has taken place."
)
PAST_PLANNED = _("A planned session is dated from now on: for a session already held, choose “already held”.")
PLANNED_NO_ATTENDANCE = _("A planned session has no attendance yet: leave the rows empty, or choose “already held”.")
DUPLICATE_ROW = _(
    "%(nationality)s · %(gender)s · %(language)s is on more than one row: add the numbers up on a single row."
)
REQUEST_REQUIRED = _("Enter at least one request: the name or alias and what the person said.")


def _helper(layout: Layout | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's own <form> carries the token
    if layout is not None:
        helper.layout = layout
    return helper


def _row(*fields: str, width: int = 4) -> Div:
    return Div(*[Div(f, css_class=f"col-md-{width}") for f in fields], css_class="row")


def _operator_label(user) -> str:
    return user.get_full_name() or user.username


class SessionForm(forms.ModelForm):
    """The session itself; the facilitators are assigned by the service, through ``ceis.access``."""

    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitating operators"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": FACILITATOR_REQUIRED},
        help_text=_("They see the session and can edit it."),
    )

    class Meta:
        model = GroupSession
        fields = ["held_at", "host_centre", "place", "mediators", "languages", "topics", "materials", "notes"]
        widgets = {
            "held_at": DateTimeLocalInput(),
            "host_centre": LightSelect,  # some hundred bodies: one pass, not one template per option
            "languages": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "materials": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    status = forms.ChoiceField(
        label=_("This session is"),
        choices=[
            (GroupSession.Status.PLANNED, _("planned: it has not taken place yet")),
            (GroupSession.Status.HELD, _("already held: record its attendance now")),
        ],
        initial=GroupSession.Status.PLANNED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        session = self.instance
        if session.pk:
            del self.fields["status"]  # planned sessions are held or cancelled from their page
        current = access.assignees([session]).get(session.pk, []) if session.pk else []
        assignable = access.operators_assignable().values("pk")
        self.fields["facilitators"].queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=assignable) | Q(pk__in=[u.pk for u in current]))
            .order_by("first_name", "last_name", "username")
        )
        self.fields["facilitators"].label_from_instance = _operator_label
        if session.pk:
            self.initial.setdefault("facilitators", [u.pk for u in current])
        elif user.is_operator:
            self.initial.setdefault("facilitators", [user.pk])
        self.fields["held_at"].input_formats = DATETIME_FORMATS
        self.fields["host_centre"].queryset = PartnerBody.objects.filter(
            Q(active=True) | Q(pk=session.host_centre_id or 0)
        ).order_by("name")
        self.fields["host_centre"].error_messages["invalid_choice"] = INACTIVE_CENTRE
        chosen = [language.pk for language in session.languages.all()] if session.pk else []
        self.fields["languages"].queryset = material_selectors.languages_offered(chosen)
        self.fields["languages"].label = _("Languages")
        self.fields["languages"].help_text = _("Of a planned session, those invited; once it is held, those used.")
        chosen = [material.pk for material in session.materials.all()] if session.pk else []
        self.fields["materials"].queryset = material_selectors.materials_offered(chosen)
        self.fields["materials"].label_from_instance = lambda m: f"{m.title} ({m.get_kind_display()})"
        self.helper = _helper(
            Layout(
                Fieldset(
                    _("When and where"),
                    *(["status"] if "status" in self.fields else []),
                    _row("held_at", "host_centre", "place"),
                ),
                Fieldset(
                    _("Who led it"),
                    InlineCheckboxes("facilitators"),
                    "mediators",
                    InlineCheckboxes("languages"),
                ),
                Fieldset(
                    _("What was covered"),
                    InlineCheckboxes("topics"),
                    "materials",
                    "notes",
                ),
            )
        )

    def intended_status(self) -> str | None:
        """The status the session will have once saved: chosen on a new session, unchanged on an edit."""
        if "status" in self.fields:
            return self.cleaned_data.get("status")
        return self.instance.status

    def clean(self):
        data = super().clean()
        when, status = data.get("held_at"), self.intended_status()
        if when and status == GroupSession.Status.HELD and when > timezone.now():
            self.add_error("held_at", FUTURE_HELD)
        if when and "status" in self.fields and status == GroupSession.Status.PLANNED and when < timezone.now():
            self.add_error("held_at", PAST_PLANNED)
        return data


class _Listed(BaseChoiceIterator):
    """Choices listed once for a whole attendance table. Django iterates a select's choices several times per row
    (the blank choice looked for, the required attribute, the options), each time normalizing every one of some
    250 nationalities again; an iterator of its own is taken as already normalized."""

    def __init__(self, choices):
        self.choices = list(choices)
        self.flat = not any(isinstance(label, (list, tuple)) for _value, label in self.choices)
        self._written: dict[frozenset, SafeString] = {}

    def __iter__(self):
        return iter(self.choices)

    def options(self, chosen: frozenset) -> SafeString:
        """The ``<option>`` elements as ``LightSelect`` writes them, written once per choice made in the table."""
        if chosen not in self._written:
            self._written[chosen] = option_tags(self.choices, chosen)
        return self._written[chosen]


class _TableSelect(LightSelect):
    """``LightSelect`` whose options, listed once for the table (``_Listed``), are written once per choice made."""

    def render(self, name, value, attrs=None, renderer=None):
        listed = self.choices
        if not isinstance(listed, _Listed) or not listed.flat or self.allow_multiple_selected:
            return super().render(name, value, attrs, renderer)
        chosen = frozenset(str(v) for v in self.format_value(value))
        return format_html(
            '<select name="{}"{}>\n  {}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            listed.options(chosen),
        )


class AttendanceRowForm(forms.ModelForm):
    """One row of the attendance table: how many people of a nationality, gender and language. No names."""

    count = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=MAX_PEOPLE,
        error_messages={"min_value": COUNT_RANGE, "max_value": COUNT_RANGE, "invalid": COUNT_RANGE},
    )

    class Meta:
        model = AttendanceRow
        fields = ["nationality", "gender", "language", "count"]

    def __init__(self, *args, languages=None, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if languages is not None:
            self.fields["language"].queryset = languages
        self.fields["language"].empty_label = _("not recorded")
        for name, listed in (choices or {}).items():
            self.fields[name].choices = listed  # listed once for the whole table
        for name in ("nationality", "gender", "language"):
            # Nine rows of some 250 nationalities each: written in one pass per select (same markup), not one
            # template per option, which made the new-session page ~0.5 s at any size (bench/README.md).
            field = self.fields[name]
            field.widget = _TableSelect(attrs={**field.widget.attrs, "class": "form-select form-select-sm"})
            field.widget.choices = field.choices
        self.fields["count"].widget.attrs.update({"class": "form-control form-control-sm", "inputmode": "numeric"})

    def key(self) -> tuple:
        data = self.cleaned_data
        return (data["nationality"], data["gender"], data["language"].pk if data["language"] else None)


class BaseAttendanceFormSet(forms.BaseFormSet):
    """Rows are checked together: no (nationality, gender, language) twice; a held session needs one, a planned
    session none."""

    def __init__(self, *args, session_form: SessionForm | None, **kwargs):
        self.session_form = session_form  # None: the session is being marked held
        chosen = {row["language"] for row in kwargs.get("initial") or [] if row.get("language")}
        self.languages = material_selectors.languages_offered(chosen)
        super().__init__(*args, **kwargs)

    @cached_property
    def row_choices(self) -> dict[str, _Listed]:
        fields = self.form.base_fields
        return {
            "nationality": _Listed(fields["nationality"].choices),
            "gender": _Listed(fields["gender"].choices),
            "language": _Listed([("", _("not recorded")), *((lang.pk, lang.name) for lang in self.languages)]),
        }

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "languages": self.languages, "choices": self.row_choices}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def _kept(self):
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.cleaned_data.get("count"):
                yield form

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self._kept():
            key = form.key()
            if key in seen:
                data = form.cleaned_data
                raise forms.ValidationError(
                    DUPLICATE_ROW
                    % {
                        "nationality": countries.name(data["nationality"]),
                        "gender": dict(Person.Gender.choices)[data["gender"]],
                        "language": data["language"] or _("language not recorded"),
                    },
                    code="duplicate",
                )
            seen.add(key)
        if self.session_form is None:
            status = GroupSession.Status.HELD
        else:
            status = self.session_form.intended_status() if self.session_form.is_valid() else None
        if status == GroupSession.Status.HELD and not seen:
            raise forms.ValidationError(ATTENDANCE_REQUIRED, code="required")
        if status == GroupSession.Status.PLANNED and seen:
            raise forms.ValidationError(PLANNED_NO_ATTENDANCE, code="planned")

    def rows(self) -> list[dict]:
        """The rows to keep: nationality (code), gender, language (or None) and count."""
        return [
            {
                "nationality": form.cleaned_data["nationality"],
                "gender": form.cleaned_data["gender"],
                "language": form.cleaned_data["language"],
                "count": form.cleaned_data["count"],
            }
            for form in self._kept()
        ]


# Rows a session's attendance table or follow-up requests may hold (the pages offer far fewer; see views.MAX_ROWS).
MAX_FORMSET_ROWS = 100


def attendance_formset(data=None, *, session: GroupSession, session_form: SessionForm | None, extra: int):
    """The attendance table of a session: its rows, then ``extra`` empty rows."""
    initial = [
        {"nationality": r.nationality.code, "gender": r.gender, "language": r.language_id, "count": r.count}
        for r in (session.attendance.all() if session.pk else [])
    ]
    formset_class = forms.formset_factory(
        AttendanceRowForm,
        formset=BaseAttendanceFormSet,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
        # A forged TOTAL_FORMS must not make the server build and render thousands of rows.
        max_num=MAX_FORMSET_ROWS,
        absolute_max=MAX_FORMSET_ROWS,
        validate_max=True,
    )
    return formset_class(data, initial=initial, prefix="attendance", session_form=session_form)


class FollowUpRequestForm(forms.Form):
    """A participant who asked for an individual interview: just enough to become a referral."""

    name = forms.CharField(
        label=_("Name or alias"),
        max_length=100,
        help_text=_("As the person gave it: her or his name, or an alias she or he chose."),
    )
    is_alias = forms.BooleanField(label=_("It is an alias"), required=False)
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=Person.Gender.choices, initial=Person.Gender.NOT_STATED)
    nationality = forms.ChoiceField(
        label=_("Nationality"), choices=lambda: [("", "---------"), *countries], required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    reason = forms.CharField(label=_("What she or he said"), widget=forms.Textarea(attrs={"rows": 2}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Referral.Urgency.choices, initial=Referral.Urgency.ROUTINE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Layout(
                _row("name", "is_alias", "gender", width=4),
                _row("nationality", "phone", "urgency", width=4),
                "reason",
            )
        )
        self.helper.form_show_errors = True


class BaseFollowUpFormSet(forms.BaseFormSet):
    default_error_messages = {"too_few_forms": REQUEST_REQUIRED}

    def requests(self) -> list[dict]:
        """The cleaned requests, empty rows left out."""
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]


def follow_up_formset(data=None, *, extra: int = 2):
    """``extra`` blank requests in all (the one required by ``min_num`` included)."""
    formset_class = forms.formset_factory(
        FollowUpRequestForm,
        formset=BaseFollowUpFormSet,
        extra=max(extra - 1, 0),
        min_num=1,
        validate_min=True,
        max_num=MAX_FORMSET_ROWS,
        absolute_max=MAX_FORMSET_ROWS,
        validate_max=True,
    )
    return formset_class(data, prefix="requests")


class SessionFilter(django_filters.FilterSet):
    # Bodies that hosted a session: an EXISTS probing the host-centre index once per body, rather than a
    # DISTINCT over the join with every session.
    host_centre = django_filters.ModelChoiceFilter(
        label=_("Host centre"),
        queryset=PartnerBody.objects.filter(Exists(GroupSession.objects.filter(host_centre=OuterRef("pk")))).only(
            "name"
        ),
        widget=LightSelect,  # a hundred bodies: one pass, not a template per option
    )
    held = PlausibleDateRangeFilter(
        label=_("Held between"),
        field_name="held_at",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )

    class Meta:
        model = GroupSession
        fields = ["host_centre", "held"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["host_centre"].queryset = self.form.fields["host_centre"].queryset.order_by("name")
        self.form.fields["host_centre"].widget.attrs["class"] = "form-select form-select-sm"
