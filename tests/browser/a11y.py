"""Run axe-core (vendored from npm, see ``vendor/axe-core/README.md``) in a Playwright page.

The source is evaluated through the DevTools protocol (``page.evaluate``), which the page's
Content-Security-Policy does not govern: no ``<script>`` element is added, so a strict policy
without 'unsafe-inline' stays intact and reports nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.1 A and AA, and Deque's best practices (landmarks, heading order, one main, ...).
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
FAILING_IMPACTS = ("serious", "critical")

_RUN = """async ([tags]) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), impact: n.impact, summary: n.failureSummary})),
  }));
}"""


@functools.cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page, *, tags: tuple[str, ...] = TAGS) -> list[dict]:
    """Every axe violation on the page as it is now (axe is loaded into the page if needed)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(_RUN, [list(tags)])


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """Rule, impact, help and the offending elements: enough to find and fix each one."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            summary = " ".join((node["summary"] or "").split())[:300]
            lines.append(f"    {node['target']}: {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> int:
    """Press Tab (Shift+Tab backwards) until the focused element matches ``selector``; the number of presses.

    Fails when the element is not reached within ``limit`` presses: it is not in the tab order.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if focused(page, selector):
            return presses
    raise AssertionError(f"{selector} not reached with {limit} presses of {key}")
