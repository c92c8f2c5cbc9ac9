from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from protection.models import PhaseChange, ProtectionPathway
from tests import factories

# The direct closure (as coordinators close, or operators when the service turned approval off): the
# closure requests that operators send otherwise are tested in tests/approvals.
pytestmark = pytest.mark.usefixtures("closure_approval_off")


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions below read English messages: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


@pytest.fixture
def pathway(operator):
    return factories.PathwayFactory(assigned_to=[operator])


def _days_ago(n: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def _phase(client, pathway, phase, changed_on, **kwargs):
    url = reverse("protection:phase", args=[pathway.pk])
    return client.post(url, {"phase": phase, "changed_on": changed_on}, **kwargs)


def _close(client, pathway, **data):
    return client.post(reverse("protection:close", args=[pathway.pk]), data)


def _changes(pathway) -> list[tuple[str, str]]:
    return [(c.phase, c.changed_on.isoformat()) for c in pathway.phase_changes.order_by("changed_on", "id")]


# --- phase ------------------------------------------------------------------------------------------


def test_the_page_offers_the_next_phase(op_client, pathway):
    response = op_client.get(reverse("protection:detail", args=[pathway.pk]))
    assert response.context["phase_form"]["phase"].value() == "first_assistance"


def test_the_form_on_the_page_follows_the_phase_and_the_language(op_client, operator, pathway):
    url = reverse("protection:detail", args=[pathway.pk])
    today = f'value="{timezone.localdate().isoformat()}"'
    page = op_client.get(url).text
    assert '<option value="first_assistance" selected>' in page and today in page
    _phase(op_client, pathway, "first_assistance", _days_ago(0))
    page = op_client.get(url).text
    assert '<option value="second_stage" selected>' in page and "New phase" in page
    operator.language = "it"
    operator.save(update_fields=["language"])
    page = op_client.get(url).text
    assert '<option value="second_stage" selected>' in page and "Nuova fase" in page


def test_it_moves_the_phase_forward_and_records_each_change(op_client, operator, pathway):
    response = _phase(op_client, pathway, "first_assistance", _days_ago(5), follow=True)
    _phase(op_client, pathway, "second_stage", _days_ago(0))

    pathway.refresh_from_db()
    assert pathway.phase == "second_stage"
    assert _changes(pathway) == [
        ("emergency", _days_ago(10)),
        ("first_assistance", _days_ago(5)),
        ("second_stage", _days_ago(0)),
    ]
    assert PhaseChange.objects.filter(created_by=operator).count() == 2
    assert "Phase changed to first assistance." in response.text
    assert LogEntry.objects.filter(
        action=LogEntry.Action.UPDATE,
        content_type__model="protectionpathway",
        object_pk=str(pathway.pk),
        actor=operator,
    ).exists()


def test_a_move_back_is_allowed_as_a_dated_correction(op_client, pathway):
    _phase(op_client, pathway, "second_stage", _days_ago(5))
    response = _phase(op_client, pathway, "first_assistance", _days_ago(2), follow=True)

    pathway.refresh_from_db()
    assert pathway.phase == "first_assistance"
    assert _changes(pathway)[-1] == ("first_assistance", _days_ago(2))
    assert "Phase moved back to first assistance: recorded as a correction." in response.text


@pytest.mark.parametrize(
    ("phase", "changed_on", "message"),
    [
        ("emergency", "0", "The pathway is already in this phase."),
        ("first_assistance", "-1", "A phase change cannot be dated in the future."),
        ("first_assistance", "30", "A phase change cannot come before the pathway started."),
        ("first_assistance", "", "Give the date of the phase change."),
        ("first_assistance", "not a date", "Enter a valid date."),
        ("liberation", "0", "Choose one of the phases of the programme."),
    ],
)
def test_a_wrong_phase_change_shows_a_clear_message_and_saves_nothing(op_client, pathway, phase, changed_on, message):
    if changed_on and changed_on != "not a date":
        changed_on = _days_ago(int(changed_on))

    response = _phase(op_client, pathway, phase, changed_on)

    assert response.status_code == 200
    assert message in response.text
    assert "Nothing has been saved yet." in response.text
    pathway.refresh_from_db()
    assert pathway.phase == "emergency"
    assert len(_changes(pathway)) == 1


def test_a_change_cannot_come_before_the_last_one(op_client, pathway):
    _phase(op_client, pathway, "first_assistance", _days_ago(3))
    response = _phase(op_client, pathway, "second_stage", _days_ago(6))
    assert "A phase change cannot come before the last one" in response.text
    pathway.refresh_from_db()
    assert pathway.phase == "first_assistance"


def test_a_coordinator_changes_the_phase_too(coord_client, pathway):
    _phase(coord_client, pathway, "first_assistance", _days_ago(1))
    pathway.refresh_from_db()
    assert pathway.phase == "first_assistance"


# --- closure ----------------------------------------------------------------------------------------


def test_it_closes_with_the_end_date_and_the_reason(op_client, pathway):
    response = _close(op_client, pathway, ended_on=_days_ago(0), closure_reason="autonomy")

    assert response.status_code == 302
    pathway.refresh_from_db()
    assert (pathway.ended_on.isoformat(), pathway.closure_reason) == (_days_ago(0), "autonomy")
    page = op_client.get(response["Location"])
    assert f"Pathway {pathway.person.case_code} closed." in page.text
    assert "autonomy reached" in page.text
    assert 'id="phase-form"' not in page.text  # nothing more to move


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ended_on": "0", "closure_reason": ""}, "Give the reason the pathway closed."),
        ({"ended_on": "0", "closure_reason": "bored"}, "Give the reason the pathway closed."),
        ({"ended_on": "", "closure_reason": "left"}, "Give the date the pathway ended."),
        ({"ended_on": "-3", "closure_reason": "left"}, "The pathway cannot end in the future."),
        ({"ended_on": "40", "closure_reason": "left"}, "The pathway cannot end before it started."),
    ],
)
def test_a_wrong_closure_shows_a_clear_message_and_saves_nothing(op_client, pathway, data, message):
    if data["ended_on"]:
        data = {**data, "ended_on": _days_ago(int(data["ended_on"]))}

    response = _close(op_client, pathway, **data)

    assert response.status_code == 200
    assert message in response.text
    pathway.refresh_from_db()
    assert (pathway.ended_on, pathway.closure_reason) == (None, "")


def test_it_cannot_end_before_the_last_phase_change(op_client, pathway):
    _phase(op_client, pathway, "first_assistance", _days_ago(2))
    response = _close(op_client, pathway, ended_on=_days_ago(4), closure_reason="left")
    assert "The pathway cannot end before its last phase change" in response.text
    pathway.refresh_from_db()
    assert pathway.is_open


def test_a_closed_pathway_takes_no_more_phase_changes_nor_closures(op_client, pathway):
    _close(op_client, pathway, ended_on=_days_ago(1), closure_reason="return")

    response = _phase(op_client, pathway, "first_assistance", _days_ago(0), follow=True)
    assert "This pathway is closed." in response.text
    again = _close(op_client, pathway, ended_on=_days_ago(0), closure_reason="left")
    assert again.status_code == 302

    pathway.refresh_from_db()
    assert (pathway.phase, pathway.ended_on.isoformat(), pathway.closure_reason) == (
        "emergency",
        _days_ago(1),
        "return",
    )
    assert len(_changes(pathway)) == 1


def test_other_people_can_neither_move_nor_close_it(op_b_client, admin_client_role, pathway):
    for client in (op_b_client, admin_client_role):
        assert _phase(client, pathway, "first_assistance", _days_ago(0)).status_code == 404
        assert _close(client, pathway, ended_on=_days_ago(0), closure_reason="left").status_code == 404
    pathway.refresh_from_db()
    assert (pathway.phase, pathway.ended_on) == ("emergency", None)
    assert ProtectionPathway.objects.filter(ended_on__isnull=False).count() == 0
