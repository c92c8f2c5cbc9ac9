"""``ceis.forms.LightSelect`` writes the same select as Django's, every label and value escaped."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from ceis.forms import LightSelect

CHOICES = [("", "---------"), (1, "A & B"), (2, 'x"y'), (3, "<script>alert(1)</script>")]


@pytest.mark.parametrize("value", [None, "", 2, "3", "99", "<b>"])
def test_it_writes_what_django_writes(value):
    attrs = {"id": "id_f", "class": "form-select", "required": True}
    django = forms.Select(choices=CHOICES).render("f", value, attrs)
    light = LightSelect(choices=CHOICES).render("f", value, attrs)
    assert parse_html(light) == parse_html(django)
    assert "<script>" not in light


def test_multiple_selection_and_optgroups_as_django():
    class Multiple(LightSelect):
        allow_multiple_selected = True

    assert parse_html(Multiple(choices=CHOICES).render("f", [1, 3], {})) == parse_html(
        forms.SelectMultiple(choices=CHOICES).render("f", [1, 3], {})
    )
    grouped = [("Group <1>", [(1, "one"), (2, "two")]), (3, "three")]
    assert parse_html(LightSelect(choices=grouped).render("f", 2, {})) == parse_html(
        forms.Select(choices=grouped).render("f", 2, {})
    )
