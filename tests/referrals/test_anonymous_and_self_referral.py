"""Anonymous referrals (no name: known by the case code), self-referrals and the National helpline (no
referring body, said plainly on the form), and nationality at intake."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Person, PersonMatchKey, Referral
from tests import factories

URL = reverse("referrals:intake")


@pytest.fixture
def body(db):
    return factories.PartnerBodyFactory(name="CAS Esempio")


def _data(**overrides):
    data = {
        "channel": Referral.Channel.EMAIL,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "urgency": Referral.Urgency.ROUTINE,
        "reason": "PEC senza nome: donna vista in strada.",
        "gender": Person.Gender.FEMALE,
    }
    data.update(overrides)
    return data


def test_an_anonymous_referral_needs_no_invented_alias(op_client, body):
    response = op_client.post(URL, _data(referring_body=body.pk, anonymous="on"))
    assert response.status_code == 302
    referral = Referral.objects.get()
    person = referral.person
    assert person.anonymous
    assert (person.first_name, person.last_name, person.aliases) == ("", "", "")
    assert not PersonMatchKey.objects.filter(person=person).exists()
    page = op_client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'id="person-anonymous"' in page
    assert person.case_code in page


def test_two_anonymous_referrals_are_never_taken_for_the_same_person(op_client, body):
    assert op_client.post(URL, _data(referring_body=body.pk, anonymous="on")).status_code == 302
    assert op_client.post(URL, _data(referring_body=body.pk, anonymous="on", birth_year="1999")).status_code == 302
    assert Person.objects.filter(anonymous=True).count() == 2
    assert not Referral.objects.filter(possible_duplicate=True).exists()


def test_anonymous_with_a_name_is_refused(op_client, body):
    response = op_client.post(URL, _data(referring_body=body.pk, anonymous="on", first_name="Joy"))
    assert response.status_code == 200
    assert "anonymous" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_without_a_name_she_must_be_marked_anonymous(op_client, body):
    response = op_client.post(URL, _data(referring_body=body.pk))
    assert "last_name" in response.context["form"].errors
    assert "anonima" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_self_referral_has_no_referring_body(op_client, body):
    page = op_client.get(URL).content.decode()
    assert 'id="id_self_referral"' in page
    assert "Numero Verde" in page  # the form says plainly what leaving the body empty means
    response = op_client.post(
        URL,
        _data(self_referral="on", channel=Referral.Channel.NUMERO_VERDE, first_name="Grace", last_name="Okafor"),
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.referring_body is None
    assert referral.is_self_referral
    detail = op_client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "autosegnalazione" in detail
    listing = op_client.get(reverse("referrals:mine")).content.decode()
    assert "autosegnalazione" in listing
    person = op_client.get(reverse("referrals:person", args=[referral.person_id])).content.decode()
    assert "None" not in person


def test_without_a_body_she_must_tick_self_referral(op_client):
    response = op_client.post(URL, _data(first_name="Grace", last_name="Okafor"))
    assert response.status_code == 200
    assert "referring_body" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_a_self_referral_with_a_body_is_refused(op_client, body):
    response = op_client.post(URL, _data(self_referral="on", referring_body=body.pk, first_name="Grace"))
    assert "self_referral" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_nationality_is_recorded_at_intake(op_client, body):
    response = op_client.post(URL, _data(referring_body=body.pk, first_name="Grace", nationality="NG"))
    assert response.status_code == 302
    assert Referral.objects.get().person.nationality == "NG"


def test_an_unknown_nationality_is_refused_not_a_500(op_client, body):
    response = op_client.post(URL, _data(referring_body=body.pk, first_name="Grace", nationality="XX\x00"))
    assert response.status_code == 200
    assert "nationality" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_a_self_referral_can_be_completed_and_a_report_started(op_client, operator):
    referral = factories.ReferralFactory(referring_body=None, assigned_to=[operator])
    assert op_client.get(reverse("referrals:edit", args=[referral.pk])).status_code == 200
    assert op_client.get(reverse("reports:new", args=[referral.pk])).status_code == 200


def test_completing_a_referral_may_make_it_a_self_referral(op_client, operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    data = {
        "referring_body": "",
        "channel": Referral.Channel.NUMERO_VERDE,
        "received_at": timezone.localtime(referral.received_at).strftime("%Y-%m-%dT%H:%M"),
        "urgency": Referral.Urgency.ROUTINE,
        "reason": "Chiamata passata dal Numero Verde.",
    }
    response = op_client.post(reverse("referrals:edit", args=[referral.pk]), data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.referring_body is None


def test_a_contact_without_its_body_is_refused_on_edit(op_client, operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    contact = factories.PartnerContactFactory(body=referral.referring_body)
    data = {
        "referring_body": "",
        "referring_contact": contact.pk,
        "channel": Referral.Channel.PHONE,
        "received_at": timezone.localtime(referral.received_at).strftime("%Y-%m-%dT%H:%M"),
        "urgency": Referral.Urgency.ROUTINE,
        "reason": "x",
    }
    response = op_client.post(reverse("referrals:edit", args=[referral.pk]), data)
    assert response.status_code == 200
    assert "referring_contact" in response.context["form"].errors
    referral.refresh_from_db()
    assert referral.referring_body is not None


def test_self_referrals_are_named_so_in_the_statistics(db):
    import datetime

    from stats import periods
    from stats import selectors as stats

    received = timezone.make_aware(datetime.datetime(2025, 3, 1, 10, 0))
    factories.ReferralFactory(referring_body=None, received_at=received)
    factories.ReferralFactory(referring_body=factories.PartnerBodyFactory(kind="cas"), received_at=received)
    raw = stats.collect(periods.whole_year(2025))
    (breakdown,) = [b for s in raw["sections"] for b in s["breakdowns"] if b["key"] == "referring_body_kind"]
    labels = {r["key"]: r["label"] for r in breakdown["rows"]}
    assert labels[""] == "autosegnalazione o Numero Verde"
