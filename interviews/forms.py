from __future__ import annotations

from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ceis import access
from ceis.forms import DATETIME_LOCAL, DateTimeLocalInput, LightSelect, NameChoices
from ceis.partners.models import PartnerBody
from referrals.models import Referral

from . import same_sex
from .models import CatalogueVersion, Indicator, IndicatorAnswer, Interview, Mediator

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
        chosen = self.instance.mediator_id or 0
        self.fields["mediator"].queryset = Mediator.objects.filter(Q(active=True) | Q(pk=chosen))
        self.fields["mediator"].help_text = _(
            "Choose from the service's list; type the name below only if she is not in it."
        )
        for name, field in self.fields.items():
            if isinstance(field, forms.DateTimeField):
                field.input_formats = DATETIME_FORMATS
                field.widget = DateTimeLocalInput()
            if name in ("operators_present", "exploitation_forms"):
                field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
            elif type(field.widget) is forms.Select:  # the same markup in one pass (bench/README.md)
                field.widget = LightSelect(attrs=field.widget.attrs, choices=field.widget.choices)
        self.fields["mediator_body"].widget.choices = NameChoices(self.fields["mediator_body"])

    def clean(self):
        cleaned = super().clean()
        mediator = cleaned.get("mediator")
        if mediator is not None:  # the list's record wins over free text
            cleaned["mediator_name"] = mediator.name
            cleaned["mediator_body"] = mediator.body
            cleaned["mediator_sex"] = mediator.sex or cleaned.get("mediator_sex") or ""
            if not cleaned.get("mediator_language"):
                cleaned["mediator_language"] = mediator.languages.split(",")[0].strip()[:100]
        return cleaned


class ScheduleForm(_InterviewBase):
    class Meta:
        model = Interview
        fields = [
            "scheduled_at",
            "place",
            "operators_present",
            "language",
            "mediator",
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
                    Field("mediator"),
                    _row("mediator_name", "mediator_body", width=6),
                    _row("mediator_language", "mediator_sex", width=6),
                ),
            )
        )


YES_NO_UNKNOWN = [("", _("as computed")), ("true", _("yes")), ("false", _("no"))]


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
            "mediator",
            "mediator_name",
            "mediator_body",
            "mediator_language",
            "mediator_sex",
            "interviewer_same_sex",
            "interpreter_same_sex",
            "same_sex_override_reason",
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
        computed = self._computed_for_instance()
        for name in ("interviewer_same_sex", "interpreter_same_sex"):
            value = getattr(self.instance, name)
            # Empty means "as computed": an answer that the computation would not give is shown as chosen.
            chosen = value is not None and value != computed[name]
            self.initial[name] = str(value).lower() if chosen else ""
            self.fields[name].help_text = _(
                "Computed from the person's gender and the sex of the operators and the mediator, where known. "
                "Choose yes or no only to record another answer, with the reason."
            )
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
                    Field("mediator"),
                    _row("mediator_name", "mediator_body", width=6),
                    _row("mediator_language", "mediator_sex", width=6),
                    _row("interviewer_same_sex", "interpreter_same_sex", width=6),
                    "same_sex_override_reason",
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

    def _computed_for_instance(self) -> dict[str, bool | None]:
        interview = self.instance
        if not interview.pk:
            return {"interviewer_same_sex": None, "interpreter_same_sex": None}
        gender = interview.referral.person.gender
        return {
            "interviewer_same_sex": same_sex.interviewer_same_sex(
                gender, [u.sex for u in interview.operators_present.all()]
            ),
            "interpreter_same_sex": same_sex.interpreter_same_sex(
                gender, interview.mediator_sex, has_mediator=bool(interview.mediator_name)
            ),
        }

    def clean(self):
        cleaned = super().clean()
        gender = self.instance.referral.person.gender
        computed = {
            "interviewer_same_sex": same_sex.interviewer_same_sex(
                gender, [u.sex for u in cleaned.get("operators_present") or []]
            ),
            "interpreter_same_sex": same_sex.interpreter_same_sex(
                gender, cleaned.get("mediator_sex") or "", has_mediator=bool(cleaned.get("mediator_name"))
            ),
        }
        overridden = False
        for name, value in computed.items():
            given = cleaned.get(name)
            if given is None:
                cleaned[name] = value
            elif value is not None and given != value:
                overridden = True
        reason = (cleaned.get("same_sex_override_reason") or "").strip()
        if overridden and not reason:
            self.add_error(
                "same_sex_override_reason",
                _(
                    "The answer differs from the one computed from the person's gender and the sex of those present: say why."
                ),
            )
        cleaned["same_sex_override_reason"] = reason if overridden else ""
        return cleaned


@dataclass(frozen=True)
class AnswerRow:
    indicator: Indicator
    name: str
    note_name: str
    value: str
    note: str
    choices: list


class IndicatorAnswersForm(forms.Form):
    """One radio group and one note per indicator of the lists shown."""

    def __init__(self, *args, indicators, answers: dict[int, IndicatorAnswer], **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self._answers = answers
        if self.is_bound:  # fields only to validate what was sent: a form shown is written by ``html()``
            for indicator in self.indicators:
                self._add_fields(indicator)

    def _add_fields(self, indicator) -> None:
        """The two fields of one indicator (built for a bound form only: building ~260 fields, each with its
        deep-copied widget, took longer than writing the whole list, bench/README.md)."""
        current = self._answers.get(indicator.pk)
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
        """One ``AnswerRow`` per indicator, in catalogue order, for the template.

        The template writes the radio inputs itself: rendering ~130 radio groups through Django's widget
        templates took most of the page's time (bench/README.md)."""
        choices = IndicatorAnswer.Answer.choices
        for indicator in self.indicators:
            name, note_name = f"a_{indicator.pk}", f"n_{indicator.pk}"
            if self.is_bound:
                value, note = self.data.get(name) or IndicatorAnswer.Answer.NOT_ASKED, self.data.get(note_name, "")
            else:
                current = self._answers.get(indicator.pk)
                value = current.answer if current else IndicatorAnswer.Answer.NOT_ASKED
                note = current.note if current else ""
            yield AnswerRow(indicator, name, note_name, value, note, choices)

    def html(self) -> str:
        """The radio groups and notes of every indicator, grouped by list and dimension, as one safe string.

        Written here rather than by the template engine: at ~130 indicators the per-row template work was most
        of the interview form's time (bench/README.md). Every text is escaped."""
        choices = [(value, escape(str(label))) for value, label in IndicatorAnswer.Answer.choices]
        strengths = {value: escape(str(label)) for value, label in Indicator.Strength.choices}
        dimensions = {value: escape(capfirst(str(label))) for value, label in Indicator.Dimension.choices}
        note_label = escape(_("Note"))
        parts: list[str] = []
        current_list = current_dimension = None
        for row in self.rows():
            ind = row.indicator
            checklist = not ind.dimension  # a checklist's item: a section, no dimension or strength
            list_key = ("checklist", ind.version_id) if checklist else (ind.audience, ind.exploitation)
            if list_key != current_list:
                if current_list is not None:
                    parts.append("</div>")
                if checklist:
                    title = f"{escape(ind.version.name)} · {escape(ind.version.label)}"
                    parts.append(f'<h2 class="h6 mt-3 checklist-title">{title}</h2><div class="list-group mb-2">')
                else:
                    audience = escape(capfirst(ind.get_audience_display()))
                    parts.append(
                        f'<h2 class="h6 mt-3">{audience} · {escape(ind.get_exploitation_display())}</h2>'
                        '<div class="list-group mb-2">'
                    )
                current_list, current_dimension = list_key, None
            group = ind.section if checklist else ind.dimension
            if group != current_dimension:
                heading = escape(group) if checklist else dimensions[ind.dimension]
                parts.append(f'<div class="list-group-item list-group-item-secondary fw-semibold">{heading}</div>')
                current_dimension = group
            badge = "" if checklist else f' <span class="badge text-bg-secondary">{strengths[ind.strength]}</span>'
            radios = "".join(
                f'<div class="form-check form-check-inline mb-0"><input type="radio" name="{row.name}" value="{value}" '
                f'class="form-check-input" id="id_{row.name}_{i}"{" checked" if value == row.value else ""}>'
                f'<label class="form-check-label" for="id_{row.name}_{i}">{label}</label></div>'
                for i, (value, label) in enumerate(choices)
            )
            parts.append(
                '<div class="list-group-item"><fieldset>'
                f'<legend class="fs-6 mb-1">{escape(ind.text)}{badge}</legend>'
                f'<div class="d-flex flex-wrap gap-3">{radios}</div>'
                f'<label class="visually-hidden" for="id_{row.note_name}">{note_label}</label>'
                f'<input type="text" name="{row.note_name}" value="{escape(row.note)}" maxlength="1000" '
                f'class="form-control form-control-sm" id="id_{row.note_name}"></fieldset></div>'
            )
        if current_list is not None:
            parts.append("</div>")
        return mark_safe("".join(parts))  # noqa: S308 - built above from escaped texts and fixed markup

    def answers(self) -> dict[int, tuple[str, str]]:
        not_asked = IndicatorAnswer.Answer.NOT_ASKED
        return {
            i.pk: (self.cleaned_data[f"a_{i.pk}"] or not_asked, self.cleaned_data[f"n_{i.pk}"].strip())
            for i in self.indicators
        }


def indicators_for(versions, *, checklists=()) -> list[Indicator]:
    """Active indicators of the given ILO/EU list versions, then of the checklists: those ``checklists`` already
    answered, and every other checklist in use (one query). The lists in list order, each checklist by name."""
    chosen = [v.pk for v in [*versions, *checklists]]
    others = Q(version__kind=CatalogueVersion.Kind.CHECKLIST, version__status=CatalogueVersion.Status.IN_USE) & ~Q(
        version__code__in=[v.code for v in checklists]
    )
    rows = Indicator.objects.filter(Q(version__in=chosen) | others, active=True).select_related("version")
    return sorted(
        rows,
        key=lambda i: (not i.dimension, i.audience, i.exploitation, i.version.name.lower(), i.version_id, i.position),
    )


def checklists_of(indicators) -> list[CatalogueVersion]:
    """The checklist versions among ``indicators``' versions, each once, in order."""
    seen: dict[int, CatalogueVersion] = {}
    for ind in indicators:
        if not ind.dimension:
            seen.setdefault(ind.version_id, ind.version)
    return list(seen.values())
