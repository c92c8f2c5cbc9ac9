"""The CSP listener of tests/browser/conftest.py sees a violation and fails the test that met it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import fail_on_csp_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.browser.csp_urls"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_catches_an_inline_script_and_an_inline_style(page: Page, live_server, csp_violations):
    response = page.goto(f"{live_server.url}/test-only/csp-violation/")
    assert response is not None and response.ok
    assert "'nonce-" in response.headers["content-security-policy"]
    # The nonce lets the one script that carries it run; the other is refused.
    expect(page.locator("body")).to_have_attribute("data-nonced", "ran")
    assert page.locator("body").get_attribute("data-inline") is None
    assert page.locator("#styled").evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"

    csp_violations.collect()
    assert {"script-src-elem", "style-src-attr"} <= {e["directive"] for e in csp_violations.events}
    with pytest.raises(pytest.fail.Exception, match="script-src-elem"):
        fail_on_csp_violations(csp_violations)
    csp_violations.clear()  # the violations were the point here: let this test pass


def test_it_finds_nothing_on_a_page_of_ours(page: Page, live_server, csp_violations):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("#id_username")).to_be_visible()
    csp_violations.collect()
    assert not csp_violations
    fail_on_csp_violations(csp_violations)
