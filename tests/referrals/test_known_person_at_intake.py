"""Re-referral at intake: likely matches are offered to a coordinator, who may attach the new referral to the
person already known (then or later, from the referral page or the notification); an operator who may not see
the other record learns only that the person may already be known and that the coordinator decides."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from ceis.notifications.models import Notification
from referrals.models import Person, Referral
from tests import factories

URL = reverse("referrals:intake")


@pytest.fixture
def body(db):
    return factories.PartnerBodyFactory(name="CAS Esempio")


@pytest.fixture
def known(db):
    """Osasu Igbinosa, born 1998, referred last year: a record operator A does not follow."""
    person = factories.PersonFactory(first_name="Osasu", last_name="Igbinosa", birth_year=1998, aliases="Blessing")
    factories.ReferralFactory(person=person)
    return person


def _data(body, **overrides):
    data = {
        "referring_body": body.pk,
        "channel": Referral.Channel.PHONE,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "urgency": Referral.Urgency.ROUTINE,
        "reason": "Trasferita da un altro CAS, nuova audizione in Commissione.",
        # spelt as another office writes it, first and last swapped, a year off
        "first_name": "Igbinossa",
        "last_name": "Osazu",
        "gender": Person.Gender.FEMALE,
        "birth_year": "1999",
    }
    data.update(overrides)
    return data


def test_a_coordinator_sees_the_candidate_with_its_score_and_reasons(coord_client, known, body):
    response = coord_client.post(URL, _data(body))
    assert response.status_code == 200
    assert Referral.objects.count() == 1  # nothing saved yet
    text = response.content.decode()
    assert 'id="match-candidates"' in text
    assert known.case_code in text
    (person, match), *_ = response.context["form"].duplicates
    assert person == known
    assert str(match.score) in text
    assert "anno di nascita ±1" in text  # the reasons, in Italian
    assert "nome e cognome invertiti" in text


def test_a_coordinator_attaches_the_new_referral_to_the_person_already_known(coord_client, coordinator, known, body):
    before = Person.objects.count()
    response = coord_client.post(URL, _data(body, existing_person=known.pk))
    referral = Referral.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.person == known
    assert Person.objects.count() == before  # no second record, no second case code
    assert referral.possible_duplicate is False
    assert referral.created_by == coordinator
    known.refresh_from_db()
    assert (known.first_name, known.last_name) == ("Osasu", "Igbinosa")  # her record is not rewritten
    page = coord_client.get(reverse("referrals:person", args=[known.pk]))
    assert reverse("referrals:detail", args=[referral.pk]) in page.content.decode()


def test_a_coordinator_may_still_record_a_new_person(coord_client, known, body):
    response = coord_client.post(URL, _data(body, confirm_new_person="on"))
    assert response.status_code == 302
    referral = Referral.objects.latest("id")
    assert referral.person != known
    assert referral.possible_duplicate is True


def test_an_attach_to_a_person_not_among_the_matches_is_refused(coord_client, known, body):
    stranger = factories.PersonFactory()
    response = coord_client.post(URL, _data(body, existing_person=stranger.pk))
    assert response.status_code == 200
    assert "non è tra le possibili corrispondenze" in response.content.decode()
    assert Referral.objects.count() == 1
    response = coord_client.post(URL, _data(body, existing_person="99999999999999999999"))
    assert response.status_code == 200
    assert Referral.objects.count() == 1


def test_an_operator_learns_only_that_the_person_may_be_known(op_client, known, body, coordinator):
    response = op_client.post(URL, _data(body))
    assert response.status_code == 200
    text = response.content.decode()
    assert "potrebbe essere già conosciuta dal servizio" in text
    assert "decide il coordinamento" in text
    for secret in (known.case_code, "Osasu", "Igbinosa", "Blessing", 'id="match-candidates"'):
        assert secret not in text
    assert not response.context["form"].duplicates
    assert Referral.objects.count() == 1

    # she cannot attach it herself, even by posting the other record's id
    attempt = op_client.post(URL, _data(body, existing_person=known.pk))
    assert attempt.status_code == 200
    assert known.case_code not in attempt.content.decode()

    confirmed = op_client.post(URL, _data(body, confirm_new_person="on"))
    assert confirmed.status_code == 302
    referral = Referral.objects.latest("id")
    assert referral.person != known
    assert referral.possible_duplicate is True
    note = Notification.objects.get(recipient=coordinator, kind=Notification.Kind.POSSIBLE_MATCH)
    assert note.label == referral.person.case_code  # the new record's code, never the other's
    assert note.path == reverse("referrals:detail", args=[referral.pk])
    assert not Notification.objects.filter(recipient=referral.created_by).exists()
    page = op_client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert known.case_code not in page
    assert 'id="review-match"' not in page


def test_an_operator_sees_only_the_case_code_of_a_match_she_follows(op_client, operator, known, body):
    access_referral = factories.ReferralFactory(person=known, assigned_to=[operator])
    response = op_client.post(URL, _data(body))
    text = response.content.decode()
    assert known.case_code in text
    assert 'id="match-candidates"' not in text  # no score, no reasons, no attaching
    assert access_referral.pk


def test_no_match_no_warning(op_client, known, body):
    response = op_client.post(URL, _data(body, first_name="Grace", last_name="Okafor"))
    assert response.status_code == 302
    assert Referral.objects.latest("id").possible_duplicate is False
    assert not Notification.objects.filter(kind=Notification.Kind.POSSIBLE_MATCH).exists()


# Attaching afterwards: from the referral page, or the coordinator's notification


@pytest.fixture
def flagged(db, known, operator):
    """A referral recorded by operator A as a new person, flagged for the coordinators."""
    person = factories.PersonFactory(first_name="Osazu", last_name="Igbinosa", birth_year=1998)
    return factories.ReferralFactory(person=person, possible_duplicate=True, assigned_to=[operator])


def test_the_coordinator_reviews_and_attaches_a_flagged_referral(coord_client, coordinator, flagged, known):
    detail = coord_client.get(reverse("referrals:detail", args=[flagged.pk])).content.decode()
    url = reverse("referrals:attach", args=[flagged.pk])
    assert url in detail
    page = coord_client.get(url)
    assert page.status_code == 200
    assert known.case_code in page.content.decode()
    assert flagged.person.case_code not in [p.case_code for p, _m in page.context["matches"].visible]
    response = coord_client.post(url, {"person": known.pk})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.person == known
    assert flagged.possible_duplicate is False
    entry = LogEntry.objects.filter(object_pk=str(flagged.pk), action=LogEntry.Action.UPDATE).latest("pk")
    assert entry.actor == coordinator
    assert "person" in entry.changes_dict


def test_the_coordinator_attaches_by_case_code(coord_client, flagged):
    other = factories.ReferralFactory().person
    url = reverse("referrals:attach", args=[flagged.pk])
    assert coord_client.post(url, {"case_code": other.case_code.lower()}).status_code == 302
    flagged.refresh_from_db()
    assert flagged.person == other


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"case_code": "LU-1900-9999"}, "Nessuna persona con questo codice."),
        ({}, "Scegli una delle possibili corrispondenze"),
        ({"person": "abc"}, "Scegli"),
        ({"person": "123456789012345678901234567890"}, "Scegli"),
    ],
)
def test_bad_attach_input_changes_nothing(coord_client, flagged, data, message):
    person = flagged.person
    response = coord_client.post(reverse("referrals:attach", args=[flagged.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    flagged.refresh_from_db()
    assert flagged.person == person


def test_attaching_to_the_same_person_is_refused(coord_client, flagged):
    response = coord_client.post(
        reverse("referrals:attach", args=[flagged.pk]), {"case_code": flagged.person.case_code}
    )
    assert response.status_code == 200
    assert "riguarda già questa persona" in response.content.decode()


def test_the_operator_cannot_attach(op_client, flagged, known):
    url = reverse("referrals:attach", args=[flagged.pk])
    assert op_client.get(url).status_code == 404
    assert op_client.post(url, {"person": known.pk}).status_code == 404
    flagged.refresh_from_db()
    assert flagged.person != known


def test_the_attach_page_reads_a_fixed_number_of_queries(coord_client, flagged, django_assert_max_num_queries):
    for _ in range(5):
        factories.ReferralFactory(
            person=factories.PersonFactory(first_name="Osasu", last_name="Igbinosa", birth_year=1998)
        )
    with django_assert_max_num_queries(16):
        response = coord_client.get(reverse("referrals:attach", args=[flagged.pk]))
    assert len(response.context["matches"].visible) == 6


def test_a_coordinator_who_decides_herself_is_not_asked_to_review(coord_client, known, body):
    assert coord_client.post(URL, _data(body, confirm_new_person="on")).status_code == 302
    assert not Notification.objects.filter(kind=Notification.Kind.POSSIBLE_MATCH).exists()
