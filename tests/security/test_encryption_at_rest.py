from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import override_settings

from ceis import crypto
from referrals.models import Person, Referral
from tests import factories


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "clear"),
    [
        ("first_name", "Joy"),
        ("last_name", "Esempio"),
        ("aliases", "Blessing"),
        ("phone", "+39 333 0000000"),
        ("documents", "Passaporto A1234567"),
        ("date_of_birth", "2001-03-04"),
    ],
)
def test_a_raw_sql_read_of_a_person_returns_ciphertext(column, clear):
    person = factories.PersonFactory(
        first_name="Joy",
        last_name="Esempio",
        aliases="Blessing",
        phone="+39 333 0000000",
        documents="Passaporto A1234567",
        date_of_birth=datetime.date(2001, 3, 4),
    )
    stored = _raw("referrals_person", column, person.pk)
    assert clear not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    assert crypto.decrypt(stored) == clear


@pytest.mark.django_db
def test_a_raw_sql_read_of_the_referral_narrative_returns_ciphertext():
    referral = factories.ReferralFactory(reason="Debito con la madame di 30.000 euro")
    stored = _raw("referrals_referral", "reason", referral.pk)
    assert "madame" not in stored
    assert crypto.decrypt(stored) == "Debito con la madame di 30.000 euro"
    assert Referral.objects.get(pk=referral.pk).reason == "Debito con la madame di 30.000 euro"


@pytest.mark.django_db
def test_encrypted_fields_never_reach_the_audit_log():
    person = factories.PersonFactory(first_name="Segretissima", documents="Passaporto ZZ999")
    factories.ReferralFactory(person=person, reason="Racconto riservato")
    person.first_name = "Ancorasegreta"
    person.save()
    everything = " ".join(str(e.changes) + str(e.serialized_data or "") for e in LogEntry.objects.all())
    for secret in ("Segretissima", "Ancorasegreta", "ZZ999", "Racconto riservato", "gAAAA"):
        assert secret not in everything


@pytest.mark.django_db
def test_an_older_key_still_decrypts_after_rotation(settings):
    person = factories.PersonFactory(first_name="Joy")
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = "dTSyb7SxOlV0a18g25ywVuajt8tvefHN7_9dHBhIBd0="
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
        assert Person.objects.get(pk=person.pk).first_name == "Joy"


@pytest.mark.django_db
def test_a_wrong_key_fails_loudly_rather_than_showing_ciphertext(settings):
    person = factories.PersonFactory(first_name="Joy")
    with override_settings(FIELD_ENCRYPTION_KEYS=["dTSyb7SxOlV0a18g25ywVuajt8tvefHN7_9dHBhIBd0="]):
        with pytest.raises(Exception, match="could not be decrypted"):
            Person.objects.get(pk=person.pk)


def test_the_duplicate_key_is_a_keyed_hash_not_the_name(db):
    person = factories.PersonFactory(first_name="Joy", last_name="Esempio", birth_year=2001)
    assert "joy" not in person.duplicate_key.lower()
    assert len(person.duplicate_key) == 64
    with override_settings(DUPLICATE_HASH_KEY="another-key"):
        other = Person(first_name="Joy", last_name="Esempio", birth_year=2001)
        other.refresh_keys()
    assert other.duplicate_key != person.duplicate_key
