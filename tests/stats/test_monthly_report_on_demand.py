"""The monthly report on demand: any past month, or this month to date (provisional); never a 500."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ceis.audit.models import Event
from ceis.notifications.models import Notification
from stats.models import MonthlyReport
from tests import factories


def _received(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _contacts(report: MonthlyReport):
    return next(f for f in report.data["sections"][0]["figures"] if f["key"] == "contacts")["value"]


def test_it_builds_a_past_month_that_has_no_report(coord_client, db):
    for _ in range(4):
        factories.ReferralFactory(received_at=_received(datetime.date(2025, 3, 10)))
    response = coord_client.get(reverse("caseload:report", args=["2025-03"]))
    assert response.status_code == 200
    report = MonthlyReport.objects.get(month=datetime.date(2025, 3, 1))
    assert _contacts(report) == 5  # four, rounded
    assert not report.is_provisional
    page = response.content.decode()
    assert 'id="provisional"' not in page
    assert reverse("caseload:report_csv", args=["2025-03"]) in page
    assert not Notification.objects.exists()  # only the scheduled one is announced


def test_it_does_not_build_a_final_report_again(coord_client, db):
    coord_client.get(reverse("caseload:report", args=["2025-03"]))
    built = MonthlyReport.objects.get().created_at
    factories.ReferralFactory(received_at=_received(datetime.date(2025, 3, 10)))
    coord_client.get(reverse("caseload:report", args=["2025-03"]))
    assert MonthlyReport.objects.get().created_at == built


def test_this_month_is_to_date_and_provisional_and_built_again_on_each_view(
    coord_client, db, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    month = f"{today:%Y-%m}"
    for _ in range(3):
        factories.ReferralFactory(received_at=timezone.now())
    response = coord_client.get(reverse("caseload:report", args=[month]))
    assert response.status_code == 200
    assert 'id="provisional"' in response.content.decode()
    report = MonthlyReport.objects.get()
    assert report.is_provisional and _contacts(report) == 5  # three, rounded
    with django_capture_on_commit_callbacks(execute=True):  # the statistics snapshots learn of it on commit
        for _ in range(5):
            factories.ReferralFactory(received_at=timezone.now())
    coord_client.get(reverse("caseload:report", args=[month]))
    assert _contacts(MonthlyReport.objects.get()) == 10  # eight, rounded


def test_a_report_built_during_its_month_is_built_again_once_the_month_is_over(coord_client, db):
    report = MonthlyReport.objects.create(month=datetime.date(2025, 3, 1), data={"sections": []})
    MonthlyReport.objects.filter(pk=report.pk).update(created_at=_received(datetime.date(2025, 3, 20)))
    assert MonthlyReport.objects.get().is_provisional
    for _ in range(3):
        factories.ReferralFactory(received_at=_received(datetime.date(2025, 3, 25)))
    response = coord_client.get(reverse("caseload:report", args=["2025-03"]))
    assert response.status_code == 200
    report = MonthlyReport.objects.get()
    assert not report.is_provisional and _contacts(report) == 5


@pytest.mark.parametrize(
    "month", ["2025-13", "2025-00", "2025-3", "0000-01", "nonsense", "9999-01", "2025-03-01", "２０２５-０３"]
)
def test_a_month_that_is_not_a_begun_month_is_404(coord_client, db, month):
    assert coord_client.get(f"/caseload/reports/{month}/").status_code == 404
    assert not MonthlyReport.objects.exists()


def test_next_month_is_404(coord_client, db):
    first = (timezone.localdate().replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    assert coord_client.get(reverse("caseload:report", args=[f"{first:%Y-%m}"])).status_code == 404


def test_the_list_sends_a_chosen_month_to_its_report(coord_client, db):
    response = coord_client.get(reverse("caseload:reports"), {"month": "2025-03"})
    assert response.status_code == 302
    assert response["Location"] == reverse("caseload:report", args=["2025-03"])
    response = coord_client.get(reverse("caseload:reports"), {"month": "2025-99"})
    assert response.status_code == 200
    assert "Scegli un mese passato o quello corrente." in response.content.decode()


def test_the_xlsx_has_typed_counts_and_is_audited(coord_client, coordinator, db):
    for _ in range(4):
        factories.ReferralFactory(received_at=_received(datetime.date(2025, 3, 10)))
    coord_client.get(reverse("caseload:report", args=["2025-03"]))
    response = coord_client.get(reverse("caseload:report_xlsx", args=["2025-03"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=4).value == 5
    event = Event.objects.get(kind=Event.Kind.EXPORT)
    assert event.actor == coordinator and event.details["month"] == "2025-03"


def test_it_is_404_to_operators_and_admins(op_client, admin_client_role, db):
    for client in (op_client, admin_client_role):
        assert client.get(reverse("caseload:report", args=["2025-03"])).status_code == 404
        assert client.get(reverse("caseload:report_xlsx", args=["2025-03"])).status_code == 404
    assert not MonthlyReport.objects.exists()
