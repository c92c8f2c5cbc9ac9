"""The accessibility checks load axe-core in a way a strict Content-Security-Policy allows and never reports.

The pages carry a policy without 'unsafe-inline' (and a listener fails browser tests on any violation), so
axe must not arrive as an inline ``<script>`` (``page.add_script_tag``): it is evaluated through the DevTools
protocol instead. This serves a page with such a policy and checks both sides: a script tag is refused,
axe runs and finds what it should, and the page records no violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error, Page

from tests.browser.a11y import axe_violations

pytestmark = pytest.mark.browser

URL = "http://csp.example.test/"
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-r4nd0m'; style-src 'self' 'nonce-r4nd0m'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HTML = """<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Prova</title></head>
<body><main><h1>Prova</h1><form><input type="text" name="unlabelled"><button>Invia</button></form></main></body></html>"""

_LISTEN = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp_violations = window.__csp_violations || []).push(e.violatedDirective + " " + e.blockedURI);
});"""


def test_it_runs_axe_without_breaking_a_strict_policy(page: Page, csp_violations):
    page.route(
        URL,
        lambda route: route.fulfill(
            status=200, content_type="text/html", body=HTML, headers={"Content-Security-Policy": CSP}
        ),
    )
    page.add_init_script(_LISTEN)
    page.goto(URL)

    ids = {v["id"] for v in axe_violations(page)}
    assert "label" in ids  # axe ran and found the field without a label
    assert page.evaluate("() => window.__csp_violations || []") == []

    with pytest.raises(Error, match="Content Security Policy"):
        page.add_script_tag(content="window.__inline = true")  # the policy is in force
    assert page.evaluate("() => window.__inline === undefined")
    assert page.evaluate("() => window.__csp_violations") == ["script-src-elem inline"]
    csp_violations.collect()
    assert {e["directive"] for e in csp_violations.events} == {"script-src-elem"}  # the refused tag, nothing of axe
    csp_violations.clear()  # that refusal was the point here
