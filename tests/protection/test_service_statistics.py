"""Services requested in the period, by type and by status, rounded by the same rule as every figure."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from protection.service_referrals import services
from stats import periods
from stats import selectors as stats
from tests.protection.services_helpers import request

pytestmark = pytest.mark.usefixtures("parts_english")


@pytest.fixture(autouse=True)
def mid_june():
    """Today is 15 June 2025: a few days ago is June, a hundred days ago is March."""
    with time_machine.travel(datetime.datetime(2025, 6, 15, 12, 0), tick=False):
        yield


def _section(data) -> dict:
    return next(s for s in data["sections"] if s["key"] == "services")


def _rows(section, key) -> dict:
    breakdown = next(b for b in section["breakdowns"] if b["key"] == key)
    return {r["key"]: r["value"] for r in breakdown["rows"]}, breakdown


def _period():
    return periods.month(2025, 6)


def test_it_counts_services_by_type_and_status_in_the_period(operator, parts_pathway, referral_a):
    for _ in range(4):
        request(by=operator, pathway=parts_pathway, type="psychological", days_ago=2)
    for _ in range(3):
        service = request(by=operator, referral=referral_a, type="health_general", days_ago=2)
        services.service_change_status(service=service, status="accepted", changed_on=service.requested_on, by=operator)
    request(by=operator, pathway=parts_pathway, type="documents", days_ago=100)  # before the period
    raw = stats.collect(_period())
    section = _section(raw)
    assert section["figures"][0]["value"] == 7
    assert _rows(section, "service_type")[0] == {"health_general": 3, "psychological": 4}
    assert _rows(section, "service_status")[0] == {"requested": 4, "accepted": 3}


def test_small_counts_are_rounded(operator, parts_pathway):
    for _ in range(5):
        request(by=operator, pathway=parts_pathway, type="psychological", days_ago=1)
    request(by=operator, pathway=parts_pathway, type="legal_asylum", days_ago=1)
    shown = _section(stats.statistics(_period()))
    by_type, breakdown = _rows(shown, "service_type")
    assert by_type == {"psychological": 5}  # the one legal service rounds to 0: not listed
    assert breakdown["total"] == 5
    assert shown["figures"][0]["value"] == 5


def test_a_total_of_one_or_two_shows_as_zero_with_nothing_listed(operator, parts_pathway):
    request(by=operator, pathway=parts_pathway, days_ago=1)
    shown = _section(stats.statistics(_period()))
    assert shown["figures"][0]["value"] == 0
    by_type, breakdown = _rows(shown, "service_type")
    assert by_type == {} and breakdown["total"] == 0


def test_a_change_of_status_reaches_the_stored_figures(operator, parts_pathway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = [request(by=operator, pathway=parts_pathway, days_ago=1) for _ in range(4)]
    period = _period()
    assert _rows(_section(stats.statistics(period)), "service_status")[0] == {"requested": 5}  # four, rounded
    with django_capture_on_commit_callbacks(execute=True):
        for service in made:
            services.service_change_status(
                service=service, status="accepted", changed_on=datetime.date(2025, 6, 15), by=operator
            )
    assert _rows(_section(stats.statistics(period)), "service_status")[0] == {"accepted": 5}


def test_the_statistics_page_shows_the_section(coord_client, operator, parts_pathway):
    for _ in range(3):
        request(by=operator, pathway=parts_pathway, days_ago=1)
    response = coord_client.get(reverse("caseload:statistics"), {"year": "2025", "part": "m06"})
    assert response.status_code == 200
    assert 'id="table-service_type"' in response.text
    assert "psychological support" in response.text
