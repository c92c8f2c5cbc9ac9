"""``{% nav_url %}`` (the navigation bar's links) gives what ``{% url %}`` gives, per script prefix and URLconf."""

from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse, set_script_prefix


def _render(name):
    return Template("{% load nav %}{% nav_url '" + name + "' %}").render(Context())


def test_it_reverses_as_url_does(db):
    for name in ("referrals:mine", "interviews:agenda", "home", "logout"):
        assert _render(name) == reverse(name)


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/ceis/")
        assert _render("referrals:mine") == reverse("referrals:mine")
        assert _render("referrals:mine").startswith("/ceis/")
    finally:
        set_script_prefix("/")
    assert _render("referrals:mine") == reverse("referrals:mine")
    assert not _render("referrals:mine").startswith("/ceis/")
