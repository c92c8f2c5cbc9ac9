from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from protection.models import JobPlacement, Training

pytestmark = pytest.mark.usefixtures("parts_english")


def _add_url(pathway, part: str) -> str:
    return reverse("pathway_parts:add", kwargs={"pathway_pk": pathway.pk, "part": part})


def _edit_url(record, part: str) -> str:
    return reverse("pathway_parts:edit", kwargs={"pathway_pk": record.pathway_id, "part": part, "pk": record.pk})


def _training(**overrides) -> dict:
    data = {
        "kind": "vocational",
        "title": "Operatrice socio-sanitaria",
        "provider": "Agenzia formativa Lucca",
        "start": "2026-02-01",
        "end": "",
        "outcome": "ongoing",
        "qualification": "",
    }
    data.update(overrides)
    return data


def _job(**overrides) -> dict:
    data = {
        "kind": "traineeship",
        "employer": "Cooperativa Il Ponte",
        "sector": "ristorazione",
        "hours_per_week": "25",
        "start": "2026-03-01",
        "end": "2026-08-31",
        "outcome": "ongoing",
    }
    data.update(overrides)
    return data


def test_it_records_a_vocational_course(op_client, operator, parts_pathway):
    response = op_client.post(_add_url(parts_pathway, "training"), _training())
    assert response.status_code == 302
    assert response["Location"] == f"/protection/{parts_pathway.pk}/"
    training = Training.objects.get()
    assert (training.pathway, training.kind, training.title, training.created_by) == (
        parts_pathway,
        "vocational",
        "Operatrice socio-sanitaria",
        operator,
    )


def test_it_records_the_qualification_when_the_course_ends(op_client, parts_pathway):
    training = Training.objects.create(
        pathway=parts_pathway, kind="school", title="Licenza media", provider="CPIA", start=datetime.date(2025, 9, 15)
    )
    response = op_client.post(
        _edit_url(training, "training"),
        _training(
            kind="school",
            title="Licenza media",
            provider="CPIA",
            start="2025-09-15",
            end="2026-06-20",
            outcome="completed",
            qualification="Diploma di licenza media",
        ),
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.outcome, training.qualification) == ("completed", "Diploma di licenza media")


def test_it_refuses_a_training_ending_before_it_starts(op_client, parts_pathway):
    response = op_client.post(_add_url(parts_pathway, "training"), _training(end="2026-01-01"))
    assert response.status_code == 200
    assert "The end cannot come before the start." in response.text
    assert not Training.objects.exists()


def test_it_records_a_traineeship(op_client, operator, parts_pathway):
    response = op_client.post(_add_url(parts_pathway, "job"), _job())
    assert response.status_code == 302
    job = JobPlacement.objects.get()
    assert (job.kind, job.employer, job.hours_per_week, job.end, job.created_by) == (
        "traineeship",
        "Cooperativa Il Ponte",
        25,
        datetime.date(2026, 8, 31),
        operator,
    )


@pytest.mark.parametrize(
    ("hours", "message"), [("0", "greater than or equal to 1"), ("61", "less than or equal to 60")]
)
def test_it_refuses_hours_per_week_out_of_range(op_client, parts_pathway, hours, message):
    response = op_client.post(_add_url(parts_pathway, "job"), _job(hours_per_week=hours))
    assert response.status_code == 200
    assert message in response.text
    assert not JobPlacement.objects.exists()


def test_it_records_the_hiring_after_a_traineeship(op_client, parts_pathway):
    job = JobPlacement.objects.create(
        pathway=parts_pathway, kind="traineeship", employer="Cooperativa Il Ponte", start=datetime.date(2026, 3, 1)
    )
    response = op_client.post(_edit_url(job, "job"), _job(outcome="hired"))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.outcome, job.hours_per_week) == ("hired", 25)


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
def test_nobody_else_reaches_trainings_or_jobs(request, client_fixture, parts_pathway):
    training = Training.objects.create(
        pathway=parts_pathway, kind="school", title="Licenza media", provider="CPIA", start=datetime.date(2025, 9, 15)
    )
    job = JobPlacement.objects.create(
        pathway=parts_pathway, kind="traineeship", employer="Cooperativa Il Ponte", start=datetime.date(2026, 3, 1)
    )
    client = request.getfixturevalue(client_fixture)
    for url, data in (
        (_add_url(parts_pathway, "training"), _training()),
        (_edit_url(training, "training"), _training()),
        (_add_url(parts_pathway, "job"), _job()),
        (_edit_url(job, "job"), _job()),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    training.refresh_from_db()
    job.refresh_from_db()
    assert (training.title, job.employer, job.hours_per_week) == ("Licenza media", "Cooperativa Il Ponte", None)
    assert (Training.objects.count(), JobPlacement.objects.count()) == (1, 1)
