"""The report to the referring body is printed and recorded as sent only with her consent, or a legal basis."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.consent import services
from ceis.consent.models import Disclosure
from ceis.partners.models import PartnerBody
from interviews.models import Report
from tests import factories

OPINION = "Parere riservato di prova"


@pytest.fixture
def report(referral_a):
    commissione = factories.PartnerBodyFactory(name="Commissione Territoriale di Firenze", kind="commissione")
    return Report.objects.create(referral=referral_a, recipient=commissione, opinion=OPINION, include_opinion=True)


def _send(client, report):
    return client.post(reverse("reports:sent", args=[report.pk]), {"sent_at": timezone.localdate().isoformat()})


def _not_sent(report) -> None:
    report.refresh_from_db()
    report.referral.refresh_from_db()
    assert (report.sent_at, report.referral.report_returned_at) == (None, None)
    assert not Disclosure.objects.exists()


def test_recording_it_as_sent_is_refused_without_consent(op_client, report):
    response = _send(op_client, report)
    assert response.status_code == 200
    assert "has given no valid consent for “referral to another body” to Commissione Territoriale di Firenze" in (
        response.text
    )
    assert reverse("consent:new", args=[report.referral.person.pk]) in response.text
    _not_sent(report)


def test_it_is_recorded_as_sent_with_her_consent(op_client, operator, report):
    consent = factories.ConsentFactory(person=report.referral.person, purpose="referral", recipient=report.recipient)
    assert _send(op_client, report).status_code == 302
    report.refresh_from_db()
    assert report.sent_at == timezone.localdate()
    disclosure = Disclosure.objects.get()
    assert (disclosure.consent, disclosure.recipient, disclosure.action, disclosure.target_id) == (
        consent,
        report.recipient,
        Disclosure.Action.REPORT_SENT,
        report.pk,
    )


def test_a_withdrawn_consent_stops_it(op_client, operator, report):
    consent = factories.ConsentFactory(person=report.referral.person, purpose="referral", recipient=report.recipient)
    services.consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), by=operator)
    assert _send(op_client, report).status_code == 200
    _not_sent(report)


def test_a_legal_basis_lets_it_through(op_client, report):
    factories.LegalBasisFactory(person=report.referral.person, purpose="referral", basis="legal_obligation")
    assert _send(op_client, report).status_code == 302
    assert Disclosure.objects.get().legal_basis is not None


def test_the_print_page_shows_no_letter_without_consent(op_client, report):
    response = op_client.get(reverse("reports:print", args=[report.pk]))
    assert response.status_code == 200
    assert 'id="sharing-refused"' in response.text
    assert OPINION not in response.text and 'id="report"' not in response.text
    assert 'id="sent-form"' not in response.text and "data-print" not in response.text
    assert response.context["contents"] is None


def test_the_print_page_shows_the_letter_with_consent(op_client, report):
    factories.ConsentFactory(person=report.referral.person, purpose="referral", recipient=None)
    response = op_client.get(reverse("reports:print", args=[report.pk]))
    assert OPINION in response.text and 'id="sent-form"' in response.text
    assert 'id="sharing-refused"' not in response.text


def test_a_report_to_the_police_needs_consent_to_share_with_the_police(op_client, report):
    Report.objects.filter(pk=report.pk).update(recipient=PartnerBody.objects.get(name="Questura di Lucca"))
    report.refresh_from_db()
    factories.ConsentFactory(person=report.referral.person, purpose="referral", recipient=None)
    response = op_client.get(reverse("reports:print", args=[report.pk]))
    assert "sharing with police or judicial authority" in response.text
    assert OPINION not in response.text
    assert _send(op_client, report).status_code == 200
    _not_sent(report)
