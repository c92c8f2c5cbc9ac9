from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from protection.models import LiteracyCourse

pytestmark = pytest.mark.usefixtures("parts_english")


def _add_url(pathway) -> str:
    return reverse("pathway_parts:add", kwargs={"pathway_pk": pathway.pk, "part": "literacy"})


def _edit_url(course) -> str:
    return reverse("pathway_parts:edit", kwargs={"pathway_pk": course.pathway_id, "part": "literacy", "pk": course.pk})


def _data(**overrides) -> dict:
    data = {
        "provider": "CPIA Lucca",
        "level_start": "a1",
        "level_now": "a2",
        "level_note": "",
        "start": "2026-01-12",
        "end": "",
        "attendance_percent": "85",
        "certificate": "",
    }
    data.update(overrides)
    return data


def test_it_records_an_a1_to_a2_course(op_client, operator, parts_pathway):
    response = op_client.post(_add_url(parts_pathway), _data(certificate="on"))
    assert response.status_code == 302
    assert response["Location"] == f"/protection/{parts_pathway.pk}/"
    course = LiteracyCourse.objects.get()
    assert (course.pathway, course.provider, course.level_start, course.level_now) == (
        parts_pathway,
        "CPIA Lucca",
        "a1",
        "a2",
    )
    assert (course.attendance_percent, course.certificate, course.created_by) == (85, True, operator)


def test_it_refuses_a_level_going_down_without_a_note(op_client, parts_pathway):
    response = op_client.post(_add_url(parts_pathway), _data(level_start="b1", level_now="pre_a1"))
    assert response.status_code == 200
    assert "The level went down: add a note to explain it." in response.text
    assert not LiteracyCourse.objects.exists()


def test_it_accepts_a_level_going_down_with_a_note(op_client, parts_pathway):
    note = "Lunga assenza per motivi di salute; test di ingresso ripetuto"
    response = op_client.post(_add_url(parts_pathway), _data(level_start="b1", level_now="pre_a1", level_note=note))
    assert response.status_code == 302
    assert LiteracyCourse.objects.get().level_note == note


def test_it_refuses_an_attendance_over_100_percent(op_client, parts_pathway):
    response = op_client.post(_add_url(parts_pathway), _data(attendance_percent="120"))
    assert response.status_code == 200
    assert "less than or equal to 100" in response.text
    assert not LiteracyCourse.objects.exists()


def test_it_updates_the_level_now(op_client, parts_pathway):
    course = LiteracyCourse.objects.create(
        pathway=parts_pathway, provider="CPIA Lucca", level_start="a1", level_now="a1", start=datetime.date(2026, 1, 12)
    )
    response = op_client.post(_edit_url(course), _data(level_now="a2", end="2026-06-30"))
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.level_now, course.end) == ("a2", datetime.date(2026, 6, 30))


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
def test_nobody_else_reaches_a_course(request, client_fixture, parts_pathway):
    course = LiteracyCourse.objects.create(
        pathway=parts_pathway, provider="CPIA Lucca", level_start="a1", level_now="a1", start=datetime.date(2026, 1, 12)
    )
    client = request.getfixturevalue(client_fixture)
    for url in (_add_url(parts_pathway), _edit_url(course)):
        assert client.get(url).status_code == 404
        assert client.post(url, _data(level_now="b2")).status_code == 404
    course.refresh_from_db()
    assert course.level_now == "a1"
    assert LiteracyCourse.objects.count() == 1
