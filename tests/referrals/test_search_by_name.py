from __future__ import annotations

from django.urls import reverse

from tests import factories

URL = reverse("referrals:search")


def test_it_finds_a_person_by_name_whatever_the_case_accents_and_order(op_client, operator):
    referral = factories.ReferralFactory(
        person=factories.PersonFactory(first_name="Joy", last_name="Ésempio"), assigned_to=[operator]
    )
    response = op_client.post(URL, {"name": "esempio  JOY"})
    assert response.status_code == 200
    assert [p.pk for p in response.context["people"]] == [referral.person.pk]


def test_it_finds_only_people_the_user_may_see(op_client):
    factories.ReferralFactory(person=factories.PersonFactory(first_name="Joy", last_name="Esempio"))
    response = op_client.post(URL, {"name": "Joy Esempio"})
    assert list(response.context["people"]) == []


def test_the_name_never_appears_in_a_url(op_client):
    assert op_client.get(URL, {"name": "Joy Esempio"}).status_code == 405
    page = op_client.get(reverse("referrals:mine"))
    assert f'method="post" action="{URL}"' in page.text


def test_it_finds_a_person_by_any_alias(op_client, operator):
    person = factories.PersonFactory(first_name="Joy", last_name="Esempio", aliases="Blessing; Mama J")
    factories.ReferralFactory(person=person, assigned_to=[operator])
    for name in ("blessing", "mama j", "Joy Esempio"):
        response = op_client.post(URL, {"name": name})
        assert [p.pk for p in response.context["people"]] == [person.pk], name


def test_a_renamed_person_is_found_by_the_new_name_only(op_client, operator):
    person = factories.PersonFactory(first_name="Joy", last_name="Esempio")
    factories.ReferralFactory(person=person, assigned_to=[operator])
    person.last_name = "Nuovo"
    person.save()
    assert list(op_client.post(URL, {"name": "Joy Esempio"}).context["people"]) == []
    assert len(op_client.post(URL, {"name": "Joy Nuovo"}).context["people"]) == 1
