""" "Overdue · no interview yet" leaves out referrals with an interview already scheduled (issue 15, point 8)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from caseload import selectors
from caseload.selectors import Overdue
from tests import factories
from tests.caseload.conftest import _referral


def _overdue_codes(operator) -> list[str]:
    rows = {c.operator.pk: c for c in selectors.caseload_by_operator()}
    return sorted(i.case_code for i in rows[operator.pk].overdue if i.kind == Overdue.NO_INTERVIEW)


def test_a_referral_with_an_interview_scheduled_is_not_late_for_want_of_one(operator):
    booked = _referral("CL-BOOKED", [operator], days=10)
    factories.InterviewFactory(referral=booked, scheduled_at=timezone.now() + datetime.timedelta(days=2))
    _referral("CL-LATE", [operator], days=10)

    assert _overdue_codes(operator) == ["CL-LATE"]
    assert set(selectors.referrals_without_interview().values_list("person__case_code", flat=True)) == {"CL-LATE"}
    lines = {line.referral.person.case_code: line.flags for line in selectors.caseload_lines()}
    assert lines["CL-BOOKED"] == [] and lines["CL-LATE"] == [Overdue.NO_INTERVIEW]


def test_scheduling_an_interview_takes_it_off_the_stored_dashboard(operator, django_capture_on_commit_callbacks):
    late = _referral("CL-LATE", [operator], days=10)
    assert _overdue_codes(operator) == ["CL-LATE"]  # counted and stored
    with django_capture_on_commit_callbacks(execute=True):
        factories.InterviewFactory(referral=late, scheduled_at=timezone.now() + datetime.timedelta(days=1))
    assert _overdue_codes(operator) == []


def test_the_dashboard_page_no_longer_lists_it(coord_client, operator):
    booked = _referral("CL-BOOKED", [operator], days=10)
    factories.InterviewFactory(referral=booked, scheduled_at=timezone.now() + datetime.timedelta(days=2))
    _referral("CL-LATE", [operator], days=10)
    page = coord_client.get("/caseload/").text
    assert "CL-LATE" in page and "CL-BOOKED" not in page
