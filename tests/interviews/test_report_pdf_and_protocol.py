"""The report as a PDF (WeasyPrint) with the letterhead, and the protocol number given when it is recorded as sent."""

from __future__ import annotations

import datetime
import hashlib
import io
import threading

import pytest
from auditlog.models import LogEntry
from django.db import close_old_connections, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from ceis.partners.models import PartnerBody
from ceis.service.models import ProtocolCounter
from ceis.service.services import protocol_take, service_settings_update
from interviews import reports
from interviews.models import Report, SentReport
from referrals.models import Referral
from tests import factories
from tests.conftest import require_service

OPINION = "Parere favorevole alla protezione"


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _referral(operator) -> Referral:
    referral = factories.ReferralFactory(
        referring_body=PartnerBody.objects.get_or_create(name="Commissione Territoriale di Firenze")[0],
        outcome=Referral.Outcome.TAKEN_IN_CHARGE,
        assigned_to=[operator],
    )
    factories.ConsentFactory(person=referral.person, purpose="referral", recipient=referral.referring_body)
    return referral


def _report(referral) -> Report:
    return Report.objects.create(referral=referral, recipient=referral.referring_body, opinion=OPINION)


def _mark_sent(op_client, report, day: datetime.date):
    return op_client.post(reverse("reports:sent", args=[report.pk]), {"sent_at": day.isoformat()})


@pytest.mark.django_db
def test_marking_sent_stores_the_pdf_with_letterhead_protocol_and_italian_date(operator, op_client, admin_user):
    service_settings_update(
        by=admin_user, letterhead_address="Via dei Macelli 12, Lucca", pec="antitratta@pec.example.it"
    )
    referral = _referral(operator)
    report = _report(referral)
    response = _mark_sent(op_client, report, datetime.date(2026, 12, 5))
    assert response.status_code == 302
    sent = SentReport.objects.get(report=report)
    assert (sent.protocol_year, sent.protocol_number, sent.version) == (2026, 1, 1)

    pdf = op_client.get(reverse("reports:sent_pdf", args=[report.pk, 1]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert hashlib.sha256(data).hexdigest() == sent.sha256
    reader = PdfReader(io.BytesIO(data))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    text = _text(data)
    assert 'CeIS Gruppo "Giovani e Comunità"' in text
    assert "335 6975107" in text  # the activation line
    assert "Via dei Macelli 12, Lucca" in text and "antitratta@pec.example.it" in text
    assert "1/2026" in text
    assert "5 dicembre 2026" in text
    assert OPINION in text
    assert referral.person.case_code in text
    assert "Pag. 1 / 1" in text
    # Every download of the stored letter is an audited read.
    assert LogEntry.objects.get_for_object(sent).filter(action=LogEntry.Action.ACCESS).count() == 1


@pytest.mark.django_db
def test_a_later_edit_makes_a_new_version_and_never_changes_the_sent_one(operator, op_client):
    report = _report(_referral(operator))
    _mark_sent(op_client, report, datetime.date(2026, 12, 1))
    first = SentReport.objects.get(report=report)
    first_pdf = first.pdf
    Report.objects.filter(pk=report.pk).update(opinion="")  # bypasses nothing we rely on: a plain edit
    report.refresh_from_db()
    report.opinion = "Parere rivisto"
    report.save()
    _mark_sent(op_client, report, datetime.date(2026, 12, 3))
    first.refresh_from_db()
    assert first.pdf == first_pdf
    versions = list(SentReport.objects.filter(report=report).order_by("version"))
    assert [(v.version, v.protocol) for v in versions] == [(1, "1/2026"), (2, "2/2026")]
    second = op_client.get(reverse("reports:sent_pdf", args=[report.pk, 2])).content
    assert "Parere rivisto" in _text(second)
    assert OPINION in _text(op_client.get(reverse("reports:sent_pdf", args=[report.pk, 1])).content)


@pytest.mark.django_db
def test_each_year_starts_again_from_one(operator, op_client):
    report = _report(_referral(operator))
    _mark_sent(op_client, report, datetime.date(2025, 12, 31))
    _mark_sent(op_client, report, datetime.date(2026, 1, 2))
    assert sorted(SentReport.objects.values_list("protocol_year", "protocol_number")) == [(2025, 1), (2026, 1)]


@pytest.mark.django_db
def test_a_refused_send_takes_no_number(operator, op_client):
    referral = factories.ReferralFactory(outcome=Referral.Outcome.TAKEN_IN_CHARGE, assigned_to=[operator])
    report = _report(referral)  # no consent for this recipient: the gate refuses
    _mark_sent(op_client, report, datetime.date(2026, 12, 1))
    assert not SentReport.objects.exists()
    assert ProtocolCounter.objects.filter(last__gt=0).count() == 0


@pytest.mark.django_db
def test_the_draft_pdf_has_no_protocol_number(operator, op_client):
    report = _report(_referral(operator))
    text = _text(op_client.get(reverse("reports:pdf", args=[report.pk])).content)
    assert "Bozza" in text and "/2026" not in text


@pytest.mark.django_db
def test_another_operator_gets_404_on_the_stored_pdf(operator, op_client, op_b_client, admin_client_role):
    report = _report(_referral(operator))
    _mark_sent(op_client, report, datetime.date(2026, 12, 1))
    for client in (op_b_client, admin_client_role):
        assert client.get(reverse("reports:sent_pdf", args=[report.pk, 1])).status_code == 404
        assert client.get(reverse("reports:pdf", args=[report.pk])).status_code == 404


def _concurrently(n: int, work) -> list:
    """Run ``work`` in ``n`` threads released together, each on its own connection; their results."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list = []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported below, in the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_takes_get_distinct_gap_free_numbers_on_postgresql():
    require_service(connection.vendor == "postgresql", "PostgreSQL")

    def take(i):
        with transaction.atomic():
            number = protocol_take(year=2031)
            if i == 0:
                raise_after = True  # one send fails after taking its number: the number is given back
            else:
                raise_after = False
            if raise_after:
                transaction.set_rollback(True)
                return None
            return number

    numbers = _concurrently(8, take)
    taken = sorted(n for n in numbers if n is not None)
    assert taken == list(range(1, 8))  # seven sends, 1..7: distinct, and no gap from the one rolled back


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_sends_of_reports_get_distinct_numbers_on_postgresql(operator):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    report_ids = [_report(_referral(operator)).pk for _ in range(2)]

    def send(i):
        report = reports.report_get(operator, report_ids[i], action="change")
        reports.report_mark_sent(report=report, sent_at=datetime.date(2026, 12, 4), by=operator)
        return SentReport.objects.get(report_id=report_ids[i]).protocol_number

    assert sorted(_concurrently(2, send)) == [1, 2]
