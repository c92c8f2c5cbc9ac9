"""No answer ≥ 500, whatever a URL holds: every route, as whoever may use it, with hostile values.

Every GET parameter a route reads (the fields of the GET forms its page shows, and every ``request.GET.get``
of the code) gets, one at a time and all at once: NUL bytes, overlong values, far-past and far-future dates,
impossible dates, non-numeric and huge ids, and odd Unicode. Path parameters get the same values.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from tests.security.test_every_route import (  # noqa: F401 (fixtures used by name)
    _ALLOWED,
    ADMIN,
    ANY_USER,
    CASE_ROLES,
    COORDINATOR,
    COORDINATOR_OR_ADMIN,
    PARTNER_PORTAL,
    STATISTICS,
    _fill,
    _fill_with,
    _in,
    _params,
    _reference_url,
    case_urls,
    reference_values,
)

HOSTILE = [
    "\x00",
    "a\x00b",
    "x" * 5000,
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "0000-00-00",
    "-1",
    "99999999999999999999999",
    "abc",
    "1e309",
    "١٢٣",  # Arabic-Indic digits: int() reads them, a database may not
    "𝟙",
    "\u202eevil",
    "'\"<>%;--",
]


def _names_read_in_code() -> set[str]:
    names = set()
    root = Path(settings.BASE_DIR)
    for path in root.rglob("*.py"):
        if any(part in {".venv", "tests", "node_modules", "staticfiles"} for part in path.parts):
            continue
        names |= set(re.findall(r"GET\.get(?:list)?\(\s*[\"'](\w+)[\"']", path.read_text(encoding="utf-8")))
    return names


CODE_NAMES = _names_read_in_code()
_GET_FORM = re.compile(r"(?is)<form\b[^>]*method=[\"']?get[^>]*>(.*?)</form>")
_FIELD = re.compile(r"(?i)<(?:input|select|textarea)\b[^>]*\bname=[\"']([^\"']+)[\"']")


def _names_on_page(html: str) -> set[str]:
    return {name for form in _GET_FORM.findall(html) for name in _FIELD.findall(form)} - {"csrfmiddlewaretoken"}


def _query(params: dict[str, str]) -> str:
    return "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in params.items())


def _sweep(client, url: str) -> list[tuple[str, int]]:
    client.raise_request_exception = False  # a crash is an answer of 500 here, so every one gets listed
    page = client.get(url)
    failures = [(url, page.status_code)] if page.status_code >= 500 else []
    on_page = _names_on_page(page.content.decode("utf-8", "replace")) if page.status_code == 200 else set()
    for value in HOSTILE:
        # Every name at once (the code's own too), then each field of the page's GET forms on its own.
        tries = [{name: value for name in on_page | CODE_NAMES}] + [{name: value} for name in sorted(on_page)]
        for params in tries:
            target = f"{url}?{_query(params)}"
            status = client.get(target).status_code
            if status >= 500:
                failures.append((target[:200], status))
    return failures


_ROLE_ROUTES = _in(COORDINATOR, ADMIN, COORDINATOR_OR_ADMIN, CASE_ROLES, ANY_USER, STATISTICS, PARTNER_PORTAL)
# Whoever a route is for, to send it hostile path values (partner routes as a partner, statistics as the network).
_PATH_CLIENTS = {COORDINATOR: "coord_client", CASE_ROLES: "coord_client", PARTNER_PORTAL: "partner_client"}
_PATH_CLIENTS[STATISTICS] = "network_client"
_CASE_ROUTES = _in("case record of operator A", "own record of user A")


@pytest.mark.parametrize(("route", "name", "access"), _params(_ROLE_ROUTES))
def test_no_role_route_answers_500_to_any_parameter(db, request, route, name, access):
    values = request.getfixturevalue("reference_values")
    client = request.getfixturevalue(_ALLOWED[access])
    if name == "two_factor:qr":
        return  # an image made from the session's setup secret: it reads no parameter
    assert _sweep(client, _reference_url(route, name, values)) == []


@pytest.mark.parametrize(("route", "name", "access"), _params(_CASE_ROUTES))
def test_no_case_route_answers_500_to_any_parameter(db, request, route, name, access):
    records = request.getfixturevalue("case_urls")
    client = request.getfixturevalue("coord_client" if access.coordinator_only else "op_client")
    assert _sweep(client, _fill_with(route, records[access.kind])) == []


@pytest.mark.parametrize(("route", "name", "access"), _params(_ROLE_ROUTES + _CASE_ROUTES))
def test_no_route_answers_500_to_hostile_path_values(db, request, route, name, access):
    if "<" not in route:
        return
    client = request.getfixturevalue(_PATH_CLIENTS.get(access, "op_client"))
    client.raise_request_exception = False
    failures = []
    for value in HOSTILE:
        url = _fill(route, quote(value, safe=""))
        status = client.get(url).status_code
        if status >= 500:
            failures.append((url[:200], status))
    assert failures == []
