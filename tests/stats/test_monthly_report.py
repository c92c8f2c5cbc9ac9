"""The monthly report: built once per month, announced once to each coordinator, downloaded as CSV."""

from __future__ import annotations

import csv
import datetime
import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ceis.audit.models import Event
from ceis.notifications.models import Notification
from stats.models import MonthlyReport
from stats.tasks import build_monthly_report
from tests import factories


def _received(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_it_stores_one_report_and_notifies_each_coordinator_once(coordinator, operator, db):
    other = factories.CoordinatorFactory()
    factories.CoordinatorFactory(is_active=False)
    for _ in range(2):
        factories.ReferralFactory(received_at=_received(datetime.date(2025, 3, 10)))

    assert build_monthly_report("2025-03") == "2025-03"
    build_monthly_report("2025-03")

    report = MonthlyReport.objects.get()
    assert report.month == datetime.date(2025, 3, 1)
    contacts = next(f for f in report.data["sections"][0]["figures"] if f["key"] == "contacts")
    assert contacts["value"] == 0  # two, rounded to the nearest multiple of 5
    notes = Notification.objects.filter(kind=Notification.Kind.MONTHLY_REPORT)
    assert sorted(n.recipient_id for n in notes) == sorted([coordinator.pk, other.pk])
    assert {n.event_key for n in notes} == {"monthly-report:2025-03"}


def test_it_reports_last_month_by_default(db):
    first = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    assert build_monthly_report() == f"{first:%Y-%m}"
    assert MonthlyReport.objects.get().month == first


def test_it_holds_no_personal_data(db):
    person = factories.PersonFactory(first_name="Blessing", case_code="CL-SECRET")
    factories.ReferralFactory(person=person, received_at=_received(datetime.date(2025, 3, 10)))
    build_monthly_report("2025-03")
    stored = str(MonthlyReport.objects.get().data)
    assert "Blessing" not in stored and "CL-SECRET" not in stored


def test_coordinators_download_it(coord_client, db):
    for _ in range(4):
        factories.ReferralFactory(received_at=_received(datetime.date(2025, 3, 10)))
    build_monthly_report("2025-03")
    page = coord_client.get(reverse("caseload:reports"))
    url = reverse("caseload:report_csv", args=["2025-03"])
    assert url in page.content.decode()
    response = coord_client.get(url)
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    contacts = next(f for f in MonthlyReport.objects.get().data["sections"][0]["figures"] if f["key"] == "contacts")
    assert [contacts["label"], "5"] == [rows[1][2], rows[1][3]]  # four, rounded
    assert Event.objects.filter(kind=Event.Kind.EXPORT, details__what="monthly report").count() == 1


def test_operators_cannot_download_it(op_client, admin_client_role, db):
    build_monthly_report("2025-03")
    for client in (op_client, admin_client_role):
        assert client.get(reverse("caseload:report_csv", args=["2025-03"])).status_code == 404
        assert client.post(reverse("caseload:report_csv", args=["2025-03"])).status_code == 404
    assert op_client.get(reverse("caseload:report_csv", args=["2025-13"])).status_code == 404


def test_a_missing_month_is_404(coord_client, db):
    assert coord_client.get(reverse("caseload:report_csv", args=["2025-02"])).status_code == 404
    assert coord_client.get(reverse("caseload:report_csv", args=["nonsense"])).status_code == 404


def test_the_beat_entry_runs_the_task_on_the_first_of_the_month_at_six():
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-report"]
    assert entry["task"] == "caseload.tasks.build_monthly_report"
    assert entry["schedule"].day_of_month == {1}
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {0})
    assert settings.CELERY_TIMEZONE == "Europe/Rome"


def test_a_report_stored_under_the_former_rule_is_built_again_before_it_is_shown(coord_client, db):
    """A "<3" of an old report next to the rounded figures of the same quarter would undo the rounding."""
    for _ in range(4):
        factories.ReferralFactory(received_at=_received(datetime.date(2025, 3, 10)))
    old = {"sections": [{"key": "sirit", "figures": [{"key": "contacts", "label": "Contatti", "value": 4}]}]}
    MonthlyReport.objects.create(month=datetime.date(2025, 3, 1), data=old)
    for name in ("caseload:report_csv", "caseload:report_xlsx", "caseload:report_pdf", "caseload:report"):
        assert coord_client.get(reverse(name, args=["2025-03"])).status_code == 200
        report = MonthlyReport.objects.get()
        assert report.data["rule"] == "round5-prefix-v1"
        contacts = next(f for f in report.data["sections"][0]["figures"] if f["key"] == "contacts")
        assert contacts["value"] == 5
        MonthlyReport.objects.filter(pk=report.pk).update(data=old)
