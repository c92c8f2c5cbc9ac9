"""The phone intake form is written in one pass (``ceis.layouts``) with the markup ``{% crispy %}`` writes, its
single checkboxes (self-referral, anonymous) included: the same elements, classes, ids, labels, checked boxes,
help texts and errors (issue #20: crispy's templates were most of the page's time)."""

from __future__ import annotations

from unittest import mock

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.test.html import parse_html

from ceis.layouts import render_form
from referrals.forms import IntakeForm
from tests import factories


def _same(form):
    with mock.patch("ceis.layouts.render_crispy_form", side_effect=AssertionError("left to crispy")):
        fast = render_form(form)
    assert parse_html(fast) == parse_html(render_crispy_form(form, form.helper))
    return fast


def test_it_writes_the_empty_intake_form_as_crispy(operator):
    factories.PartnerBodyFactory(name='CAS "Le Rose" & <Lucca>')
    html = _same(IntakeForm(user=operator))
    assert 'id="div_id_self_referral" class="form-check"' in html
    assert 'class="checkboxinput form-check-input"' in html and 'id="id_anonymous_helptext"' in html
    assert "CAS &quot;Le Rose&quot; &amp; &lt;Lucca&gt;" in html


def test_it_writes_ticked_boxes_and_errors_as_crispy(operator):
    form = IntakeForm(
        {"self_referral": "on", "anonymous": "on", "received_at": "not a date", "reason": "", "birth_year": "1800"},
        user=operator,
    )
    assert not form.is_valid()
    html = _same(form)
    assert html.count(" checked") >= 2 and 'id="error_1_id_received_at"' in html and "is-invalid" in html


class _Boxes(forms.Form):
    agreed = forms.BooleanField(label='I agree & "accept" <all>', help_text="<b>Must</b> tick")
    plain = forms.BooleanField(label="", required=False, widget=forms.CheckboxInput(attrs={"class": "mine"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("agreed", "plain")


@pytest.mark.parametrize("data", [None, {}, {"agreed": "on", "plain": "on"}])
def test_it_writes_required_unlabelled_and_classed_checkboxes_as_crispy(data):
    form = _Boxes(data)
    if data is not None:
        form.is_valid()
    html = _same(form)
    assert 'class="mine checkboxinput form-check-input' in html
    assert ("is-invalid" in html) == (data == {})


def test_the_intake_page_uses_the_one_pass_form(op_client):
    with mock.patch("ceis.layouts.render_crispy_form", side_effect=AssertionError("left to crispy")):
        body = op_client.get("/referrals/new/").content.decode()
    assert 'id="div_id_self_referral" class="form-check"' in body and 'name="reason"' in body
