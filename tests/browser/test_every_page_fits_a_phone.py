"""Every main page, per role, at a phone's width (360 px, narrower than the 375 px of the issue): no
horizontal scrolling of the page (a wide table scrolls inside its own box) and no serious axe-core violation.
And the coordinator's menu, the longest, fits one line on a 1366 px laptop."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from ceis.accounts import roles
from tests import factories
from tests.browser.a11y import axe_violations, describe, serious
from tests.browser.test_every_page_is_accessible import ROLES, SCREENS, USERNAMES, _records
from tests.otp_helpers import totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}

# How far the page reaches beyond the window, and the widest element that makes it so (for the message).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const over = document.documentElement.scrollWidth - width;
  let culprit = "";
  if (over > 0) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && getComputedStyle(el).position !== "fixed") {
        culprit = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).split(" ").join(".") : "");
      }
    }
  }
  return {over, culprit};
}"""


def _world(operators):
    coordinator = factories.CoordinatorFactory(username="coordinatore")
    totp_device(coordinator)
    factories.AdminFactory(username="amministratore")
    return _records(operators[0], coordinator)


@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_fits_a_phone_without_scrolling_sideways(
    browser: Browser, live_server, log_in, operators, role, subtests
):
    records = _world(operators)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, USERNAMES[role])
    for screen in SCREENS[role]:
        if screen.name == "navigation menu open":
            continue  # at this width the menu sits behind the toggler
        with subtests.test(msg=f"{role}: {screen.name}"):
            response = page.goto(live_server.url + screen.path(records))
            assert response is not None and response.ok, f"{screen.name}: {response and response.status}"
            if screen.then:
                screen.then(page)
            overflow = page.evaluate(OVERFLOW)
            assert overflow["over"] <= 0, (
                f"{role}, {screen.name}: {overflow['over']} px too wide ({overflow['culprit']})"
            )
            found = serious(axe_violations(page))
            assert not found, f"{role}, {screen.name} ({page.url}):\n{describe(found)}"
    context.close()


def test_the_coordinators_menu_fits_one_line_at_1366_px(browser: Browser, live_server, log_in, operators):
    _world(operators)
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    log_in(page, USERNAMES[roles.COORDINATOR])
    page.goto(live_server.url + "/caseload/")
    tops = page.evaluate(
        "() => [...document.querySelectorAll('nav .navbar-nav > .nav-item')]"
        ".map(el => Math.round(el.getBoundingClientRect().top))"
    )
    widths = page.evaluate(
        "() => [...document.querySelectorAll('nav .navbar-brand, nav .navbar-nav')]"
        ".map(el => Math.round(el.getBoundingClientRect().width))"
    )
    assert len(tops) > 8 and max(tops) - min(tops) <= 8, f"the menu wraps: item tops {tops}, widths {widths}"
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()
