from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ceis import access
from ceis.accounts import roles
from ceis.consent.forms import receiving_body_field
from ceis.forms import DateInput, LightSelect
from ceis.partners.models import PartnerBody
from referrals import selectors as referral_selectors
from referrals.models import Person
from referrals.services import likely_matches

from .models import ProtectionPathway
from .services import REASON_REQUIRED, RECEIVING_BODY_REQUIRED

CHECK = {"class": "form-check-input"}


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


class OperatorsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=access.operators_assignable(),
            error_messages={"invalid_choice": _("Only active operators can be assigned.")},
            **kwargs,
        )

    def label_from_instance(self, obj) -> str:
        return _operator_label(obj)


class _OpenForm(forms.Form):
    """What every pathway starts with. A coordinator chooses the operators; an operator follows it herself."""

    legal_basis = forms.ChoiceField(
        label=_("Legal basis"),
        choices=[("", "---------"), *ProtectionPathway.LegalBasis.choices],
        error_messages={"required": _("Choose the legal basis of the pathway.")},
    )
    phase = forms.ChoiceField(
        label=_("Phase at the start"),
        choices=ProtectionPathway.Phase.choices,
        initial=ProtectionPathway.Phase.EMERGENCY,
    )
    started_on = forms.DateField(
        label=_("Start"),
        widget=DateInput(),
        error_messages={"required": _("Give the date the pathway starts.")},
    )
    operators = OperatorsField(label=_("Operators who follow the pathway"), required=False)

    def __init__(self, *args, user, initial_operators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["started_on"].initial = timezone.localdate()
        if user.is_operator:
            self.fields["operators"].help_text = _("You follow the pathway yourself; add colleagues if needed.")
            self.fields["operators"].queryset = access.operators_assignable().exclude(pk=user.pk)
        self.fields["operators"].initial = [u.pk for u in initial_operators]

    def clean_started_on(self):
        value = self.cleaned_data["started_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The pathway cannot start in the future."))
        return value

    def clean(self):
        data = super().clean()
        if not self.user.is_operator and not data.get("operators") and "operators" not in self.errors:
            # At the top of the form: the list of operators may be empty, with nowhere to show an error.
            self.add_error(None, _("Choose at least one operator to follow the pathway."))
        return data


class OpenFromReferralForm(_OpenForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Layout(_row("legal_basis", "phase", "started_on"), "operators"))


class OpenTransferForm(_OpenForm):
    """A person transferred in from another project: one already recorded (by case code) or a new one."""

    transferred_from = forms.ModelChoiceField(
        label=_("Transferred from"),
        queryset=PartnerBody.objects.none(),
        help_text=_("The project or body the person comes from."),
        error_messages={
            "required": _("Give the project the person was transferred from."),
            "invalid_choice": _("This body is not active: choose an active body."),
        },
    )
    case_code = forms.CharField(
        label=_("Case code of a person already recorded"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to record a new person below."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    aliases = forms.CharField(label=_("Aliases"), max_length=200, required=False)
    gender = forms.ChoiceField(label=_("Sex / gender"), choices=Person.Gender.choices, initial=Person.Gender.FEMALE)
    birth_year = forms.IntegerField(label=_("Year of birth (or estimated)"), required=False, min_value=1900)
    confirm_new_person = forms.BooleanField(
        label=_("I have checked the possible match: record this as a new person"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates: list[Person] = []
        self.hidden_duplicate = False
        self.fields["transferred_from"].queryset = PartnerBody.objects.filter(active=True).order_by("name")
        self.fields["birth_year"].max_value = timezone.localdate().year
        self.helper = _helper(
            Layout(
                Fieldset(_("The pathway"), _row("transferred_from", "legal_basis"), _row("phase", "started_on")),
                "operators",
                Fieldset(
                    _("The person"),
                    "case_code",
                    _row("first_name", "last_name", "aliases"),
                    _row("gender", "birth_year"),
                ),
            )
        )

    def clean_case_code(self):
        code = self.cleaned_data["case_code"].strip()
        if not code:
            return None
        person = referral_selectors.person_by_code(code, self.user)  # an old (merged) case code leads on
        if person is None:
            raise forms.ValidationError(_("No person you may see has this case code."))
        return person

    def clean_birth_year(self):
        value = self.cleaned_data.get("birth_year")
        if value and value > timezone.localdate().year:
            raise forms.ValidationError(_("The year of birth cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        names = [data.get(f, "").strip() for f in ("first_name", "last_name", "aliases")]
        if data.get("case_code"):
            if any(names):
                self.add_error("case_code", _("Give either the case code of a person already recorded or a new name."))
        elif "case_code" not in self.errors:
            if not any(names):
                self.add_error("last_name", _("Give at least a name or an alias, or the case code of a person."))
            elif not self.errors:
                self._check_duplicates()
        return data

    def person(self) -> Person:
        """The person the pathway is for: one already recorded, or a new one (not saved yet)."""
        d = self.cleaned_data
        if d.get("case_code"):
            return d["case_code"]
        return Person(
            first_name=d["first_name"].strip(),
            last_name=d["last_name"].strip(),
            aliases=d["aliases"].strip(),
            gender=d["gender"],
            birth_year=d.get("birth_year"),
        )

    def _check_duplicates(self):
        # The blind matching of the intake (referrals.matching): similar names, transliterations, birth year ± 1.
        found = likely_matches(person=self.person(), user=self.user)
        if not found.any:
            return
        self.duplicates = [person for person, _match in found.visible]
        self.hidden_duplicate = found.hidden
        if not self.cleaned_data.get("confirm_new_person"):
            self.add_error(
                "confirm_new_person",
                _(
                    "A person with a similar name and year of birth may already be recorded. Give her case code, "
                    "or confirm to record a new person."
                ),
            )


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(
        label=_("New phase"),
        choices=ProtectionPathway.Phase.choices,
        error_messages={"invalid_choice": _("Choose one of the phases of the programme.")},
    )
    changed_on = forms.DateField(
        label=_("Date of the change"),
        widget=DateInput(),
        error_messages={"required": _("Give the date of the phase change.")},
    )

    def __init__(self, *args, pathway: ProtectionPathway, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changed_on"].initial = timezone.localdate()
        order = ProtectionPathway.Phase.values
        current = order.index(pathway.phase) if pathway.phase in order else -1
        if current + 1 < len(order):
            self.fields["phase"].initial = order[current + 1]
        self.helper = _helper(Layout(_row("phase", "changed_on", width=6)))


class CloseForm(forms.Form):
    ended_on = forms.DateField(
        label=_("End"), widget=DateInput(), error_messages={"required": _("Give the date the pathway ended.")}
    )
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"),
        choices=[("", "---------"), *ProtectionPathway.ClosureReason.choices],
        error_messages={"required": REASON_REQUIRED, "invalid_choice": REASON_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()
        self.fields["receiving_body"] = receiving_body_field()
        self.helper = _helper(Layout(_row("ended_on", "closure_reason", width=6), _row("receiving_body", width=6)))

    def clean(self):
        data = super().clean()
        if data.get("closure_reason") == ProtectionPathway.ClosureReason.TRANSFERRED and not data.get("receiving_body"):
            self.add_error("receiving_body", RECEIVING_BODY_REQUIRED)
        return data


class AssignForm(forms.Form):
    operator = forms.ModelChoiceField(label=_("Operator"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = access.operators_assignable()
        self.fields["operator"].label_from_instance = _operator_label


class _OperatorNames(ModelChoiceIterator):
    """The operators offered, as (pk, full name else username) read with ``values_list``: the coordinators'
    filter offers every operator of the service (a few hundred), and a user built per option cost more than
    the rest of the page. The chosen one is still looked up as a user by the field."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, first, last, username in self.queryset.values_list("pk", "first_name", "last_name", "username"):
            yield (pk, f"{first} {last}".strip() or username)


class _Ordering(django_filters.OrderingFilter):
    """Empty values last whichever the direction and the database, and a stable order for pagination."""

    NULLABLE = {"next_permit_expiry", "last_diary_on"}

    def filter(self, qs, value):
        if not value:
            return qs
        exprs = []
        for param in value:
            name = self.get_ordering_value(param)
            field = name.lstrip("-")
            # NULLS LAST only where there can be nulls: on the start date it would keep PostgreSQL from reading
            # the (started_on, id) index the default order uses.
            nulls_last = True if field in self.NULLABLE else None
            exprs.append(
                F(field).desc(nulls_last=nulls_last) if name.startswith("-") else F(field).asc(nulls_last=nulls_last)
            )
        return qs.order_by(*exprs, "-pk")


class PathwayFilter(django_filters.FilterSet):
    """The filters of the pathway lists. ``operator`` is offered to coordinators only."""

    DUE_CHOICES = [
        ("any", _("anything")),
        ("permit", _("a permit expiring within 60 days")),
        ("goal", _("a goal past its target date")),
        ("diary", _("no diary entry for 30 days")),
    ]
    STATE_CHOICES = [("open", pgettext_lazy("pathway", "open")), ("closed", pgettext_lazy("pathway", "closed"))]

    q = django_filters.CharFilter(label=_("Case code"), method="filter_case_code")
    # A column of the pathway itself: no join to repeat rows, so no DISTINCT (which made PostgreSQL compute what
    # is due for every pathway of the phase before it could take a page).
    phase = django_filters.MultipleChoiceFilter(
        label=_("Phase"),
        choices=ProtectionPathway.Phase.choices,
        widget=forms.CheckboxSelectMultiple(CHECK),
        distinct=False,
    )
    # The selects written in one pass (``LightSelect``): the coordinators' list offers every operator.
    legal_basis = django_filters.ChoiceFilter(
        label=_("Legal basis"), choices=ProtectionPathway.LegalBasis.choices, widget=LightSelect
    )
    operator = django_filters.ModelChoiceFilter(
        label=_("Operator"), queryset=get_user_model().objects.none(), method="filter_operator", widget=LightSelect
    )
    due = django_filters.ChoiceFilter(
        label=_("What is due"), choices=DUE_CHOICES, method="filter_due", widget=LightSelect
    )
    state = django_filters.ChoiceFilter(
        label=_("Open or closed"), choices=STATE_CHOICES, method="filter_state", widget=LightSelect
    )
    sort = _Ordering(
        label=_("Sort by"),
        fields=(
            ("started_on", "started"),
            ("person__case_code", "case"),
            ("phase_rank", "phase"),
            ("next_permit_expiry", "permit"),
            ("last_diary_on", "diary"),
        ),
        field_labels={
            "started_on": _("start"),
            "person__case_code": _("case code"),
            "phase_rank": _("phase"),
            "next_permit_expiry": _("permit expiry"),
            "last_diary_on": _("last diary entry"),
        },
        empty_label=None,
        widget=LightSelect,
    )

    class Meta:
        model = ProtectionPathway
        fields = ["q", "phase", "legal_basis", "operator", "due", "state"]

    def __init__(self, *args, coordinator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if coordinator:
            self.filters["operator"].queryset = (
                get_user_model().objects.filter(groups__name=roles.OPERATOR).order_by("username")
            )
            field = self.form.fields["operator"]
            field.iterator = _OperatorNames
            field.queryset = field.queryset  # the widget takes its choices from the new iterator
        else:
            del self.filters["operator"]  # before the form is built from the filters
        for name in ("legal_basis", "due", "state", "sort", *(("operator",) if coordinator else ())):
            self.form.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.form.fields["q"].widget.attrs.update({"class": "form-control form-control-sm", "type": "search"})

    def filter_case_code(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(person__case_code__icontains=value) if value else queryset

    def filter_operator(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=access.assigned_to(ProtectionPathway, value).values("pk"))

    def filter_due(self, queryset, name, value):
        if value == "permit":
            return queryset.filter(due_permit=True)
        if value == "goal":
            return queryset.filter(due_goal=True)
        if value == "diary":
            return queryset.filter(due_diary=True)
        if value == "any":
            return queryset.filter(Q(due_permit=True) | Q(due_goal=True) | Q(due_diary=True))
        return queryset

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(ended_on__isnull=True)
        if value == "closed":
            return queryset.filter(ended_on__isnull=False)
        return queryset
