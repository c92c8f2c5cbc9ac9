"""Follow a service: its page, each change of status with its date, the list, the pathway's chronology."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ceis.audit.selectors import record_readers
from protection.service_referrals import services
from tests import factories
from tests.protection.services_helpers import request

pytestmark = pytest.mark.usefixtures("parts_english")

TODAY = timezone.localdate


def _url(service) -> str:
    return reverse("service_referrals:detail", args=[service.pk])


def test_it_moves_a_service_to_accepted_then_completed_with_the_dates(op_client, operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway, days_ago=5)
    accepted_on = (TODAY() - datetime.timedelta(days=3)).isoformat()
    response = op_client.post(_url(service), {"status": "accepted", "changed_on": accepted_on, "outcome_note": ""})
    assert response.status_code == 302
    response = op_client.post(
        _url(service),
        {"status": "completed", "changed_on": TODAY().isoformat(), "outcome_note": "Cinque colloqui svolti"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.status, service.status_changed_on, service.outcome_note) == (
        "completed",
        TODAY(),
        "Cinque colloqui svolti",
    )
    assert [(c.status, c.changed_on) for c in service.changes.all()] == [
        ("requested", TODAY() - datetime.timedelta(days=5)),
        ("accepted", TODAY() - datetime.timedelta(days=3)),
        ("completed", TODAY()),
    ]
    page = op_client.get(_url(service)).text
    assert "Cinque colloqui svolti" in page
    assert 'id="service-status-form"' not in page  # completed: nothing comes next


def test_it_refuses_a_status_that_does_not_follow(operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway)
    with pytest.raises(ValidationError):
        services.service_change_status(service=service, status="in_progress", changed_on=TODAY(), by=operator)
    with pytest.raises(ValidationError):
        services.service_change_status(service=service, status="bogus", changed_on=TODAY(), by=operator)


def test_it_refuses_a_date_before_the_last_change_or_in_the_future(op_client, operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway, days_ago=2)
    before = (TODAY() - datetime.timedelta(days=4)).isoformat()
    response = op_client.post(_url(service), {"status": "accepted", "changed_on": before})
    assert "The date cannot come before the last change of status." in response.text
    future = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = op_client.post(_url(service), {"status": "accepted", "changed_on": future})
    assert "The date cannot be in the future." in response.text
    service.refresh_from_db()
    assert service.status == "requested"


def test_a_service_without_answer_can_still_be_accepted_later(operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway, days_ago=20)
    services.service_change_status(service=service, status="no_answer", changed_on=TODAY(), by=operator)
    services.service_change_status(service=service, status="accepted", changed_on=TODAY(), by=operator)
    service.refresh_from_db()
    assert service.status == "accepted"


def test_the_page_is_audited_and_marks_overdue(op_client, operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway, days_ago=8)
    response = op_client.get(_url(service))
    assert response.status_code == 200
    assert 'id="service-overdue"' in response.text
    assert [entry.actor for entry in record_readers(service)] == [operator]


def test_the_page_is_not_overdue_within_the_days_set(op_client, operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway, days_ago=7)
    assert 'id="service-overdue"' not in op_client.get(_url(service)).text


def test_an_operator_not_assigned_gets_404_on_the_page_and_the_change(op_b_client, operator, parts_pathway, referral_a):
    for service in (request(by=operator, pathway=parts_pathway), request(by=operator, referral=referral_a)):
        assert op_b_client.get(_url(service)).status_code == 404
        assert op_b_client.post(_url(service), {"status": "accepted", "changed_on": TODAY()}).status_code == 404
        service.refresh_from_db()
        assert service.status == "requested"


def test_an_operator_removed_from_the_pathway_loses_the_service(op_client, operator, coordinator, parts_pathway):
    from ceis import access

    service = request(by=operator, pathway=parts_pathway)
    access.unassign(parts_pathway, operator, by=coordinator)
    assert op_client.get(_url(service)).status_code == 404


def test_a_coordinator_sees_and_changes_every_service(coord_client, operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway)
    assert coord_client.get(_url(service)).status_code == 200
    coord_client.post(_url(service), {"status": "refused", "changed_on": TODAY().isoformat()})
    service.refresh_from_db()
    assert service.status == "refused"


def test_the_list_shows_only_her_services_and_marks_the_overdue_ones(
    op_client, operator, operator_b, parts_pathway, django_assert_max_num_queries
):
    mine = [request(by=operator, pathway=parts_pathway, days_ago=10 if i % 2 else 1) for i in range(50)]
    other = factories.PathwayFactory(assigned_to=[operator_b])
    hidden = request(by=operator_b, pathway=other)
    url = reverse("service_referrals:list")
    op_client.get(url)
    with django_assert_max_num_queries(9):
        response = op_client.get(url)
    assert response.context["page"].paginator.count == 50
    assert _url(hidden) not in response.text
    overdue = op_client.get(url, {"overdue": "1"})
    assert overdue.context["page"].paginator.count == 25
    assert all(s.overdue for s in overdue.context["page"].object_list)
    accepted = op_client.get(url, {"status": "accepted"})
    assert accepted.context["page"].paginator.count == 0
    assert op_client.get(url, {"status": "<script>", "page": "x"}).status_code == 200
    assert mine


def test_the_chronology_shows_each_service_and_its_changes(op_client, operator, parts_pathway):
    service = request(by=operator, pathway=parts_pathway, days_ago=3)
    services.service_change_status(service=service, status="accepted", changed_on=TODAY(), by=operator)
    page = op_client.get(reverse("protection:detail", args=[parts_pathway.pk])).text
    assert "Service requested: psychological support" in page
    assert "Service psychological support" in page and ": accepted" in page
    assert _url(service) in page


def test_the_pathway_page_stays_constant_with_50_services(
    op_client, operator, parts_pathway, django_assert_max_num_queries
):
    for _ in range(50):
        service = request(by=operator, pathway=parts_pathway, days_ago=9)
        services.service_change_status(service=service, status="accepted", changed_on=TODAY(), by=operator)
    url = reverse("protection:detail", args=[parts_pathway.pk])
    op_client.get(url)
    with django_assert_max_num_queries(15):
        response = op_client.get(url)
    assert len([i for i in response.context["timeline"] if i.kind == "service"]) == 100


def test_the_service_page_runs_a_bounded_number_of_queries(
    op_client, operator, parts_pathway, django_assert_max_num_queries
):
    service = request(by=operator, pathway=parts_pathway, days_ago=4)
    services.service_change_status(service=service, status="no_answer", changed_on=TODAY(), by=operator)
    services.service_change_status(service=service, status="accepted", changed_on=TODAY(), by=operator)
    op_client.get(_url(service))
    with django_assert_max_num_queries(11):
        assert op_client.get(_url(service)).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_the_referral_page_stays_constant_with_its_services(
    op_client, operator, referral_a, django_assert_max_num_queries, count
):
    for _ in range(count):
        request(by=operator, referral=referral_a, days_ago=9)
    url = reverse("referrals:detail", args=[referral_a.pk])
    op_client.get(url)
    with django_assert_max_num_queries(17):  # the same with 1 service or 20 (and the documents card)
        response = op_client.get(url)
    assert response.text.count("/protection/services/") >= count
