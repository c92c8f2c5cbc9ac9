"""Erasure (art. 17): the person and every narrative of her records anonymised; refused under legal hold."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from ceis import crypto
from ceis.audit.models import Event
from privacy import services
from privacy.models import Erasure
from privacy.scrub import PLACEHOLDER
from referrals.models import Person, PersonNameKey, Referral, name_search_key
from tests.conftest import require_service

from .conftest import SECRETS


def _erase(coord_client, person):
    return coord_client.post(reverse("privacy:erase", args=[person.pk]), {"case_code": person.case_code})


def test_it_asks_for_the_case_code_before_erasing(coord_client, case):
    person = case["person"]
    page = coord_client.get(reverse("privacy:erase", args=[person.pk]))
    assert "Type the case code to confirm" in page.content.decode()
    response = coord_client.post(reverse("privacy:erase", args=[person.pk]), {"case_code": "LU-1999-9999"})
    assert response.status_code == 400
    assert "The case code does not match" in response.content.decode()
    assert not Erasure.objects.exists()
    assert Person.objects.get(pk=person.pk).first_name == SECRETS["first_name"]


def test_it_anonymises_the_person_and_her_records(coord_client, case):
    person = case["person"]
    response = _erase(coord_client, person)
    assert response.status_code == 302
    erased = Person.objects.get(pk=person.pk)
    assert (erased.first_name, erased.last_name, erased.aliases, erased.phone, erased.documents) == (
        PLACEHOLDER,
        "",
        "",
        "",
        "",
    )
    assert erased.date_of_birth is None
    assert erased.birth_year == 1999  # the year stays for the statistics
    assert erased.case_code == person.case_code and erased.nationality == "NG"
    assert erased.duplicate_key == ""
    assert not PersonNameKey.objects.filter(person=person).exists()
    referral = Referral.objects.get(pk=case["referral"].pk)
    assert (referral.reason, referral.closure_note) == (PLACEHOLDER, PLACEHOLDER)
    assert referral.channel == "phone" and referral.received_at == case["referral"].received_at
    interview = case["interviews"][0]
    interview.refresh_from_db()
    assert (interview.personal_history, interview.assessment, interview.place) == (PLACEHOLDER, PLACEHOLDER, "")
    assert interview.duration_minutes == 60 and interview.status == "completed"
    assert interview.answers.get().note == PLACEHOLDER and interview.answers.get().answer == "observed"
    case["report"].refresh_from_db()
    assert case["report"].opinion == PLACEHOLDER
    for key in ("goal", "review", "accommodation"):
        case[key].refresh_from_db()
    assert case["goal"].goal == PLACEHOLDER and case["goal"].area == "work"
    assert case["review"].note == PLACEHOLDER
    assert case["accommodation"].secret_address == PLACEHOLDER and case["accommodation"].type == "safe_house"
    case["diary"][0].refresh_from_db()
    assert case["diary"][0].text == PLACEHOLDER
    consent = type(case["consent"]).objects.get(pk=case["consent"].pk)  # append-only: re-read, not refresh
    assert consent.interpreter == PLACEHOLDER and consent.purpose == case["consent"].purpose
    assert type(case["legal_basis"]).objects.get(pk=case["legal_basis"].pk).explanation == PLACEHOLDER
    erasure = Erasure.objects.get(person=person)
    assert erasure.by.username == "coord"
    assert LogEntry.objects.get_for_object(erasure).filter(action=LogEntry.Action.CREATE).exists()


def test_it_is_refused_under_legal_hold(coord_client, coordinator, case):
    person = case["person"]
    services.legal_hold_set(person=person, reason="Procedimento penale", by=coordinator)
    response = _erase(coord_client, person)
    assert response.status_code == 302
    page = coord_client.get(response["Location"])
    assert "under legal hold" in page.content.decode()
    assert Person.objects.get(pk=person.pk).first_name == SECRETS["first_name"]
    assert Referral.objects.get(pk=case["referral"].pk).reason == SECRETS["reason"]
    assert not Erasure.objects.exists()
    # Lifted, the erasure goes through.
    services.legal_hold_lift(person=person, by=coordinator)
    assert _erase(coord_client, person).status_code == 302
    assert Erasure.objects.filter(person=person).exists()


def test_the_search_by_name_no_longer_finds_her(coord_client, case):
    person = case["person"]
    key = name_search_key(f"{SECRETS['first_name']} {SECRETS['last_name']}")
    assert PersonNameKey.objects.filter(key=key).exists()
    _erase(coord_client, person)
    assert not PersonNameKey.objects.filter(key=key).exists()
    response = coord_client.get(
        reverse("referrals:search"), {"name": f"{SECRETS['first_name']} {SECRETS['last_name']}"}
    )
    assert person.case_code not in response.content.decode()


def test_it_leaves_the_audit_rows_alone(coord_client, case):
    events = list(Event.objects.order_by("pk").values())
    entries = list(LogEntry.objects.order_by("pk").values())
    _erase(coord_client, case["person"])
    assert list(Event.objects.filter(pk__in=[e["id"] for e in events]).order_by("pk").values()) == events
    assert list(LogEntry.objects.filter(pk__in=[e["id"] for e in entries]).order_by("pk").values()) == entries


@pytest.mark.parametrize("client_name", ["op_client", "admin_client_role"])
def test_operators_and_admins_cannot_erase(db, request, client_name, case):
    client = request.getfixturevalue(client_name)
    person = case["person"]
    assert client.get(reverse("privacy:erase", args=[person.pk])).status_code == 404
    assert client.post(reverse("privacy:erase", args=[person.pk]), {"case_code": person.case_code}).status_code == 404
    assert Person.objects.get(pk=person.pk).first_name == SECRETS["first_name"]


def _text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'jsonb', 'json')"
        )
        return cursor.fetchall()


def _tables_holding(needle: str, columns) -> list[tuple[str, str]]:
    found = []
    with connection.cursor() as cursor:
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608 - names from the catalogue
                [f"%{needle}%"],
            )
            if cursor.fetchone():
                found.append((table, column))
    return found


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])  # noqa: S608 - fixed names
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_on_postgresql_no_column_of_any_table_holds_her_name_text_or_hashes(coord_client, case):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    person = case["person"]
    hashes = list(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
    hashes.append(Person.objects.get(pk=person.pk).duplicate_key)
    assert len(hashes) >= 3 and all(hashes)
    ciphertexts = {
        ("referrals_person", "first_name", person.pk): _raw("referrals_person", "first_name", person.pk),
        ("referrals_referral", "reason", case["referral"].pk): _raw(
            "referrals_referral", "reason", case["referral"].pk
        ),
        ("protection_diaryentry", "text", case["diary"][0].pk): _raw(
            "protection_diaryentry", "text", case["diary"][0].pk
        ),
        ("interviews_interview", "assessment", case["interviews"][0].pk): _raw(
            "interviews_interview", "assessment", case["interviews"][0].pk
        ),
        ("consent_consent", "interpreter", case["consent"].pk): _raw(
            "consent_consent", "interpreter", case["consent"].pk
        ),
        ("consent_legalbasis", "explanation", case["legal_basis"].pk): _raw(
            "consent_legalbasis", "explanation", case["legal_basis"].pk
        ),
    }
    columns = _text_columns()
    needles = [*SECRETS.values(), *hashes, *(c[:40] for c in ciphertexts.values())]
    # The control: before the erasure the hashes are stored in clear (name keys, duplicate key).
    assert _tables_holding(hashes[0], columns)
    _erase(coord_client, person)
    assert {needle: _tables_holding(needle, columns) for needle in needles} == {needle: [] for needle in needles}
    for (table, column, pk), old in ciphertexts.items():
        new = _raw(table, column, pk)
        assert new != old and new.startswith("gAAAA")
        assert crypto.decrypt(new) == PLACEHOLDER
    assert _raw("referrals_person", "date_of_birth", person.pk) is None


def test_the_hold_is_set_and_lifted_by_coordinators_with_an_audit_row(coord_client, case):
    from privacy.models import LegalHold

    person = case["person"]
    response = coord_client.post(reverse("privacy:hold", args=[person.pk]), {"reason": "Richiesta della Procura"})
    assert response.status_code == 302
    hold = LegalHold.objects.get(person=person)
    assert LogEntry.objects.get_for_object(hold).get().actor.username == "coord"
    page = coord_client.get(reverse("privacy:person", args=[person.pk])).content.decode()
    assert 'id="hold-badge"' in page and "Erasure is not possible while the legal hold is set." in page
    assert coord_client.post(reverse("privacy:hold_lift", args=[person.pk])).status_code == 302
    assert not LegalHold.objects.exists()


def test_the_date_of_birth_goes_but_the_year_stays(coordinator, case):
    person = case["person"]
    assert person.date_of_birth == datetime.date(1999, 4, 5)
    services.person_erase(person=person, by=coordinator)
    erased = Person.objects.get(pk=person.pk)
    assert erased.date_of_birth is None and erased.birth_year == 1999
