"""The intake tick ``Referral.consent_recorded`` is gone: the migration turns each ticked referral into a consent
record of its person (case management), so that the pages no longer show "sì" beside "no consent in force"; and
every person already recorded gets her blind matching keys. From the old schema, with data, on SQLite and
PostgreSQL alike."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("referrals", "0006_index_person_case_code"), ("consent", "0003_disclosure_action_service_requested")]
AFTER = [("referrals", "0007_intake_match_keys_anonymous_self_referral")]


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def _fill_old_schema(recorder_pk: int):
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    Person, Referral = old.get_model("referrals", "Person"), old.get_model("referrals", "Referral")
    Body = old.get_model("partners", "PartnerBody")
    body = Body.objects.create(name="CAS migrazione (test)", kind="cas")
    received = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))

    def referral(code, ticked, **person):
        p = Person.objects.create(case_code=code, **person)
        return Referral.objects.create(
            person=p,
            referring_body=body,
            channel="phone",
            received_at=received,
            reason="x",
            consent_recorded=ticked,
            created_by_id=recorder_pk if code != "T-NOBODY" else None,
        )

    ticked = referral("T-TICKED", True, first_name="Osasu", last_name="Igbinosa", birth_year=1998)
    unticked = referral("T-UNTICKED", False, first_name="Grace", last_name="Okafor", birth_year=2000)
    nobody = referral("T-NOBODY", True, aliases="Mama Joy", preferred_language="English")
    return {
        "ticked": ticked.person_id,
        "unticked": unticked.person_id,
        "nobody": nobody.person_id,
        "recorder": recorder_pk,
    }


def test_ticked_referrals_become_consents_and_people_get_matching_keys():
    from ceis.consent.models import Consent
    from referrals.matching import find_candidates
    from referrals.models import PersonMatchKey, Referral

    # the accounts app is not taken back: its users are made with today's model
    recorder = get_user_model().objects.create(username="rec_old_schema")
    _migrate(BEFORE)
    try:
        ids = _fill_old_schema(recorder.pk)
        _migrate(AFTER)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert "consent_recorded" not in {f.name for f in Referral._meta.get_fields()}
    consents = {c.person_id: c for c in Consent.objects.filter(person_id__in=ids.values())}
    assert set(consents) == {ids["ticked"], ids["nobody"]}
    ticked = consents[ids["ticked"]]
    assert (ticked.purpose, ticked.recipient_id, ticked.given_on) == (
        "case_management",
        None,
        datetime.date(2026, 3, 2),
    )
    assert ticked.recorded_by_id == ids["recorder"]
    assert ticked.notice.language == "italiano"
    assert ticked.language.startswith("non indicata")
    assert consents[ids["nobody"]].language == "English"  # her preferred language, when recorded
    assert consents[ids["nobody"]].recorded_by_id is not None

    assert PersonMatchKey.objects.filter(person_id=ids["ticked"]).exists()
    found = find_candidates(first_name="Osazu", last_name="Igbinosa", aliases="", birth_year=1999)
    assert ids["ticked"] in {c.person_id for c in found}
