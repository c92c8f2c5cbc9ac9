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


@pytest.mark.parametrize("value", [None, "NG", "XX"])
def test_light_selects_keeps_a_country_select_as_django_countries_writes_it(value):
    from django_countries.fields import CountryField

    from ceis.forms import light_selects

    class Form(forms.Form):
        nationality = CountryField(blank=True).formfield(required=False)
        kind = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect)

    original = Form({"nationality": value} if value else None)
    light = Form({"nationality": value} if value else None)
    light_selects(light)
    assert type(light.fields["nationality"].widget) is LightSelect
    assert type(light.fields["kind"].widget) is forms.RadioSelect  # other widgets left as they are
    assert parse_html(str(light["nationality"])) == parse_html(str(original["nationality"]))
    assert str(light["nationality"]).count("<option") > 200
