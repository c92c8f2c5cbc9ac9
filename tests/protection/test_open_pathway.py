from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ceis import access
from ceis.audit.models import Event
from ceis.notifications.models import Notification
from protection import services
from protection.models import PhaseChange, ProtectionPathway
from referrals.models import Person, Referral
from tests import factories

TRANSFER = reverse("protection:open_transfer")


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions below read English messages: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


def _taken_in_charge(*operators, outcome=Referral.Outcome.TAKEN_IN_CHARGE) -> Referral:
    referral = factories.ReferralFactory(assigned_to=list(operators))
    referral.status = Referral.Status.CLOSED
    referral.outcome = outcome
    referral.closed_at = timezone.now()
    referral.save()
    return referral


def _from_referral(referral) -> str:
    return reverse("protection:open_from_referral", args=[referral.pk])


def _today() -> str:
    return timezone.localdate().isoformat()


def test_it_opens_a_pathway_from_a_referral_taken_in_charge(op_client, operator):
    referral = _taken_in_charge(operator)

    response = op_client.post(
        _from_referral(referral), {"legal_basis": "art18_social", "phase": "emergency", "started_on": _today()}
    )

    pathway = ProtectionPathway.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("protection:detail", args=[pathway.pk])
    assert (pathway.person, pathway.referral, pathway.origin) == (referral.person, referral, "referral")
    assert pathway.legal_basis == "art18_social"
    assert pathway.started_on == timezone.localdate()
    assert pathway.created_by == operator
    assert list(PhaseChange.objects.values_list("phase", "changed_on")) == [("emergency", timezone.localdate())]
    assert access.is_assigned(pathway, operator)
    assert not Notification.objects.filter(recipient=operator).exists()  # nobody is told what she did herself
    page = op_client.get(response["Location"])
    assert "Protection pathway opened for" in page.text
    assert referral.person.case_code in page.text


def test_the_referral_page_offers_the_pathway_only_when_taken_in_charge(op_client, operator):
    taken = _taken_in_charge(operator)
    declined = _taken_in_charge(operator, outcome=Referral.Outcome.DECLINED)
    open_referral = factories.ReferralFactory(assigned_to=[operator])

    page = op_client.get(reverse("referrals:detail", args=[taken.pk]))
    assert "Open a protection pathway" in page.text
    assert _from_referral(taken) in page.text
    for other in (declined, open_referral):
        assert "Open a protection pathway" not in op_client.get(reverse("referrals:detail", args=[other.pk])).text


@pytest.mark.parametrize("outcome", [Referral.Outcome.DECLINED, Referral.Outcome.TRANSFERRED, ""])
def test_it_refuses_a_referral_not_closed_as_taken_in_charge(op_client, operator, outcome):
    referral = (
        _taken_in_charge(operator, outcome=outcome) if outcome else factories.ReferralFactory(assigned_to=[operator])
    )

    for response in (
        op_client.get(_from_referral(referral), follow=True),
        op_client.post(_from_referral(referral), {"legal_basis": "art18_social", "started_on": _today()}, follow=True),
    ):
        assert response.redirect_chain[-1][0] == reverse("referrals:detail", args=[referral.pk])
        assert "A pathway opens from a referral closed as" in response.text
    assert not ProtectionPathway.objects.exists()


def test_it_refuses_a_second_pathway_from_the_same_referral(op_client, operator):
    referral = _taken_in_charge(operator)
    data = {"legal_basis": "art18_social", "phase": "emergency", "started_on": _today()}
    op_client.post(_from_referral(referral), data)

    response = op_client.post(_from_referral(referral), data, follow=True)

    assert ProtectionPathway.objects.count() == 1
    assert "already been opened from this referral" in response.text
    assert response.redirect_chain[-1][0] == reverse("protection:detail", args=[ProtectionPathway.objects.get().pk])


def test_the_service_refuses_a_second_pathway_even_when_the_view_is_bypassed(operator):
    referral = _taken_in_charge(operator)
    kwargs = {"person": referral.person, "referral": referral, "legal_basis": "art18_social", "by": operator}
    services.pathway_open(**kwargs, started_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.pathway_open(**kwargs, started_on=timezone.localdate())
    assert ProtectionPathway.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"legal_basis": "", "started_on": "today"}, "Choose the legal basis of the pathway."),
        ({"legal_basis": "nonsense", "started_on": "today"}, "Select a valid choice"),
        ({"legal_basis": "art18_social", "started_on": ""}, "Give the date the pathway starts."),
        ({"legal_basis": "art18_social", "started_on": "tomorrow"}, "The pathway cannot start in the future."),
        ({"legal_basis": "art18_social", "started_on": "long ago"}, "cannot start before the referral was received"),
        ({"legal_basis": "art18_social", "started_on": "31/02/2026"}, "Enter a valid date."),
    ],
)
def test_invalid_input_shows_a_clear_message_and_saves_nothing(op_client, operator, data, message):
    referral = _taken_in_charge(operator)
    dates = {
        "today": _today(),
        "tomorrow": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "long ago": "2001-01-01",
    }
    data = {**data, "started_on": dates.get(data["started_on"], data["started_on"]), "phase": "emergency"}

    response = op_client.post(_from_referral(referral), data)

    assert response.status_code == 200
    assert message in response.text
    assert "Nothing has been saved yet." in response.text
    assert not ProtectionPathway.objects.exists()
    assert not PhaseChange.objects.exists()


def test_a_coordinator_chooses_the_operators_who_are_assigned_and_notified(
    coord_client, coordinator, operator, operator_b
):
    referral = _taken_in_charge(operator)
    form = coord_client.get(_from_referral(referral))
    assert form.context["form"]["operators"].value() == [operator.pk]  # the referral's operators, proposed

    response = coord_client.post(
        _from_referral(referral),
        {
            "legal_basis": "art18_judicial",
            "phase": "first_assistance",
            "started_on": _today(),
            "operators": [operator.pk, operator_b.pk],
        },
    )

    pathway = ProtectionPathway.objects.get()
    assert response.status_code == 302
    assert pathway.phase == "first_assistance"
    assert {u.username for u in access.assignees([pathway])[pathway.pk]} == {"op_a", "op_b"}
    assert not access.is_assigned(pathway, coordinator)
    for user in (operator, operator_b):
        note = Notification.objects.get(recipient=user)
        assert (note.kind, note.label, note.path) == (
            Notification.Kind.PATHWAY_ASSIGNED,
            referral.person.case_code,
            reverse("protection:detail", args=[pathway.pk]),
        )
        assert Event.objects.filter(kind=Event.Kind.ASSIGN, subject=user, actor=coordinator).exists()


def test_a_coordinator_must_choose_an_operator(coord_client, coordinator):
    referral = _taken_in_charge()
    response = coord_client.post(
        _from_referral(referral), {"legal_basis": "art18_social", "phase": "emergency", "started_on": _today()}
    )
    assert response.status_code == 200
    assert "Choose at least one operator to follow the pathway." in response.text
    assert not ProtectionPathway.objects.exists()


def test_only_active_operators_can_be_chosen(coord_client, coordinator, admin_user):
    referral = _taken_in_charge()
    factories.OperatorFactory()  # an active one is on offer, but not chosen
    inactive = factories.OperatorFactory(is_active=False)
    for user in (admin_user, coordinator, inactive):
        response = coord_client.post(
            _from_referral(referral),
            {"legal_basis": "art18_social", "phase": "emergency", "started_on": _today(), "operators": [user.pk]},
        )
        assert response.status_code == 200
        assert "Only active operators can be assigned." in response.text
    assert not ProtectionPathway.objects.exists()


def test_an_operator_may_add_a_colleague(op_client, operator, operator_b):
    referral = _taken_in_charge(operator)
    op_client.post(
        _from_referral(referral),
        {"legal_basis": "art18_social", "phase": "emergency", "started_on": _today(), "operators": [operator_b.pk]},
    )
    pathway = ProtectionPathway.objects.get()
    assert access.is_assigned(pathway, operator) and access.is_assigned(pathway, operator_b)
    assert Notification.objects.filter(recipient=operator_b, kind=Notification.Kind.PATHWAY_ASSIGNED).count() == 1


def test_other_people_cannot_open_a_pathway_from_operator_a_referral(op_b_client, admin_client_role, operator):
    referral = _taken_in_charge(operator)
    for client in (op_b_client, admin_client_role):
        assert client.get(_from_referral(referral)).status_code == 404
        data = {"legal_basis": "art18_social", "phase": "emergency", "started_on": _today()}
        assert client.post(_from_referral(referral), data).status_code == 404
    assert not ProtectionPathway.objects.exists()


# --- transferred in from another project ----------------------------------------------------------


def _transfer_data(body, **extra) -> dict:
    return {
        "transferred_from": body.pk,
        "legal_basis": "art18_social",
        "phase": "second_stage",
        "started_on": _today(),
        "first_name": "Joy",
        "last_name": "Transferita",
        "gender": "female",
        "birth_year": "1998",
        **extra,
    }


def test_it_opens_a_pathway_for_a_new_person_transferred_in(op_client, operator):
    body = factories.PartnerBodyFactory(name="Progetto Antitratta Toscana", kind="antitrafficking")

    response = op_client.post(TRANSFER, _transfer_data(body))

    pathway = ProtectionPathway.objects.get()
    assert response.status_code == 302
    assert (pathway.origin, pathway.transferred_from, pathway.referral) == ("transfer", body, None)
    assert pathway.phase == "second_stage"
    person = pathway.person
    assert (person.first_name, person.last_name, person.created_by) == ("Joy", "Transferita", operator)
    assert access.is_assigned(pathway, operator)
    assert list(access.visible(Person, operator)) == [person]  # she sees the person through the pathway
    assert list(pathway.phase_changes.values_list("phase", flat=True)) == ["second_stage"]


def test_it_opens_a_transfer_for_a_person_she_may_see_by_case_code(op_client, operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    body = factories.PartnerBodyFactory()
    data = _transfer_data(body, case_code=referral.person.case_code.lower(), first_name="", last_name="")

    op_client.post(TRANSFER, data)

    assert ProtectionPathway.objects.get().person == referral.person
    assert Person.objects.count() == 1


def test_it_refuses_a_case_code_she_may_not_see(op_client, operator_b):
    hidden = factories.ReferralFactory(assigned_to=[operator_b])
    data = _transfer_data(
        factories.PartnerBodyFactory(), case_code=hidden.person.case_code, first_name="", last_name=""
    )

    response = op_client.post(TRANSFER, data)

    assert response.status_code == 200
    assert "No person you may see has this case code." in response.text
    assert not ProtectionPathway.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"transferred_from": ""}, "Give the project the person was transferred from."),
        ({"first_name": "", "last_name": "", "aliases": ""}, "Give at least a name or an alias"),
        ({"birth_year": "2999"}, "The year of birth cannot be in the future."),
    ],
)
def test_a_transfer_with_missing_details_saves_nothing(op_client, change, message):
    response = op_client.post(TRANSFER, _transfer_data(factories.PartnerBodyFactory(), **change))
    assert response.status_code == 200
    assert message in response.text
    assert not ProtectionPathway.objects.exists()
    assert not Person.objects.exists()


def test_an_inactive_body_cannot_be_chosen(op_client):
    body = factories.PartnerBodyFactory(active=False)
    response = op_client.post(TRANSFER, _transfer_data(body))
    assert "This body is not active" in response.text
    assert not ProtectionPathway.objects.exists()


def test_it_asks_to_confirm_a_possible_duplicate(op_client, operator):
    factories.PersonFactory(first_name="Joy", last_name="Transferita", birth_year=1998)
    body = factories.PartnerBodyFactory()

    response = op_client.post(TRANSFER, _transfer_data(body))

    assert response.status_code == 200
    assert "may already be recorded" in response.text
    assert not ProtectionPathway.objects.exists()
    op_client.post(TRANSFER, _transfer_data(body, confirm_new_person="on"))
    assert ProtectionPathway.objects.count() == 1
    assert Person.objects.count() == 2


def test_a_transliteration_a_year_off_asks_too(op_client):
    """Opening a pathway runs the intake's blind matching: Mohammed/Muhammad, born a year apart, may be one man."""
    factories.PersonFactory(first_name="Mohammed", last_name="Abubakar", birth_year=1998)

    response = op_client.post(
        TRANSFER,
        _transfer_data(factories.PartnerBodyFactory(), first_name="Muhammad", last_name="Abubakar", birth_year="1999"),
    )

    assert "may already be recorded" in response.text
    assert not ProtectionPathway.objects.exists()


def test_it_refuses_a_person_with_an_open_pathway(op_client, operator):
    pathway = factories.PathwayFactory(assigned_to=[operator])
    data = _transfer_data(
        factories.PartnerBodyFactory(), case_code=pathway.person.case_code, first_name="", last_name=""
    )

    response = op_client.post(TRANSFER, data)

    assert response.status_code == 200
    assert "This person already has an open protection pathway." in response.text
    assert ProtectionPathway.objects.count() == 1


def test_an_admin_cannot_open_a_transfer(admin_client_role):
    assert admin_client_role.get(TRANSFER).status_code == 404
    assert admin_client_role.post(TRANSFER, _transfer_data(factories.PartnerBodyFactory())).status_code == 404
    assert not ProtectionPathway.objects.exists()


def test_a_refused_opening_leaves_no_new_person_behind(operator):
    person = Person(first_name="Nuova", last_name="Persona")
    with pytest.raises(ValidationError):
        services.pathway_open(
            person=person, legal_basis="art18_social", started_on=timezone.localdate(), operators=[], by=operator
        )
    assert not Person.objects.exists()
