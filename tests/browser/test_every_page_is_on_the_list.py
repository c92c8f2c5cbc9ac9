"""Every page of the application is on the accessibility check's list, or named here with the reason it is not.

A new route fails this until it joins the ``Screen`` list of a role in ``test_every_page_is_accessible.py``
(a page someone reads or fills in) or ``NOT_PAGES`` below (a POST, a download, a redirect, or a page drawn by
the same template and form as one already checked).
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.browser.test_every_page_is_accessible import SCREENS

NOT_PAGES = {
    "home": "redirects to the role's own list",
    "login": "checked by test_the_login_page_has_no_serious_violation",
    "logout": "POST",
    "set_language": "POST",
    "partners:reactivate": "same template as partners:deactivate",
    "partners:contact_reactivate": "same template as partners:contact_deactivate",
    "referrals:assign": "POST",
    "referrals:search": "POST from the list page: checked as 'search by name'",
    "reports:new": "same template and form as reports:edit",
    "interviews:edit": "same template and form as interviews:record",
    "materials:reactivate": "same template as materials:deactivate",
    "materials:language_reactivate": "same template as materials:language_deactivate",
    "materials:download": "a file",
    "documents:download": "a file",
    "reports:pdf": "a PDF file",
    "privacy:export_pdf": "a PDF file",
    "reports:sent_pdf": "a PDF file",
    "service:logo": "an image",
    "protection:assign": "POST",
    "caseload:reassign": "POST",
    "caseload:export": "a CSV file",
    "caseload:statistics_csv": "a CSV file",
    "caseload:statistics_xlsx": "an XLSX file",
    "caseload:report_csv": "a CSV file",
    "caseload:report_xlsx": "an XLSX file",
    "feeds:feed": "an iCalendar file, no login",
    "feeds:revoke": "POST",
    "api_tokens:revoke": "POST",
    "api:schema": "the API's OpenAPI schema, JSON",
    "api:referrals": "the API, JSON",
    "api:referral": "the API, JSON",
    "api:interviews": "the API, JSON",
    "api:interview": "the API, JSON",
    "api:pathways": "the API, JSON",
    "api:pathway": "the API, JSON",
    "api:statistics": "the API, JSON",
    "api:portal_referrals": "the API, JSON",
    "caseload:report_pdf": "a PDF file",
    "notifications:open": "POST, redirects to the record",
    "notifications:read_all": "POST",
    "healthz": "JSON for load balancers and process managers, no login",
    "set_password": "checked anonymously by test_the_set_password_page_has_no_serious_violation",
    "privacy:export_json": "a JSON file",
    "privacy:candidate_exclude": "POST",
    "users:unlock": "POST",
    "two_factor:qr": "an SVG image, shown on the setup page's QR code step",
    "catalogue:template": "a CSV or XLSX file",
    "interviews:mediator_edit": "same template and form as interviews:mediator_create",
    "catalogue:export": "a CSV or XLSX file",
    "catalogue:publish": "POST",
    "catalogue:retire": "POST",
    "catalogue:correct": "POST",
    "catalogue:discard": "POST",
    "catalogue:check": "POST",
    "catalogue:verify": "POST",
    "approvals:approve": "POST",
    "approvals:send_back": "POST, its errors checked as 'closure request, sent back without a note'",
    "pathway_parts:approve_goal": "POST",
}


def _route_names(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _route_names(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name and not (prefix + str(p.pattern)).startswith(settings.ADMIN_URL):
            yield f"{namespace}:{p.name}" if namespace else p.name


class _Record:
    pk = 1
    person_id = 1


def _checked() -> set[str]:
    records = defaultdict(_Record)
    return {resolve(urlsplit(screen.path(records)).path).view_name for pages in SCREENS.values() for screen in pages}


def test_every_page_is_checked_or_named_with_a_reason():
    routes = set(_route_names(get_resolver().url_patterns))
    checked = _checked()
    assert sorted(routes - checked - set(NOT_PAGES)) == [], "add these pages to a Screen list, or to NOT_PAGES"
    assert sorted(checked & set(NOT_PAGES)) == []
    assert sorted(set(NOT_PAGES) - routes) == [], "these routes are gone: remove them from NOT_PAGES"
