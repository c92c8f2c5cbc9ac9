"""The safe-house compartment holds everywhere (issue 17, point 5).

The secret address of a pathway's accommodation is shown only to the operators assigned to that pathway. A
security test found it in the art. 15 export read by a coordinator. Here every page and every export of the
project is fetched as a coordinator, an admin, an operator who is not assigned to the pathway (she follows
another referral of the same person) and the assigned operator, and every answer is searched for the address:
HTML, JSON, CSV, XLSX (cells read with openpyxl), calendars, and PDF (text extracted with pypdf). Only the
pathway page of the assigned operator may hold it.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ceis import access
from privacy.export import KEPT_BY_ASSIGNED
from tests import factories
from tests.security.test_every_route import _all_patterns, _fill_with

ADDRESS = "Via Segretissima 42, Lucca"
MARK = "segretissima"  # one word of it, found even where a PDF breaks the line
KEPT_IT = "Conservato dagli operatori assegnati al percorso: non incluso in questa esportazione."

pytestmark = pytest.mark.django_db


@pytest.fixture
def safe_house(operator, operator_b, coordinator):
    from protection.models import Accommodation, PlanGoal

    person = factories.PersonFactory()
    referral = factories.ReferralFactory(person=person, assigned_to=[operator])
    factories.ReferralFactory(person=person, assigned_to=[operator_b])  # B sees the person, not the pathway
    pathway = factories.PathwayFactory(person=person, referral=referral, assigned_to=[operator])
    stay = Accommodation.objects.create(
        pathway=pathway, type="safe_house", secret_address=ADDRESS, start=timezone.localdate()
    )
    goal = PlanGoal.objects.create(pathway=pathway, area="housing", goal="Una casa sicura")
    return {"person": person, "referral": referral, "pathway": pathway, "stay": stay, "goal": goal}


@pytest.fixture
def italian(coordinator):
    coordinator.language = "it"
    coordinator.save(update_fields=["language"])


_PK_BY_PREFIX = [  # which record a route's ``pk`` names, by the start of its name (first match wins)
    ("pathway_parts:edit", "stay"),
    ("protection:", "pathway"),
    ("referrals:person", "person"),
    ("referrals:", "referral"),
    ("privacy:", "person"),
    ("documents:add", "pathway"),
]


def _url(route: str, name: str, records: dict, *, user, feed_token: str) -> str:
    pk = next((records[kind].pk for prefix, kind in _PK_BY_PREFIX if name.startswith(prefix)), 1)
    values = {
        "pk": pk,
        "pathway_pk": records["pathway"].pk,
        "referral_pk": records["referral"].pk,
        "person_pk": records["person"].pk,
        "goal_pk": records["goal"].pk,
        "user_pk": user.pk,
        "part": "accommodation",
        "attach": "pathway",
        "fmt": "csv",
        "month": timezone.localdate().strftime("%Y-%m"),
        "version": 1,
        "contact_pk": 1,
        "other_pk": 1,  # the other record of a merge: none of hers
        "token": feed_token,
        "uidb64": "MQ",
    }
    return _fill_with(route, values)


def _urls(records: dict, *, user, feed_token: str) -> list[str]:
    urls = []
    for route, name in _all_patterns():
        if route.startswith(settings.ADMIN_URL) or (name or "").endswith("logout"):
            continue
        url = _url(route, name or route, records, user=user, feed_token=feed_token)
        urls.append(url)
        if "<" not in route:  # lists and exports: also searched for her case code
            urls.append(f"{url}?q={records['person'].case_code}")
    return urls


def _text(response) -> str:
    """What the answer says, whatever its format."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    parts = [body.decode("utf-8", errors="replace")]
    if body.startswith(b"%PDF-"):
        from pypdf import PdfReader

        parts.append(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages))
    elif "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        parts.append(" ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row))
    return re.sub(r"\s+", " ", " ".join(parts))


def _walk(client, records, user) -> tuple[set[str], int, dict[str, str]]:
    """(URLs whose answer holds the address, number of 200 answers, text of each export seen)."""
    from ceis.feeds.services import feed_create

    token = feed_create(user=user)
    found, ok, texts = set(), 0, {}
    for url in _urls(records, user=user, feed_token=token):
        response = client.get(url)
        if response.status_code >= 500:
            pytest.fail(f"{url} answered {response.status_code}")
        ok += response.status_code == 200
        text = _text(response)
        texts[url] = text
        if MARK in text.lower():
            found.add(url)
    return found, ok, texts


@pytest.mark.parametrize(
    ("client_name", "user_name"),
    [
        ("coord_client", "coordinator"),
        ("admin_client_role", "admin_user"),
        ("op_b_client", "operator_b"),
        ("op_client", "operator"),
    ],
    ids=["coordinator", "admin", "unassigned-operator", "assigned-operator"],
)
def test_only_the_assigned_operator_reads_the_address_on_any_page_or_export(
    request, italian, safe_house, settings, tmp_path, client_name, user_name
):
    settings.MEDIA_ROOT = tmp_path
    client, user = request.getfixturevalue(client_name), request.getfixturevalue(user_name)
    found, ok, texts = _walk(client, safe_house, user)
    assert ok > 40, "the walk reached too few pages to mean anything"
    detail = reverse("protection:detail", args=[safe_house["pathway"].pk])
    if user_name == "operator":
        assert found == {detail}  # the control: the walk finds the address where it belongs
    else:
        assert found == set()
    if user_name == "coordinator":  # the art. 15 export was walked, and says who keeps the address
        person = safe_house["person"].pk
        for route in ("privacy:export_json", "privacy:export_print", "privacy:export_pdf"):
            assert KEPT_IT in texts[reverse(route, args=[person])], route


@pytest.mark.parametrize("route", ["privacy:export_json", "privacy:export_print", "privacy:export_pdf"])
def test_the_export_says_the_assigned_operators_keep_the_address(coord_client, italian, safe_house, route):
    response = coord_client.get(reverse(route, args=[safe_house["person"].pk]))
    assert response.status_code == 200
    text = _text(response)
    assert MARK not in text.lower()
    assert KEPT_IT in text


def test_the_json_export_keeps_the_rest_of_the_stay(coord_client, italian, safe_house):
    response = coord_client.get(reverse("privacy:export_json", args=[safe_house["person"].pk]))
    (stay,) = json.loads(response.content)["records"]["accommodations"]
    assert (stay["id"], stay["type"], stay["secret_address"]) == (safe_house["stay"].pk, "safe_house", KEPT_IT)


@pytest.mark.parametrize("route", ["privacy:export_json", "privacy:export_print", "privacy:export_pdf"])
def test_the_export_carries_the_address_when_an_assigned_operator_produces_it(
    coord_client, coordinator, safe_house, route
):
    """The export is the coordinators' (acting for the data protection officer): it carries the address only
    when the one who produces it is also assigned to the pathway."""
    access.assign(safe_house["pathway"], coordinator, by=coordinator)
    text = _text(coord_client.get(reverse(route, args=[safe_house["person"].pk])))
    assert MARK in text.lower()
    assert KEPT_IT not in text


def test_only_the_stays_of_her_own_pathways_are_in_clear(coordinator, safe_house):
    """Two pathways of the same person: an assigned coordinator reads the address of hers, not of the other."""
    from privacy import export
    from protection.models import Accommodation

    other = factories.PathwayFactory(person=safe_house["person"])
    Accommodation.objects.create(pathway=other, type="safe_house", secret_address="Via Altra 7", start="2026-01-01")
    access.assign(safe_house["pathway"], coordinator, by=coordinator)
    rows = export.collect(safe_house["person"], viewer=coordinator)["records"]["accommodations"]
    assert {r["pathway_id"]: r["secret_address"] for r in rows} == {
        safe_house["pathway"].pk: ADDRESS,
        other.pk: str(KEPT_BY_ASSIGNED),
    }
    assert all(
        r["secret_address"] != ADDRESS for r in export.collect(safe_house["person"])["records"]["accommodations"]
    )
