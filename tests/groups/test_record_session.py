"""Record a group session: the session, its attendance table (aggregates, never names), its facilitators."""

from __future__ import annotations

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from ceis import access
from ceis.audit.models import Event
from groups import services
from groups.forms import SessionForm, attendance_formset
from groups.models import AttendanceRow, GroupSession
from materials.models import Language, Material, Topic
from tests import factories

NEW = reverse("groups:new")


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions below read English messages: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


def _when(delta: datetime.timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def _lang(code: str) -> Language:
    return Language.objects.get(code=code)


def session_data(*, centre, facilitators, rows=(), initial_rows: int = 0, **overrides) -> dict:
    """POST data of the session form; ``rows`` are (nationality, gender, language code or "", count[, delete])."""
    data = {
        "held_at": _when(-datetime.timedelta(hours=3)),
        "status": "held",
        "host_centre": centre.pk,
        "place": "Sala mensa",
        "mediators": "Mediatrice di lingua tigrina",
        "languages": [_lang("en").pk, _lang("ti").pk],
        "topics": [Topic.objects.get(code="exploitation").pk, Topic.objects.get(code="help").pk],
        "notes": "Molte domande sul permesso di soggiorno.",
        "facilitators": [u.pk for u in facilitators],
        "attendance-TOTAL_FORMS": str(len(rows) + 1),
        "attendance-INITIAL_FORMS": str(initial_rows),
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        nationality, gender, language, count = row[:4]
        data[f"attendance-{i}-nationality"] = nationality
        data[f"attendance-{i}-gender"] = gender
        data[f"attendance-{i}-language"] = _lang(language).pk if language else ""
        data[f"attendance-{i}-count"] = str(count)
        if len(row) > 4 and row[4]:
            data[f"attendance-{i}-DELETE"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def centre(db):
    return factories.PartnerBodyFactory(name="CAS Il Ponte")


@pytest.fixture
def video(db):
    material = Material.objects.create(
        title="Il tuo corpo non è in vendita", kind=Material.Kind.VIDEO, url="https://video.example.org/v/1"
    )
    material.languages.add(_lang("en"))
    return material


def _nothing_saved():
    assert GroupSession.objects.count() == 0
    assert AttendanceRow.objects.count() == 0
    assert not Event.objects.filter(kind=Event.Kind.ASSIGN).exists()


# Recording ---------------------------------------------------------------------------------------


def test_it_records_a_session_with_its_attendance_table_and_materials(op_client, operator, operator_b, centre, video):
    rows = [("NG", "female", "en", 12), ("ER", "male", "ti", 4), ("ER", "female", "", 3)]
    data = session_data(centre=centre, facilitators=[operator, operator_b], rows=rows, materials=[video.pk])
    response = op_client.post(NEW, data)

    session = GroupSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[session.pk])
    assert (session.host_centre, session.place, session.created_by) == (centre, "Sala mensa", operator)
    assert session.mediators == "Mediatrice di lingua tigrina"
    assert {lang.code for lang in session.languages.all()} == {"en", "ti"}
    assert {t.code for t in session.topics.all()} == {"exploitation", "help"}
    assert list(session.materials.all()) == [video]
    stored = {
        (str(r.nationality), r.gender, r.language.code if r.language else None, r.count)
        for r in session.attendance.all()
    }
    assert stored == {("NG", "female", "en", 12), ("ER", "male", "ti", 4), ("ER", "female", None, 3)}
    assert {u.pk for u in access.assignees([session])[session.pk]} == {operator.pk, operator_b.pk}
    assert Event.objects.filter(kind=Event.Kind.ASSIGN, target_id=str(session.pk), actor=operator).count() == 2


def test_it_preselects_the_recording_operator_among_active_operators(op_client, operator, operator_b):
    gone = factories.OperatorFactory(username="op_gone", is_active=False)
    coordinator = factories.CoordinatorFactory(username="coord_x")
    form = op_client.get(NEW).context["form"]
    offered = set(form.fields["facilitators"].queryset)
    assert form.initial["facilitators"] == [operator.pk]
    assert {operator, operator_b} <= offered
    assert gone not in offered and coordinator not in offered


def test_it_offers_only_active_host_centres_materials_and_languages(op_client, centre, video):
    closed = factories.PartnerBodyFactory(name="CAS chiuso", active=False)
    withdrawn = Material.objects.create(
        title="Vecchio opuscolo", kind=Material.Kind.LEAFLET, url="https://example.org/opuscolo", active=False
    )
    Language.objects.filter(code="ru").update(active=False)
    form = op_client.get(NEW).context["form"]
    assert centre in form.fields["host_centre"].queryset and closed not in form.fields["host_centre"].queryset
    assert video in form.fields["materials"].queryset and withdrawn not in form.fields["materials"].queryset
    assert not form.fields["languages"].queryset.filter(code="ru").exists()


def test_it_refuses_a_closed_host_centre_with_a_clear_message(op_client, operator):
    closed = factories.PartnerBodyFactory(name="CAS chiuso", active=False)
    response = op_client.post(NEW, session_data(centre=closed, facilitators=[operator], rows=[("NG", "female", "", 2)]))
    assert response.status_code == 200
    assert "This body is not active: choose an active host centre." in response.text
    _nothing_saved()


@pytest.mark.parametrize("count", ["0", "501", "-3", "tre"])
def test_it_refuses_a_number_of_people_out_of_range(op_client, operator, centre, count):
    response = op_client.post(
        NEW, session_data(centre=centre, facilitators=[operator], rows=[("NG", "male", "", count)])
    )
    assert response.status_code == 200
    assert "Enter a number of people between 1 and 500." in response.text
    assert 'id="form-errors"' in response.text
    _nothing_saved()


def test_it_accepts_the_limits_of_the_range(op_client, operator, centre):
    rows = [("NG", "male", "", 1), ("NG", "female", "", 500)]
    assert op_client.post(NEW, session_data(centre=centre, facilitators=[operator], rows=rows)).status_code == 302
    assert sorted(AttendanceRow.objects.values_list("count", flat=True)) == [1, 500]


def test_it_refuses_the_same_nationality_gender_and_language_twice(op_client, operator, centre):
    rows = [("NG", "female", "en", 5), ("ER", "female", "en", 2), ("NG", "female", "en", 3)]
    response = op_client.post(NEW, session_data(centre=centre, facilitators=[operator], rows=rows))
    assert response.status_code == 200
    assert 'id="attendance-errors"' in response.text
    assert "Nigeria · female · English is on more than one row: add the numbers up on a single row." in response.text
    _nothing_saved()


def test_it_refuses_a_repeated_row_without_a_language_too(op_client, operator, centre):
    rows = [("NG", "male", "", 5), ("NG", "male", "", 3)]
    response = op_client.post(NEW, session_data(centre=centre, facilitators=[operator], rows=rows))
    assert "Nigeria · male · language not recorded is on more than one row" in response.text
    _nothing_saved()


def test_it_keeps_one_nationality_and_gender_in_two_languages_as_two_rows(op_client, operator, centre):
    rows = [("NG", "female", "en", 5), ("NG", "female", "pcm", 3)]
    assert op_client.post(NEW, session_data(centre=centre, facilitators=[operator], rows=rows)).status_code == 302
    assert AttendanceRow.objects.count() == 2


def test_it_needs_at_least_one_row_for_a_session_held_in_the_past(op_client, operator, centre):
    response = op_client.post(NEW, session_data(centre=centre, facilitators=[operator]))
    assert response.status_code == 200
    assert "A session held in the past needs its attendance: enter at least one row." in response.text
    _nothing_saved()


def test_it_lets_a_planned_session_wait_for_its_attendance(op_client, operator, centre):
    data = session_data(
        centre=centre, facilitators=[operator], held_at=_when(datetime.timedelta(days=7)), status="planned"
    )
    assert op_client.post(NEW, data).status_code == 302
    session = GroupSession.objects.get()
    assert session.status == GroupSession.Status.PLANNED
    assert session.attendance.count() == 0


def test_it_refuses_a_half_filled_row(op_client, operator, centre):
    data = session_data(centre=centre, facilitators=[operator], rows=[("NG", "female", "", 4), ("ER", "", "", "")])
    response = op_client.post(NEW, data)
    assert response.status_code == 200
    assert response.context["attendance"].forms[1].errors
    _nothing_saved()


def test_it_needs_a_facilitator(coord_client, centre):
    response = coord_client.post(NEW, session_data(centre=centre, facilitators=[], rows=[("NG", "female", "", 4)]))
    assert response.status_code == 200
    assert "Choose at least one facilitating operator." in response.text
    _nothing_saved()


def test_it_lets_a_coordinator_record_a_session_for_operators(coord_client, coordinator, operator, centre):
    response = coord_client.post(
        NEW, session_data(centre=centre, facilitators=[operator], rows=[("PK", "male", "ur", 9)])
    )
    session = GroupSession.objects.get()
    assert response["Location"] == reverse("groups:detail", args=[session.pk])
    assert access.assignees([session])[session.pk] == [operator]
    assert session.created_by == coordinator


def test_it_saves_nothing_when_a_facilitator_cannot_be_assigned(operator, coordinator, centre):
    """All or nothing: the session and its rows are saved before the assignment that fails."""
    data = session_data(centre=centre, facilitators=[operator], rows=[("NG", "female", "", 4)])
    form = SessionForm(data, instance=GroupSession(), user=operator)
    attendance = attendance_formset(data, session=GroupSession(), session_form=form, extra=1)
    assert form.is_valid() and attendance.is_valid()
    with pytest.raises(ValueError):
        services.group_session_save(form=form, attendance=attendance, facilitators=[operator, coordinator], by=operator)
    _nothing_saved()


def test_it_has_no_field_for_a_participant_name():
    row_fields = {f.name for f in AttendanceRow._meta.get_fields()}
    assert row_fields == {"id", "session", "nationality", "gender", "language", "count"}
    name_like = re.compile(r"name|alias|surname|phone|birth|document", re.IGNORECASE)
    reference_names = {("Language", "name_it"), ("Language", "name_en")}  # names of languages, not of people
    found = {
        (model.__name__, f.name)
        for model in apps.get_app_config("groups").get_models()
        for f in model._meta.get_fields()
        if name_like.search(f.name)
    }
    assert found <= reference_names


# Editing ------------------------------------------------------------------------------------------


@pytest.fixture
def held(operator, operator_b, centre):
    session = factories.GroupSessionFactory(host_centre=centre, facilitators=[operator, operator_b])
    factories.AttendanceRowFactory(session=session, nationality="NG", gender="female", language=_lang("en"), count=5)
    factories.AttendanceRowFactory(session=session, nationality="NG", gender="male", language=None, count=3)
    return session


def _edit(client, session, data):
    return client.post(reverse("groups:edit", args=[session.pk]), data)


def _table(session):
    return sorted(
        (str(r.nationality), r.gender, r.language.code if r.language else None, r.count)
        for r in session.attendance.select_related("language")
    )


def test_it_shows_the_table_and_facilitators_as_recorded_on_the_edit_page(op_client, operator, operator_b, held):
    response = op_client.get(reverse("groups:edit", args=[held.pk]))
    form, attendance = response.context["form"], response.context["attendance"]
    assert sorted(form.initial["facilitators"]) == sorted([operator.pk, operator_b.pk])
    assert attendance.initial_form_count() == 2
    assert [f.initial["count"] for f in attendance.forms[:2]] == [5, 3]  # by nationality, then gender


def test_it_edits_rows_and_unassigns_a_removed_facilitator(op_client, op_b_client, operator, operator_b, held):
    op_c = factories.OperatorFactory(username="op_c")
    rows = [("NG", "female", "en", 7), ("NG", "male", "", 3, "delete"), ("ER", "female", "ti", 2)]
    data = session_data(centre=held.host_centre, facilitators=[operator, op_c], rows=rows, initial_rows=2)
    response = _edit(op_client, held, data)
    assert response.status_code == 302
    assert _table(held) == [("ER", "female", "ti", 2), ("NG", "female", "en", 7)]
    assert {u.pk for u in access.assignees([held])[held.pk]} == {operator.pk, op_c.pk}
    assert Event.objects.filter(kind=Event.Kind.UNASSIGN, target_id=str(held.pk), subject=operator_b).exists()
    assert op_b_client.get(reverse("groups:detail", args=[held.pk])).status_code == 404


def test_it_swaps_two_rows_without_tripping_over_their_uniqueness(op_client, operator, centre):
    session = factories.GroupSessionFactory(host_centre=centre, facilitators=[operator])
    factories.AttendanceRowFactory(session=session, nationality="NG", gender="female", language=_lang("en"), count=5)
    factories.AttendanceRowFactory(session=session, nationality="NG", gender="male", language=_lang("en"), count=3)
    rows = [("NG", "male", "en", 5), ("NG", "female", "en", 3)]  # each row takes the other's place
    data = session_data(centre=centre, facilitators=[operator], rows=rows, initial_rows=2)
    assert _edit(op_client, session, data).status_code == 302
    assert _table(session) == [("NG", "female", "en", 3), ("NG", "male", "en", 5)]


def test_it_changes_nothing_when_an_edit_fails(op_client, operator, held):
    rows = [("NG", "male", "", 5), ("NG", "male", "", 3)]
    data = session_data(centre=held.host_centre, facilitators=[operator], rows=rows, initial_rows=2, place="Altrove")
    assert _edit(op_client, held, data).status_code == 200
    held.refresh_from_db()
    assert held.place == "Sala comune"
    assert _table(held) == [("NG", "female", "en", 5), ("NG", "male", None, 3)]
    assert len(access.assignees([held])[held.pk]) == 2


def test_it_sends_an_operator_who_removes_herself_back_to_her_list(op_client, operator, operator_b, held):
    rows = [("NG", "female", "en", 5), ("NG", "male", "", 3)]
    data = session_data(centre=held.host_centre, facilitators=[operator_b], rows=rows, initial_rows=2)
    response = _edit(op_client, held, data)
    assert response["Location"] == reverse("groups:mine")
    assert not access.is_assigned(held, operator)


def test_it_lets_an_inactive_facilitator_already_on_the_session_stay(op_client, operator, operator_b, held):
    operator_b.is_active = False
    operator_b.save()
    rows = [("NG", "female", "en", 5), ("NG", "male", "", 3)]
    data = session_data(centre=held.host_centre, facilitators=[operator, operator_b], rows=rows, initial_rows=2)
    assert _edit(op_client, held, data).status_code == 302
    assert access.is_assigned(held, operator_b)


# The session page ---------------------------------------------------------------------------------


@pytest.fixture
def counted(operator, centre, video):
    """Six rows whose totals are worked out by hand in the test below."""
    session = factories.GroupSessionFactory(host_centre=centre, facilitators=[operator], mediators="Amina (tigrino)")
    session.languages.set([_lang("en"), _lang("ti")])
    session.topics.set(Topic.objects.filter(code__in=["law", "health"]))
    session.materials.set([video])
    for nationality, gender, language, count in [
        ("NG", "female", "en", 12),
        ("NG", "male", "en", 7),
        ("ER", "female", "ti", 4),
        ("ER", "male", "ti", 9),
        ("PK", "male", "ur", 6),
        ("NG", "female", "pcm", 3),
    ]:
        factories.AttendanceRowFactory(
            session=session, nationality=nationality, gender=gender, language=_lang(language), count=count
        )
    return session


def _items(html: str, element_id: str) -> list[str]:
    block = re.search(rf'id="{element_id}">(.*?)</ul>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def test_it_shows_the_attendance_with_its_totals(op_client, counted):
    response = op_client.get(reverse("groups:detail", args=[counted.pk]))
    assert response.status_code == 200
    # 12 + 7 + 4 + 9 + 6 + 3 = 41 people; women 12 + 4 + 3 = 19, men 7 + 9 + 6 = 22;
    # Nigeria 12 + 7 + 3 = 22, Eritrea 4 + 9 = 13, Pakistan 6.
    assert re.search(r'id="attendance-total">41<', response.text)
    assert _items(response.text, "totals-by-gender") == ["Male: 22", "Female: 19"]
    assert _items(response.text, "totals-by-nationality") == ["Nigeria: 22", "Eritrea: 13", "Pakistan: 6"]
    assert response.text.count("<tr><td>Nigeria</td>") == 3


def test_the_page_title_is_just_the_session(op_client, counted):
    response = op_client.get(reverse("groups:detail", args=[counted.pk]))
    html = response.text
    assert response.context["requests"].total_form_count() == 2  # two blank requests to start with
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip() == "Group session · CAS Il Ponte · ceis"
    assert html.count('id="requests-heading"') == 1


def test_it_shows_what_was_recorded(op_client, operator, counted, video):
    html = op_client.get(reverse("groups:detail", args=[counted.pk])).text
    for text in ("CAS Il Ponte", "Sala comune", "Amina (tigrino)", "English, Tigrinya", video.title):
        assert text in html
    assert "the law and rights, health" in html
    assert operator.get_full_name() in re.search(r'id="facilitators">(.*?)</dd>', html, re.S).group(1)
    assert f'href="{reverse("groups:edit", args=[counted.pk])}"' in html


def test_it_audits_opening_a_session(op_client, operator, counted):
    op_client.get(reverse("groups:detail", args=[counted.pk]))
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, content_type__model="groupsession", object_pk=str(counted.pk), actor=operator
    ).exists()


def test_it_says_when_nothing_was_counted_yet(op_client, operator):
    planned = factories.GroupSessionFactory(
        held_at=timezone.now() + datetime.timedelta(days=2), facilitators=[operator]
    )
    response = op_client.get(reverse("groups:detail", args=[planned.pk]))
    assert "Attendance is recorded once the session is held." in response.text
    held_without_rows = factories.GroupSessionFactory(facilitators=[operator])
    response = op_client.get(reverse("groups:detail", args=[held_without_rows.pk]))
    assert "No attendance recorded yet." in response.text


def test_it_keeps_the_session_page_to_a_query_budget(op_client, counted, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        op_client.get(reverse("groups:detail", args=[counted.pk]))
