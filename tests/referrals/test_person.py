from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse

from referrals.models import Person
from tests import factories


def _data(**overrides):
    data = {
        "first_name": "Joy",
        "last_name": "Esempio",
        "gender": Person.Gender.FEMALE,
        "date_of_birth": "2001-03-04",
        "birth_year": "2001",
        "legal_status": Person.LegalStatus.ASYLUM_APPLICANT,
        "nationality": "NG",
        "documents": "Passaporto A1234567",
        "children_count": "1",
    }
    data.update(overrides)
    return data


def test_it_shows_the_person_to_an_operator_of_her_referral(op_client, referral_a):
    response = op_client.get(reverse("referrals:person", args=[referral_a.person.pk]))
    assert response.status_code == 200
    assert referral_a.person.last_name in response.text


def test_reading_a_person_is_audited(op_client, operator, referral_a):
    op_client.get(reverse("referrals:person", args=[referral_a.person.pk]))
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(referral_a.person.pk), actor=operator
    ).exists()


def test_the_person_page_lists_only_referrals_the_user_may_see(op_client, referral_a):
    hidden = factories.ReferralFactory(person=referral_a.person)
    response = op_client.get(reverse("referrals:person", args=[referral_a.person.pk]))
    assert [r.pk for r in response.context["referrals"]] == [referral_a.pk]
    assert reverse("referrals:detail", args=[hidden.pk]) not in response.text


def test_it_completes_the_person(op_client, referral_a):
    response = op_client.post(reverse("referrals:person_edit", args=[referral_a.person.pk]), _data())
    assert response.status_code == 302
    person = Person.objects.get(pk=referral_a.person.pk)
    assert person.documents == "Passaporto A1234567"
    assert person.date_of_birth.isoformat() == "2001-03-04"
    assert person.legal_status == Person.LegalStatus.ASYLUM_APPLICANT


def test_it_refuses_inconsistent_dates(op_client, referral_a):
    response = op_client.post(
        reverse("referrals:person_edit", args=[referral_a.person.pk]), _data(date_of_birth="2999-01-01", birth_year="")
    )
    assert response.status_code == 200
    assert "date_of_birth" in response.context["form"].errors
    response = op_client.post(reverse("referrals:person_edit", args=[referral_a.person.pk]), _data(birth_year="1990"))
    assert "birth_year" in response.context["form"].errors
    person = Person.objects.get(pk=referral_a.person.pk)
    assert person.date_of_birth is None


def test_a_doubtful_age_means_a_presumed_minor(db):
    person = factories.PersonFactory(birth_year=1990, age_doubtful=True)
    assert person.presumed_minor
    assert not factories.PersonFactory(birth_year=1990).presumed_minor


def test_another_operator_gets_404(op_b_client, referral_a):
    pk = referral_a.person.pk
    assert op_b_client.get(reverse("referrals:person", args=[pk])).status_code == 404
    assert op_b_client.get(reverse("referrals:person_edit", args=[pk])).status_code == 404
    assert op_b_client.post(reverse("referrals:person_edit", args=[pk]), _data(last_name="Hacked")).status_code == 404
    assert Person.objects.get(pk=pk).last_name != "Hacked"
