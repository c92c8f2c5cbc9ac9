"""The login page and the intake form, in every state a person meets them, carry no inline script or style.

A strict Content-Security-Policy (no 'unsafe-inline') is ahead: every script and style comes from a
static file of our own. The check parses the HTML exactly as served, and watches every request the
browser makes while showing the page (nothing leaves the server: no CDN).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Page, Response

from tests import factories


class InlineCodeFinder(HTMLParser):
    """Collects inline scripts, event-handler attributes, ``javascript:`` URLs, ``<style>`` and ``style=``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_external_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            self._in_external_script = "src" in dict(attrs)
            # A JSON data block (``json_script``) is never executed, so the CSP does not govern it.
            if not self._in_external_script and dict(attrs).get("type") != "application/json":
                self.found.append("<script> without src")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_external_script = False

    def handle_data(self, data: str) -> None:
        if self._in_external_script and data.strip():
            self.found.append(f"<script src=...> with inline content {data.strip()[:40]!r}")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def _served(response: Response | None) -> str:
    assert response is not None and response.ok, response and f"{response.status} {response.url}"
    return response.text()


def _submit(page: Page) -> str:
    with page.expect_response(lambda r: r.request.method == "POST" and r.request.is_navigation_request()) as info:
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return _served(info.value)


ROOT = Path(__file__).resolve().parents[2]

# What a strict CSP refuses, looked for in the template sources (comments included: better safe).
TEMPLATE_PATTERNS = {
    "style= attribute": re.compile(r"<[a-zA-Z][^>]*?(?<![\w-])style\s*=", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "<script> without src": re.compile(r"<script(?![^>]*\ssrc\s*=)[^>]*>", re.IGNORECASE),
    "inline event handler": re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def inline_code_in_template(source: str) -> list[str]:
    return [f"{what}: {m.group(0)[:80]!r}" for what, rx in TEMPLATE_PATTERNS.items() for m in rx.finditer(source)]


def _our_templates() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("ceis/*/templates")]
    return sorted(p for folder in folders for p in folder.rglob("*.html"))


def test_the_template_grep_finds_what_it_looks_for():
    source = (
        '<p class="a" style="color:red">x</p>\n<style>p{}</style>\n<script>go()</script>\n'
        '<button type="button"\n onclick="go()">y</button>\n<a href="javascript:go()">z</a>'
    )
    assert len(inline_code_in_template(source)) == 5
    clean = (
        '<script src="{% static \'js/app.js\' %}" nonce="{{ request.csp_nonce }}"></script>'
        '<p class="one" data-style="x" data-on="y">Stylesheets, once=twice, onwards</p>'
    )
    assert inline_code_in_template(clean) == []


def test_no_template_of_ours_carries_inline_script_or_style():
    templates = _our_templates()
    assert len(templates) > 50, "the template folders were not found"
    found = {str(p.relative_to(ROOT)): inline_code_in_template(p.read_text(encoding="utf-8")) for p in templates}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_the_checker_finds_what_it_looks_for():
    html = (
        '<p style="color:red">x</p><style>p{}</style><script>alert(1)</script>'
        '<button onclick="go()">y</button><a href="javascript:go()">z</a><script src="/s.js">void(0)</script>'
    )
    assert len(inline_code(html)) == 6
    assert inline_code('<script src="/static/app.js"></script> text <p class="x">ok</p>') == []
    assert inline_code('<script id="d" type="application/json">{"a": 1}</script>') == []


def _pages_without_parameters() -> list[str]:
    """Every route that takes no id: the lists, their filters and the blank forms (crispy, django-filter)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    skip = (settings.ADMIN_URL, "accounts/logout/", "accounts/language/")
    return sorted("/" + r for r in walk(get_resolver().url_patterns) if "<" not in r and not r.startswith(skip))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["op_client", "coord_client", "admin_client_role", "partner_client", "network_client"])
def test_every_page_a_role_opens_is_free_of_inline_code(request, who, referral_a):
    client = request.getfixturevalue(who)
    extra = []
    if who == "partner_client":
        partner = request.getfixturevalue("partner")
        extra = [
            reverse("portal:receipt", args=[factories.PortalReferralFactory(referring_body=partner.partner_body).pk])
        ]
    elif who == "network_client":
        extra = [reverse("caseload:statistics")]
    elif who != "admin_client_role":
        extra = [
            reverse("referrals:detail", args=[referral_a.pk]),
            reverse("referrals:person", args=[referral_a.person.pk]),
        ]
    seen = {}
    for url in _pages_without_parameters() + extra:
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            seen[url] = inline_code(response.content.decode())
    assert len(seen) >= {"admin_client_role": 3, "partner_client": 3, "network_client": 2}.get(who, 10), sorted(seen)
    assert set(extra) <= set(seen)
    assert {url: found for url, found in seen.items() if found} == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_login_and_intake_pages_carry_no_inline_script_or_style(page: Page, live_server, log_in, operators):
    host = urlsplit(live_server.url).netloc
    foreign: list[str] = []
    page.on("request", lambda r: urlsplit(r.url).netloc == host or foreign.append(r.url))
    factories.PartnerBodyFactory(name="CAS Prova Inline")
    factories.ReferralFactory(
        person=factories.PersonFactory(first_name="Gemella", last_name="Prova", birth_year=2000),
        assigned_to=[operators[1]],
    )

    pages: dict[str, str] = {}
    pages["login"] = _served(page.goto(f"{live_server.url}/accounts/login/"))
    page.locator("#id_username").fill("operatore1")
    page.locator("#id_password").fill("not-the-password")
    pages["login, wrong password"] = _submit(page)

    log_in(page, "operatore1")
    pages["intake form"] = _served(page.goto(f"{live_server.url}/referrals/new/"))
    pages["intake form, errors"] = _submit(page)
    page.locator("#id_referring_body").select_option(label="CAS Prova Inline")
    page.locator("#id_reason").fill("Prova")
    page.locator("#id_first_name").fill("Gemella")
    page.locator("#id_last_name").fill("Prova")
    page.locator("#id_birth_year").fill("2000")
    pages["intake form, possible duplicate"] = _submit(page)

    assert 'id="id_password"' in pages["login"]
    assert 'id="id_reason"' in pages["intake form"]
    assert "is-invalid" in pages["intake form, errors"]
    assert 'id="id_confirm_new_person"' in pages["intake form, possible duplicate"]
    found = {name: inline_code(html) for name, html in pages.items()}
    assert found == {name: [] for name in pages}
    assert foreign == []
