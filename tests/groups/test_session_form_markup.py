"""The session form is written in one pass (``ceis.layouts``) with the markup ``{% crispy %}`` writes, its inline
choice lists (``InlineCheckboxes``: facilitators, languages, topics) included: the same elements, classes, ids,
labels, checked boxes, aria attributes, help texts and errors."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.test.html import parse_html

from ceis.layouts import render_form
from groups.forms import SessionForm
from materials.models import Language, Topic
from tests import factories


def _same(form):
    with mock.patch("ceis.layouts.render_crispy_form", side_effect=AssertionError("left to crispy")):
        fast = render_form(form)  # written in one pass, not left to crispy
    assert parse_html(fast) == parse_html(render_crispy_form(form, form.helper))
    return fast


@pytest.fixture
def odd_operator(db):
    return factories.OperatorFactory(first_name='Anna & "Bea"', last_name="<Rossi>")


def test_it_writes_the_new_session_form_as_crispy(operator, odd_operator):
    html = _same(SessionForm(user=operator))
    assert 'class="form-check form-check-inline"' in html and 'id="id_facilitators_helptext"' in html
    assert f'value="{operator.pk}" id="id_facilitators_' in html
    assert "Anna &amp; &quot;Bea&quot; &lt;Rossi&gt;" in html and "<Rossi>" not in html
    assert html.count("checked") == 2  # the operator planning it, and "planned"


def test_it_writes_checked_values_and_errors_as_crispy(operator, odd_operator):
    languages = list(Language.objects.order_by("pk").values_list("pk", flat=True)[:2])
    topic = Topic.objects.order_by("pk").first()
    data = {
        "held_at": "not a date",
        "status": "held",
        "host_centre": "999999",
        "place": 'Sala & "mensa" <b>',
        "languages": [str(pk) for pk in languages],
        "topics": [str(topic.pk), "999999"],
        "facilitators": [],
        "notes": "<script>alert(1)</script>",
    }
    form = SessionForm(data, user=operator)
    assert not form.is_valid()
    html = _same(form)
    assert 'id="id_facilitators_error"' in html and 'id="error_1_id_topics"' in html
    assert 'aria-invalid="true"' in html and "is-invalid" in html
    assert "<script>" not in html
    valid = dict(data, topics=[str(topic.pk)], facilitators=[str(odd_operator.pk)])
    html = _same(SessionForm(valid, user=operator))
    boxes = re.findall(r'<input type="checkbox"[^>]*name="(\w+)" value="(\d+)"([^>]*)>', html)
    checked = {(name, int(value)) for name, value, attrs in boxes if " checked" in attrs}
    assert checked == {("facilitators", odd_operator.pk), ("topics", topic.pk)} | {
        ("languages", pk) for pk in languages
    }


def test_it_writes_the_edit_form_as_crispy(operator):
    session = factories.GroupSessionFactory()
    _same(SessionForm(instance=session, user=operator))


class _Inline(forms.Form):
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(choices=[("a", "<A>"), ("b", "B & b")], widget=forms.RadioSelect, help_text="<i>One</i>")
    tags = forms.MultipleChoiceField(
        label="", choices=[("Group <g>", [("x", "X"), ("y", "Y")]), ("z", "Z")], widget=forms.CheckboxSelectMultiple
    )
    extra = forms.MultipleChoiceField(
        label='Extra & "more"', choices=[(1, "1"), (2, "2")], widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, layout=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = layout or Layout(InlineRadios("kind"), InlineCheckboxes("tags", "extra", "hidden"))


@pytest.mark.parametrize(
    "data", [None, {"kind": "z", "tags": ["q"]}, {"kind": "a", "tags": ["x", "z"], "extra": ["2"]}]
)
def test_it_writes_inline_choices_groups_and_unlabelled_fields_as_crispy(data):
    form = _Inline(data)
    if data:
        form.is_valid()
    _same(form)


def test_other_inline_layouts_are_left_to_crispy():
    for layout in (
        Layout(InlineCheckboxes("extra", css_class="wide")),
        Layout(InlineCheckboxes("extra", wrapper_class="w")),
    ):
        form = _Inline(layout=layout)
        assert render_form(form) == render_crispy_form(form, form.helper)


def test_the_page_uses_the_one_pass_form(op_client, operator):
    body = op_client.get("/groups/new/").content.decode()
    assert 'id="div_id_facilitators"' in body and 'class="form-check form-check-inline"' in body
    assert f'value="{operator.pk}"' in body


def test_the_attendance_selects_are_written_as_light_selects(operator):
    """Options listed once for the table, written once per choice made: the markup of ``LightSelect``, every row
    keeping its own choice."""
    from ceis.forms import LightSelect
    from groups.forms import attendance_formset
    from groups.models import GroupSession

    language = Language.objects.order_by("pk").first()
    data = {
        "attendance-TOTAL_FORMS": "3",
        "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
        "attendance-0-nationality": "NG",
        "attendance-0-gender": "female",
        "attendance-0-language": str(language.pk),
        "attendance-0-count": "3",
        "attendance-1-nationality": "XX",
        "attendance-1-count": "2",
    }
    session = GroupSession()
    for formset in (
        attendance_formset(data, session=session, session_form=None, extra=1),
        attendance_formset(None, session=session, session_form=None, extra=2),
    ):
        formset.is_valid()
        for form in [*formset.forms, formset.empty_form]:
            for name in ("nationality", "gender", "language"):
                bf = form[name]
                plain = LightSelect(attrs=bf.field.widget.attrs)
                plain.choices = list(bf.field.widget.choices)
                expected = plain.render(bf.html_name, bf.value(), {"id": bf.auto_id})
                assert str(bf) == bf.as_widget()
                assert bf.field.widget.render(bf.html_name, bf.value(), {"id": bf.auto_id}) == expected
    rows = attendance_formset(data, session=session, session_form=None, extra=1).forms
    assert '<option value="NG" selected>' in str(rows[0]["nationality"])
    assert "selected" not in str(rows[2]["nationality"]).replace('<option value="" selected>', "")
    assert "nationality" in rows[1].errors  # an unknown country is still refused
