from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ceis import access
from ceis.forms import DATETIME_LOCAL, DateTimeLocalInput
from ceis.partners.models import PartnerBody
from referrals.models import Referral

from .models import Indicator, IndicatorAnswer, Interview

DATETIME_FORMATS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]


def _helper(layout: Layout | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout is not None:
        helper.layout = layout
    return helper


def _row(*fields: str, width: int = 4) -> Div:
    return Div(*[Div(f, css_class=f"col-md-{width}") for f in fields], css_class="row")


class _InterviewBase(forms.ModelForm):
    """Who takes part: operators are limited to those assigned to the referral (and the author)."""

    def __init__(self, *args, user, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.referral = referral
        # The referral's assignees as a subquery, read with the choices themselves (one query, not two).
        assigned = access.assignee_pairs(Referral).filter(content_object=referral).values("user")
        self.fields["operators_present"].queryset = get_user_model().objects.filter(
            Q(pk__in=assigned) | Q(pk=user.pk), is_active=True
        )
        self.fields["operators_present"].label_from_instance = lambda u: u.get_full_name() or u.username
        if "operators_present" in self.fields and not self.instance.pk:
            self.initial.setdefault("operators_present", [user.pk])
        current = self.instance.mediator_body_id or 0
        self.fields["mediator_body"].queryset = PartnerBody.objects.filter(Q(active=True) | Q(pk=current))
        for name, field in self.fields.items():
            if isinstance(field, forms.DateTimeField):
                field.input_formats = DATETIME_FORMATS
                field.widget = DateTimeLocalInput()
            if name in ("operators_present", "exploitation_forms"):
                field.widget = forms.CheckboxSelectMultiple(choices=field.choices)


class ScheduleForm(_InterviewBase):
    class Meta:
        model = Interview
        fields = [
            "scheduled_at",
            "place",
            "operators_present",
            "language",
            "mediator_name",
            "mediator_body",
            "mediator_language",
            "mediator_sex",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.status = Interview.Status.SCHEDULED
        self.fields["scheduled_at"].required = True
        self.helper = _helper(
            Layout(
                _row("scheduled_at", "place", "language"),
                Field("operators_present"),
                Fieldset(
                    _("Cultural mediator or interpreter"),
                    _row("mediator_name", "mediator_body", width=6),
                    _row("mediator_language", "mediator_sex", width=6),
                ),
            )
        )


YES_NO_UNKNOWN = [("", _("not recorded")), ("true", _("yes")), ("false", _("no"))]


def _nullable_bool(label):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
    )


class InterviewForm(_InterviewBase):
    """The whole interview: fill in after the meeting, save as a draft, complete, amend."""

    DRAFT = "draft"
    COMPLETE = "complete"

    interviewer_same_sex = _nullable_bool(_("Interviewer of the same sex as the person"))
    interpreter_same_sex = _nullable_bool(_("Interpreter of the same sex as the person"))

    class Meta:
        model = Interview
        fields = [
            "scheduled_at",
            "held_at",
            "duration_minutes",
            "place",
            "operators_present",
            "language",
            "mediator_name",
            "mediator_body",
            "mediator_language",
            "mediator_sex",
            "interviewer_same_sex",
            "interpreter_same_sex",
            "personal_history",
            "exploitation_forms",
            "safety_risk",
            "safety_notes",
            "assessment",
            "proposed_outcome",
            "next_steps",
            "next_appointment",
        ]
        widgets = {
            "personal_history": forms.Textarea(attrs={"rows": 8}),
            "safety_notes": forms.Textarea(attrs={"rows": 3}),
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, action: str = DRAFT, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.status = Interview.Status.COMPLETED if action == self.COMPLETE else Interview.Status.DRAFT
        for name in ("interviewer_same_sex", "interpreter_same_sex"):
            value = getattr(self.instance, name)
            self.initial.setdefault(name, "" if value is None else str(value).lower())
        self.fields["held_at"].required = True
        self.helper = _helper(
            Layout(
                Fieldset(
                    _("The meeting"),
                    _row("held_at", "duration_minutes", "place"),
                    _row("scheduled_at", "language", width=6),
                    Field("operators_present"),
                ),
                Fieldset(
                    _("Cultural mediator or interpreter"),
                    _row("mediator_name", "mediator_body", width=6),
                    _row("mediator_language", "mediator_sex", width=6),
                    _row("interviewer_same_sex", "interpreter_same_sex", width=6),
                ),
                Fieldset(_("The person's story"), "personal_history", Field("exploitation_forms")),
                Fieldset(
                    _("Assessment"),
                    _row("safety_risk", width=4),
                    "safety_notes",
                    "assessment",
                    _row("proposed_outcome", "next_appointment", width=6),
                    "next_steps",
                ),
            )
        )


class IndicatorAnswersForm(forms.Form):
    """One radio group and one note per indicator of the lists shown."""

    def __init__(self, *args, indicators, answers: dict[int, IndicatorAnswer], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            current = answers.get(indicator.pk)
            self.fields[f"a_{indicator.pk}"] = forms.ChoiceField(
                label=indicator.text,
                choices=IndicatorAnswer.Answer.choices,
                required=False,  # a group left untouched means "not asked"
                initial=current.answer if current else IndicatorAnswer.Answer.NOT_ASKED,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"n_{indicator.pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=1000, initial=current.note if current else ""
            )
            self.fields[f"n_{indicator.pk}"].widget.attrs["class"] = "form-control form-control-sm"

    def rows(self):
        """(indicator, answer field, note field) in catalogue order, for the template."""
        for indicator in self.indicators:
            yield indicator, self[f"a_{indicator.pk}"], self[f"n_{indicator.pk}"]

    def answers(self) -> dict[int, tuple[str, str]]:
        not_asked = IndicatorAnswer.Answer.NOT_ASKED
        return {
            i.pk: (self.cleaned_data[f"a_{i.pk}"] or not_asked, self.cleaned_data[f"n_{i.pk}"].strip())
            for i in self.indicators
        }


def indicators_for(versions) -> QuerySet[Indicator]:
    """Active indicators of the given catalogue versions, in list order."""
    return (
        Indicator.objects.filter(version__in=[v.pk for v in versions], active=True)
        .select_related("version")
        .order_by("audience", "exploitation", "position")
    )
