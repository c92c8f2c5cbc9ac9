"""Restriction of processing (art. 18): operators lose every record of the person, coordinators keep them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ceis import access
from interviews.models import Interview
from privacy import services
from privacy.models import Restriction
from protection.models import DiaryEntry, ProtectionPathway
from referrals.models import Person, Referral


def _case_urls(case) -> list[str]:
    r, p = case["referral"], case["pathway"]
    return [
        reverse("referrals:detail", args=[r.pk]),
        reverse("referrals:edit", args=[r.pk]),
        reverse("referrals:person", args=[case["person"].pk]),
        reverse("referrals:person_edit", args=[case["person"].pk]),
        reverse("interviews:for_referral", args=[r.pk]),
        reverse("interviews:detail", args=[case["interviews"][0].pk]),
        reverse("interviews:edit", args=[case["interviews"][0].pk]),
        reverse("reports:edit", args=[case["report"].pk]),
        reverse("reports:print", args=[case["report"].pk]),
        reverse("protection:detail", args=[p.pk]),
        reverse("pathway_parts:edit", args=[p.pk, "diary", case["diary"][0].pk]),
        reverse("pathway_parts:edit", args=[p.pk, "accommodation", case["accommodation"].pk]),
        reverse("pathway_parts:edit", args=[p.pk, "goal", case["goal"].pk]),
        reverse("pathway_parts:review", args=[p.pk, case["goal"].pk]),
    ]


def test_it_hides_every_url_of_the_person_from_her_operator(op_client, coordinator, case):
    urls = _case_urls(case)
    assert all(op_client.get(url).status_code == 200 for url in urls)  # the control: she sees them before
    services.restriction_set(person=case["person"], reason="Contesta l'esattezza", by=coordinator)
    for url in urls:
        assert op_client.get(url).status_code == 404, url
        assert op_client.post(url, {"reason": "x", "text": "x"}).status_code == 404, url


def test_it_hides_the_records_from_every_list_and_search(op_client, operator, coordinator, case):
    person = case["person"]
    services.restriction_set(person=person, reason="r", by=coordinator)
    for model in (Person, Referral, Interview, ProtectionPathway, DiaryEntry):
        assert not access.visible(model, operator).exists(), model
    assert not access.assigned_to(Referral, operator).exists()
    assert not access.assigned_to(ProtectionPathway, operator).exists()
    code = person.case_code
    for url in (
        reverse("referrals:mine"),
        reverse("interviews:list"),
        reverse("protection:mine"),
        reverse("interviews:agenda"),
    ):
        response = op_client.get(url)
        assert response.status_code == 200
        assert code not in response.content.decode(), url
    search = op_client.get(reverse("referrals:search"), {"name": f"{person.first_name} {person.last_name}"})
    assert code not in search.content.decode()


def test_lifting_it_restores_access(op_client, coordinator, case):
    services.restriction_set(person=case["person"], reason="r", by=coordinator)
    services.restriction_lift(person=case["person"], by=coordinator)
    assert not Restriction.objects.exists()
    assert all(op_client.get(url).status_code == 200 for url in _case_urls(case))


def test_coordinators_still_see_the_person_marked_restricted(coord_client, coordinator, case):
    services.restriction_set(person=case["person"], reason="r", by=coordinator)
    assert coord_client.get(reverse("referrals:detail", args=[case["referral"].pk])).status_code == 200
    response = coord_client.get(reverse("privacy:person", args=[case["person"].pk]))
    assert 'id="restricted-badge"' in response.content.decode()
    assert "restricted" in coord_client.get(reverse("privacy:index")).content.decode()


def test_it_restricts_through_the_form_and_audits_without_the_reason(coord_client, case):
    from auditlog.models import LogEntry

    url = reverse("privacy:restrict", args=[case["person"].pk])
    assert coord_client.get(url).status_code == 200
    response = coord_client.post(url, {"reason": "Motivo riservato Pistacchio"})
    assert response.status_code == 302
    restriction = Restriction.objects.get(person=case["person"])
    assert restriction.by.username == "coord"
    entry = LogEntry.objects.get_for_object(restriction).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor.username == "coord"
    assert "Pistacchio" not in str(entry.changes) + entry.object_repr
    lift = reverse("privacy:restrict_lift", args=[case["person"].pk])
    assert coord_client.get(lift).status_code == 200
    assert coord_client.post(lift).status_code == 302
    assert not Restriction.objects.exists()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_pk=str(restriction.pk)).exists()


def test_it_asks_for_a_reason(coord_client, case):
    response = coord_client.post(reverse("privacy:restrict", args=[case["person"].pk]), {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Restriction.objects.exists()


@pytest.mark.parametrize("client_name", ["op_client", "admin_client_role"])
def test_operators_and_admins_cannot_restrict(db, request, client_name, case):
    client = request.getfixturevalue(client_name)
    url = reverse("privacy:restrict", args=[case["person"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not Restriction.objects.exists()


def test_the_case_pages_mark_a_restricted_person_for_coordinators(coord_client, coordinator, case):
    urls = [
        reverse("referrals:detail", args=[case["referral"].pk]),
        reverse("referrals:person", args=[case["person"].pk]),
        reverse("protection:detail", args=[case["pathway"].pk]),
    ]
    assert not any("restricted-badge" in coord_client.get(url).content.decode() for url in urls)
    services.restriction_set(person=case["person"], reason="r", by=coordinator)
    for url in urls:
        assert "restricted-badge" in coord_client.get(url).content.decode(), url


def test_restricted_records_send_no_reminders(operator, coordinator, case):
    import datetime

    from django.utils import timezone

    from ceis.notifications.models import Notification
    from interviews.tasks import send_interview_reminders
    from protection.tasks import send_pathway_reminders

    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    Interview.objects.filter(pk=case["interviews"][0].pk).update(status="scheduled", scheduled_at=tomorrow)
    ProtectionPathway.objects.filter(pk=case["pathway"].pk).update(
        started_on=timezone.localdate() - datetime.timedelta(days=90)
    )
    DiaryEntry.objects.filter(pathway=case["pathway"]).update(
        written_on=timezone.localdate() - datetime.timedelta(days=60)
    )
    services.restriction_set(person=case["person"], reason="r", by=coordinator)
    assert send_interview_reminders() == 0
    assert send_pathway_reminders() == 0
    services.restriction_lift(person=case["person"], by=coordinator)  # the control: lifted, they come
    assert send_interview_reminders() == 1
    assert send_pathway_reminders() >= 1
    assert Notification.objects.filter(recipient=operator).count() >= 2


def test_the_session_page_no_longer_names_her_follow_up(op_client, coord_client, coordinator, case):
    """The facilitator of the session she came from does not see her case code, not even without a link."""
    url = reverse("groups:detail", args=[case["session"].pk])
    code = case["person"].case_code
    assert code in op_client.get(url).content.decode()  # the control: shown before
    services.restriction_set(person=case["person"], reason="Contesta l'esattezza", by=coordinator)
    assert code not in op_client.get(url).content.decode()
    assert code in coord_client.get(url).content.decode()  # coordinators still see it
