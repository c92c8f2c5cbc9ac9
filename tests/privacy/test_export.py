"""Access export (art. 15): everything held about the person, as a JSON download and a printable page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ceis.audit.models import Event
from ceis.notifications.models import Notification
from privacy import export

from .conftest import SECRETS, build_case


def _download(client, person):
    response = client.get(reverse("privacy:export_json", args=[person.pk]))
    assert response.status_code == 200
    return response, json.loads(b"".join(response.streaming_content) if response.streaming else response.content)


def test_it_downloads_everything_held_about_her_decrypted(coord_client, operator, case):
    person = case["person"]
    Notification.objects.create(recipient=operator, kind="assigned", label=person.case_code, path="/x/")
    response, data = _download(coord_client, person)
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"export-person-{person.pk}-" in disposition
    for secret in (SECRETS["first_name"], SECRETS["last_name"], person.case_code):
        assert secret not in disposition
    records = data["records"]
    assert records["person"][0]["first_name"] == SECRETS["first_name"]
    assert records["person"][0]["documents"] == SECRETS["documents"]
    assert records["referrals"][0]["reason"] == SECRETS["reason"]
    assert records["interviews"][0]["personal_history"] == SECRETS["personal_history"]
    assert records["indicator_marks"][0]["answer"] == "observed"
    assert records["indicator_marks"][0]["note"] == SECRETS["indicator_note"]
    assert records["indicator_marks"][0]["indicator__code"]
    assert records["reports_to_referring_bodies"][0]["opinion"] == SECRETS["opinion"]
    assert records["group_session_follow_ups"][0]["session_id"] == case["session"].pk
    assert records["pathways"][0]["id"] == case["pathway"].pk
    assert records["plan_goals"][0]["goal"] == SECRETS["goal"]
    assert records["plan_goal_reviews"][0]["note"] == SECRETS["review"]
    # The coordinator is not assigned to the pathway: the safe-house address stays with those who are.
    assert records["accommodations"][0]["secret_address"] == str(export.KEPT_BY_ASSIGNED)
    assert SECRETS["secret_address"] not in json.dumps(data)
    assert records["diary"][0]["text"] == SECRETS["diary"]
    for part in ("literacy_courses", "trainings", "job_placements", "residence_permits", "pathway_phases"):
        assert part in records
    assert [n["id"] for n in data["notifications"]] == [Notification.objects.get().pk]
    assert set(data["notifications"][0]) == {"id", "kind", "recipient_id", "created_at", "read_at"}
    # Audit rows about her records: ids, actions and dates only.
    assert {e["kind"] for e in data["audit_events"]} >= {"assign"}
    assert data["audit_log"] and set(data["audit_log"][0]) == {
        "id",
        "timestamp",
        "action",
        "actor_id",
        "content_type__model",
        "object_pk",
    }


def test_each_export_is_audited(coord_client, coordinator, case):
    person = case["person"]
    _download(coord_client, person)
    coord_client.get(reverse("privacy:export_print", args=[person.pk]))
    events = Event.objects.filter(kind=Event.Kind.EXPORT, target_id=str(person.pk)).order_by("pk")
    assert [e.details["format"] for e in events] == ["json", "print"]
    assert all(e.actor == coordinator for e in events)
    assert SECRETS["first_name"] not in str([e.details for e in events])


def test_the_printable_export_is_an_a4_page_without_inline_code(coord_client, case):
    response = coord_client.get(reverse("privacy:export_print", args=[case["person"].pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert SECRETS["diary"] in page and SECRETS["first_name"] in page
    assert "css/privacy-export.css" in page
    assert "style=" not in page and "<script" not in page
    from django.contrib.staticfiles import finders

    assert "size: A4" in open(finders.find("css/privacy-export.css")).read()


def test_the_export_takes_the_same_queries_however_many_records(operator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = build_case(operator, interviews=1, diary=1)["person"]
    large = build_case(operator, interviews=6, diary=12)["person"]
    export.collect(small)  # warm the content-type cache
    with CaptureQueriesContext(connection) as few:
        export.collect(small)
    with CaptureQueriesContext(connection) as many:
        data = export.collect(large)
    assert len(data["records"]["diary"]) == 12 and len(data["records"]["interviews"]) == 6
    assert len(many) == len(few) <= len(export.SECTIONS) + 3


def test_a_section_of_an_app_not_installed_is_skipped(case, monkeypatch):
    monkeypatch.setattr(
        export, "SECTIONS", [*export.SECTIONS, export.Section("absent", "notinstalled.Thing", "person")]
    )
    data = export.collect(case["person"])
    assert "absent" not in data["records"] and "diary" in data["records"]


def test_it_includes_her_consents_and_legal_bases(case):
    records = export.collect(case["person"])["records"]
    assert [c["interpreter"] for c in records["consents"]] == ["Mediatrice Gelsomina Varrocchi"]
    assert [b["explanation"] for b in records["legal_bases_without_consent"]] == ["Spiegazione riservata Pelagatti"]


@pytest.mark.parametrize("route", ["privacy:export_json", "privacy:export_print"])
@pytest.mark.parametrize("client_name", ["op_client", "admin_client_role"])
def test_operators_and_admins_cannot_export(db, request, client_name, route, case):
    client = request.getfixturevalue(client_name)
    assert client.get(reverse(route, args=[case["person"].pk])).status_code == 404
    assert not Event.objects.filter(kind=Event.Kind.EXPORT).exists()
