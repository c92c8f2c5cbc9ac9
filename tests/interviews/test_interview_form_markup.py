"""The interview forms are written in one pass (``ceis.layouts``) with the markup ``{% crispy %}`` writes: the same
elements, classes, ids, labels, aria attributes, help texts and errors."""

from __future__ import annotations

import datetime

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.test.html import parse_html
from django.utils import timezone

from ceis.layouts import render_form
from interviews.forms import InterviewForm, ScheduleForm
from tests import factories


def _same(form):
    fast = render_form(form)
    assert parse_html(fast) == parse_html(render_crispy_form(form, form.helper))
    return fast


@pytest.fixture
def interview(operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    return factories.InterviewFactory(
        referral=referral, held_at=timezone.now(), mediator_name="M", mediator_sex="female", status="draft"
    )


def test_it_writes_the_interview_form_as_crispy(operator, interview):
    html = _same(InterviewForm(instance=interview, user=operator, referral=interview.referral))
    assert 'id="div_id_held_at"' in html and 'id="id_interviewer_same_sex_helptext"' in html
    _same(InterviewForm(user=operator, referral=interview.referral))


def test_it_writes_errors_as_crispy(operator, interview):
    data = {
        "held_at": "",
        "duration_minutes": "-3",
        "operators_present": ["999999"],
        "exploitation_forms": ["abc"],
        "interviewer_same_sex": "false",
        "mediator_sex": "nobody",
        "safety_risk": "low",
        "next_appointment": "not a date",
        "place": 'Sede & "centro" <b>',
        "personal_history": "<script>alert(1)</script> & more",
    }
    form = InterviewForm(data, instance=interview, user=operator, referral=interview.referral)
    assert not form.is_valid()
    html = _same(form)
    assert 'aria-invalid="true"' in html and "is-invalid" in html and 'id="id_held_at_error"' in html
    assert 'id="error_1_id_operators_present"' in html  # a choice group's error, below its last choice
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</textarea>" in html


def test_it_writes_the_schedule_form_as_crispy(operator, interview):
    _same(ScheduleForm(user=operator, referral=interview.referral))
    bound = ScheduleForm({"scheduled_at": "x"}, user=operator, referral=interview.referral)
    assert not bound.is_valid()
    _same(bound)


class _Sample(forms.Form):
    code = forms.CharField(help_text="<b>kept</b> as crispy keeps it", widget=forms.HiddenInput, required=False)
    title = forms.CharField(label='Title & "name"', help_text="Say it", max_length=10)
    kind = forms.ChoiceField(choices=[("a", "<A>"), ("b", "B")], widget=forms.RadioSelect, help_text="One")
    tags = forms.MultipleChoiceField(choices=[("Group", [("x", "X"), ("y", "Y")])], widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, layout=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = layout or Layout(
            Fieldset('Legend & "one"', Div(Div("title", css_class="col-6"), css_class="row"), "code"),
            Field("kind"),
            "tags",
        )

    def clean(self):
        raise forms.ValidationError("Whole form <wrong>")


@pytest.mark.parametrize("data", [None, {"title": "x" * 20, "kind": "z", "tags": ["q"]}, {"title": "ok", "kind": "a"}])
def test_it_writes_choices_groups_hidden_fields_and_form_errors_as_crispy(data):
    form = _Sample(data)
    if data:
        assert not form.is_valid()
    _same(form)


def test_other_layouts_are_left_to_crispy():
    form = _Sample(layout=Layout(Field("title", css_class="wide"), "kind"))
    assert render_form(form) == render_crispy_form(form, form.helper)
    assert 'class="wide' in render_form(form)


def test_the_page_shows_the_form_fields(op_client, interview):
    interview.held_at = timezone.now() - datetime.timedelta(hours=1)
    interview.save()
    body = op_client.get(f"/interviews/{interview.pk}/edit/").content.decode()
    for name in ("held_at", "operators_present", "mediator", "personal_history", "next_steps"):
        assert f'id="div_id_{name}"' in body


def test_the_body_options_are_those_of_the_field(operator, interview):
    inactive = factories.PartnerBodyFactory(name="Chiusa & <vecchia>", active=False)
    factories.PartnerBodyFactory(name="Aperta")
    interview.mediator_body = inactive
    interview.save()
    form = InterviewForm(instance=interview, user=operator, referral=interview.referral)
    field = form.fields["mediator_body"]
    expected = [(str(value), str(label)) for value, label in forms.ModelChoiceField(field.queryset).choices]
    assert [(str(value), str(label)) for value, label in field.widget.choices] == expected
    assert f'<option value="{inactive.pk}" selected>Chiusa &amp; &lt;vecchia&gt;</option>' in render_form(form)
