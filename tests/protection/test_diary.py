from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ceis import crypto
from protection.models import DiaryEntry
from protection.parts import services as part_services
from protection.parts.forms import DiaryEntryForm

pytestmark = pytest.mark.usefixtures("parts_english")

TEXT = "Ha raccontato di voler riprendere gli studi da infermiera"


def _add_url(pathway) -> str:
    return reverse("pathway_parts:add", kwargs={"pathway_pk": pathway.pk, "part": "diary"})


def _edit_url(entry) -> str:
    return reverse("pathway_parts:edit", kwargs={"pathway_pk": entry.pathway_id, "part": "diary", "pk": entry.pk})


def _close(pathway) -> None:
    pathway.ended_on, pathway.closure_reason = timezone.localdate(), "autonomy"
    pathway.save()


def test_it_writes_a_diary_entry(op_client, operator, parts_pathway):
    today = timezone.localdate().isoformat()
    response = op_client.post(_add_url(parts_pathway), {"written_on": today, "text": TEXT})
    assert response.status_code == 302
    assert response["Location"] == f"/protection/{parts_pathway.pk}/"
    entry = DiaryEntry.objects.get()
    assert (entry.pathway, entry.written_on, entry.text, entry.created_by) == (
        parts_pathway,
        timezone.localdate(),
        TEXT,
        operator,
    )


def test_the_entry_is_ciphertext_in_the_database_and_absent_from_the_audit_log(op_client, operator, parts_pathway):
    op_client.post(_add_url(parts_pathway), {"written_on": "2026-01-05", "text": TEXT})
    entry = DiaryEntry.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM protection_diaryentry WHERE id = %s", [entry.pk])
        raw = cursor.fetchone()[0]
    assert "infermiera" not in raw
    assert crypto.decrypt(raw) == TEXT
    log = LogEntry.objects.get_for_object(entry).get()
    assert log.actor == operator
    assert "text" not in log.changes_dict
    assert "infermiera" not in str(log.changes)


def test_it_refuses_an_entry_dated_in_the_future(op_client, parts_pathway):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = op_client.post(_add_url(parts_pathway), {"written_on": tomorrow, "text": TEXT})
    assert response.status_code == 200
    assert "A diary entry cannot be dated in the future." in response.text
    assert not DiaryEntry.objects.exists()


def test_it_corrects_an_entry(op_client, parts_pathway):
    entry = DiaryEntry.objects.create(pathway=parts_pathway, written_on=datetime.date(2026, 1, 5), text="Bozza")
    response = op_client.post(_edit_url(entry), {"written_on": "2026-01-06", "text": TEXT})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.written_on, entry.text) == (datetime.date(2026, 1, 6), TEXT)


def test_the_edit_page_shows_the_entry_to_its_operator(op_client, parts_pathway):
    entry = DiaryEntry.objects.create(pathway=parts_pathway, text=TEXT)
    assert TEXT in op_client.get(_edit_url(entry)).text


def test_a_closed_pathway_takes_no_entries_from_operators(op_client, parts_pathway):
    _close(parts_pathway)
    response = op_client.post(_add_url(parts_pathway), {"written_on": "2026-01-05", "text": TEXT})
    assert response.status_code == 302
    assert response["Location"] == f"/protection/{parts_pathway.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["This pathway is closed."]
    assert not DiaryEntry.objects.exists()


def test_the_service_refuses_it_too(operator, parts_pathway):
    _close(parts_pathway)
    form = DiaryEntryForm({"written_on": "2026-01-05", "text": TEXT}, pathway=parts_pathway, user=operator)
    assert form.is_valid()
    with pytest.raises(part_services.PathwayClosed):
        part_services.part_save(form=form, pathway=parts_pathway, by=operator)
    assert not DiaryEntry.objects.exists()


def test_a_coordinator_adds_an_entry_to_a_closed_pathway(coord_client, coordinator, parts_pathway):
    _close(parts_pathway)
    response = coord_client.post(_add_url(parts_pathway), {"written_on": "2026-01-05", "text": TEXT})
    assert response.status_code == 302
    assert DiaryEntry.objects.get().created_by == coordinator


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
def test_nobody_else_reaches_the_diary(request, client_fixture, parts_pathway):
    entry = DiaryEntry.objects.create(pathway=parts_pathway, text=TEXT)
    client = request.getfixturevalue(client_fixture)
    for url in (_add_url(parts_pathway), _edit_url(entry)):
        response = client.get(url)
        assert response.status_code == 404
        assert "infermiera" not in response.text
        assert client.post(url, {"written_on": "2026-01-05", "text": "Cambiato"}).status_code == 404
    entry.refresh_from_db()
    assert entry.text == TEXT
    assert DiaryEntry.objects.count() == 1
