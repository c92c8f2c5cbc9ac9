from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse

from tests import factories


def test_it_shows_the_referral_to_its_operator(op_client, referral_a):
    response = op_client.get(reverse("referrals:detail", args=[referral_a.pk]))
    assert response.status_code == 200
    assert referral_a.person.case_code in response.text
    assert "Segnalazione di prova" in response.text


def test_it_hides_the_referral_from_another_operator(op_b_client, referral_a):
    assert op_b_client.get(reverse("referrals:detail", args=[referral_a.pk])).status_code == 404


def test_it_shows_any_referral_to_a_coordinator(coord_client, referral_a):
    assert coord_client.get(reverse("referrals:detail", args=[referral_a.pk])).status_code == 200


def test_it_hides_case_content_from_an_admin(admin_client_role, referral_a):
    assert admin_client_role.get(reverse("referrals:detail", args=[referral_a.pk])).status_code == 404


def test_it_answers_404_for_an_unknown_referral(op_client, db):
    assert op_client.get(reverse("referrals:detail", args=[999999])).status_code == 404


def test_it_audits_the_read(op_client, operator, referral_a):
    op_client.get(reverse("referrals:detail", args=[referral_a.pk]))
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(referral_a.pk))
    assert entry.actor == operator
    assert entry.remote_addr == "127.0.0.1"


def test_it_shows_coordinators_who_opened_the_record(op_client, coord_client, referral_a):
    op_client.get(reverse("referrals:detail", args=[referral_a.pk]))
    response = coord_client.get(reverse("referrals:detail", args=[referral_a.pk]))
    assert "Chi ha aperto questa scheda" in response.text  # the coordinator reads Italian (the default)
    assert "Nome" in response.text  # operator A's first name from the factory


def test_it_does_not_show_readers_to_operators(op_client, referral_a):
    response = op_client.get(reverse("referrals:detail", args=[referral_a.pk]))
    assert 'id="readers-heading"' not in response.text


def test_another_referral_of_the_same_person_stays_hidden(op_client, referral_a):
    other = factories.ReferralFactory(person=referral_a.person)
    assert op_client.get(reverse("referrals:detail", args=[other.pk])).status_code == 404


def test_a_forged_forwarded_for_header_does_not_reach_the_audit(op_client, referral_a):
    op_client.get(reverse("referrals:detail", args=[referral_a.pk]), headers={"x-forwarded-for": "6.6.6.6"})
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(referral_a.pk))
    assert entry.remote_addr == "127.0.0.1"


def test_behind_a_trusted_proxy_the_forwarded_address_is_audited(op_client, referral_a, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    op_client.get(reverse("referrals:detail", args=[referral_a.pk]), headers={"x-forwarded-for": "10.1.2.3"})
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(referral_a.pk))
    assert entry.remote_addr == "10.1.2.3"


def test_it_shows_a_referral_granted_to_a_group_of_hers_and_no_one_else(op_client, op_b_client, operator, db):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    referral = factories.ReferralFactory()
    team = Group.objects.create(name="team-test")
    operator.groups.add(team)
    assign_perm("referrals.view_referral", team, referral)  # guardian's group row, as access.visible reads it
    url = reverse("referrals:detail", args=[referral.pk])
    assert op_client.get(url).status_code == 200
    assert op_b_client.get(url).status_code == 404
    assert op_client.get(reverse("referrals:edit", args=[referral.pk])).status_code == 404
