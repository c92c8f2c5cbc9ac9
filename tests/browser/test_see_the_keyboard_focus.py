"""Whoever moves with the keyboard sees where the focus is: a solid ring of at least 2px on links, buttons and
fields of every kind (Bootstrap alone removes the outline of buttons, nav links and fields and leaves a faint
25%-alpha glow), white in the dark navigation bar, dark blue on the light page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.a11y import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BLUE = "rgb(10, 88, 202)"
WHITE = "rgb(255, 255, 255)"

_RING = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          color: s.outlineColor, shadow: s.boxShadow, visible: el.matches(":focus-visible")};
}"""

# What Tab reaches on the intake form, in order: (selector, kind, expected ring colour).
KINDS = [
    (".skip-link", "skip link", BLUE),
    ("nav a.navbar-brand", "link in the navigation bar", WHITE),
    ("nav .dropdown-toggle", "menu button in the navigation bar", WHITE),
    ("nav button[type=submit]", "button in the navigation bar", WHITE),
    ("#id_referring_body", "select", BLUE),
    ("#id_referrer_name", "text field", BLUE),
    ("#id_reason", "text area", BLUE),
    ("input[name=exploitation_forms]", "checkbox", BLUE),
    ("main form button[type=submit]", "primary button", BLUE),
    ("main form a.btn-link", "link styled as a button", BLUE),
]


def test_it_draws_a_clear_ring_around_the_focused_element(page: Page, live_server, log_in, operators):
    log_in(page, "operatore1")
    page.goto(f"{live_server.url}/referrals/new/")
    rings = {}
    for selector, kind, _colour in KINDS:
        tab_to(page, selector)
        rings[kind] = page.evaluate(_RING)

    for _selector, kind, colour in KINDS:
        ring = rings[kind]
        assert ring["visible"], (kind, ring)
        assert ring["style"] == "solid" and ring["width"] >= 2, (kind, ring)
        assert ring["color"] == colour, (kind, ring)
