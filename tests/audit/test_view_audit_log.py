"""Coordinators and admins search the audit trail; it names records by kind and id, and is itself audited."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from ceis import access
from ceis.audit import views
from ceis.audit.models import Event
from ceis.audit.services import acting_as, record_viewed
from referrals.models import Person, Referral
from tests import factories

URL = reverse("audit:log")


def _rows(response) -> list:
    return response.context["rows"]


@pytest.fixture
def trail(operator, operator_b, coordinator):
    """Operator A reads her referral; operator B logs in; a coordinator assigns the referral."""
    referral = factories.ReferralFactory(assigned_to=[operator], reason="Racconto QXZ1QXZ")
    with acting_as(operator):
        record_viewed(referral)
    Event.objects.create(kind=Event.Kind.LOGIN, actor=operator_b, subject=operator_b, ip="10.0.0.7")
    access.assign(referral, operator_b, by=coordinator)
    return referral


@pytest.mark.parametrize("client_name", ["coord_client", "admin_client_role"])
def test_it_lists_both_tables_newest_first(request, client_name, trail):
    response = request.getfixturevalue(client_name).get(URL)
    assert response.status_code == 200
    rows = _rows(response)
    whens = [r["when"] for r in rows]
    assert whens == sorted(whens, reverse=True)
    assert {r["what"] for r in rows} >= {"create", "access", "login", "assign"}
    assert "10.0.0.7" in response.text
    assert f"<td>{trail.pk}</td>" in response.text


def test_it_shows_no_content_of_the_records(coord_client, trail):
    response = coord_client.get(URL)
    assert "QXZ1QXZ" not in response.text
    assert trail.person.case_code not in response.text
    assert trail.person.first_name not in response.text


def test_it_shows_the_time_in_italian_format(coord_client, operator):
    Event.objects.create(kind=Event.Kind.LOGIN, actor=operator)
    at = Event.objects.get(actor=operator).at
    response = coord_client.get(URL, {"action": "login", "actor": operator.pk})
    assert timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S") in response.text


def test_it_filters_by_user(coord_client, operator, operator_b, trail):
    rows = _rows(coord_client.get(URL, {"actor": operator_b.pk}))
    assert rows and {r["who"] for r in rows} == {operator_b.pk}


def test_it_filters_by_record(coord_client, trail):
    other = factories.ReferralFactory()
    rows = _rows(coord_client.get(URL, {"kind": "referrals.referral", "record": trail.pk}))
    assert {r["record"] for r in rows} == {str(trail.pk)}
    assert {r["what"] for r in rows} >= {"create", "access", "assign"}
    assert str(other.pk) not in {r["record"] for r in rows}


def test_it_filters_by_kind_of_record(coord_client, trail):
    rows = _rows(coord_client.get(URL, {"kind": "referrals.person"}))
    person_type = ContentType.objects.get_for_model(Person).pk
    assert rows and {r["kind_id"] for r in rows} == {person_type}


def test_a_coordinator_finds_a_person_and_her_records_by_case_code(coord_client, trail):
    rows = _rows(coord_client.get(URL, {"case_code": trail.person.case_code.lower()}))
    kinds = {r["kind_id"] for r in rows}
    assert kinds == {ContentType.objects.get_for_model(m).pk for m in (Person, Referral)}


def test_an_unknown_case_code_is_a_form_error(coord_client, trail):
    response = coord_client.get(URL, {"case_code": "LU-1999-9999"})
    assert response.context["form"].has_error("case_code")
    assert "Nessuna persona ha questo codice caso." in response.text  # Italian, the default language
    assert _rows(response) == []


def test_an_admin_cannot_search_by_case_code(admin_client_role, trail):
    response = admin_client_role.get(URL, {"case_code": trail.person.case_code})
    assert "case_code" not in response.context["form"].fields
    assert len(_rows(response)) == Event.objects.exclude(kind=Event.Kind.AUDIT_VIEW).count() + LogEntry.objects.count()


def test_it_filters_by_action(coord_client, trail):
    assert {r["what"] for r in _rows(coord_client.get(URL, {"action": "access"}))} == {"access"}
    assert {r["what"] for r in _rows(coord_client.get(URL, {"action": "assign"}))} == {"assign"}


def test_it_filters_by_date_range(coord_client, operator):
    Event.objects.create(kind=Event.Kind.LOGIN, actor=operator)  # rows cannot be moved in time: search around it
    today = timezone.localdate()
    assert _rows(coord_client.get(URL, {"start": today.isoformat(), "end": today.isoformat(), "action": "login"}))
    tomorrow = today + datetime.timedelta(days=1)
    assert not _rows(coord_client.get(URL, {"start": tomorrow.isoformat(), "action": "login"}))
    yesterday = today - datetime.timedelta(days=1)
    assert not _rows(coord_client.get(URL, {"end": yesterday.isoformat(), "action": "login"}))


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_at_the_edge_of_the_calendar_is_a_form_error(coord_client, trail, field, day):
    """Found by the form fuzzer: these overflowed (a 500) when turned into times or given the day after."""
    response = coord_client.get(URL, {field: day})
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert _rows(response) == []


def test_an_id_without_its_kind_is_a_form_error(coord_client, trail):
    response = coord_client.get(URL, {"record": trail.pk})
    assert response.context["form"].has_error("kind")
    assert _rows(response) == []


def test_reading_the_log_is_audited_with_the_filters_as_ids(coord_client, coordinator, operator, trail):
    coord_client.get(URL, {"actor": operator.pk, "case_code": trail.person.case_code, "action": "access"})
    event = Event.objects.get(kind=Event.Kind.AUDIT_VIEW)
    assert event.actor == coordinator
    assert event.details == {"actor": operator.pk, "person": trail.person.pk, "action": "access", "page": 1}


def test_it_pages_the_rows(coord_client, operator, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    Event.objects.bulk_create([Event(kind=Event.Kind.LOGIN, actor=operator) for _ in range(7)])
    first = coord_client.get(URL, {"action": "login", "actor": operator.pk})
    second = coord_client.get(URL, {"action": "login", "actor": operator.pk, "page": 2})
    assert len(_rows(first)) == 5 and len(_rows(second)) == 2
    assert f"action=login&amp;actor={operator.pk}&amp;page=2" in first.text


@pytest.mark.parametrize("rows", [5, 50])
def test_it_runs_the_same_queries_for_5_or_50_rows(coord_client, django_assert_max_num_queries, rows):
    users = [factories.OperatorFactory() for _ in range(3)]
    for i in range(rows):
        with acting_as(users[i % 3]):
            record = factories.PartnerBodyFactory() if i % 2 else factories.PersonFactory()
            record_viewed(record)
        Event.objects.create(kind=Event.Kind.LOGIN, actor=users[i % 3], ip="10.0.0.1")
    coord_client.get(URL)  # warm-up: session, content types
    total = LogEntry.objects.count() + Event.objects.count()
    with django_assert_max_num_queries(10):
        response = coord_client.get(URL)
    assert len(_rows(response)) == min(views.PAGE_SIZE, total)
    assert {u.pk for u in users} <= {r["who"] for r in _rows(response)}  # the coordinator's login is there too


@pytest.mark.parametrize("client_name", ["op_client", "op_b_client"])
def test_operators_get_404(request, client_name, trail):
    response = request.getfixturevalue(client_name).get(URL)
    assert response.status_code == 404
    assert not Event.objects.filter(kind=Event.Kind.AUDIT_VIEW).exists()


def test_the_menu_offers_it_to_coordinators_and_admins_only(coord_client, admin_client_role, op_client):
    assert 'id="nav-audit"' in coord_client.get(reverse("home"), follow=True).text
    assert 'id="nav-audit"' in admin_client_role.get(reverse("home"), follow=True).text
    assert 'id="nav-audit"' not in op_client.get(reverse("home"), follow=True).text
