"""As a new user would: an operator uploads a document to a referral; the other assigned operator downloads it;
an unassigned one gets 404. Then the report is recorded as sent and the stored PDF, with its protocol number,
is downloaded."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pypdf import PdfReader, PdfWriter

from documents.models import Document
from interviews.models import Report, SentReport
from referrals.models import Referral
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _pdf(path) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return out.getvalue()


def test_a_document_goes_to_the_assigned_only_and_the_sent_report_is_kept(
    browser: Browser, live_server, log_in, operators, tmp_path
):
    operatore1, operatore2 = operators
    factories.OperatorFactory(username="operatore3")
    referral = factories.ReferralFactory(
        referring_body=factories.PartnerBodyFactory(name="Commissione Territoriale di Firenze"),
        outcome=Referral.Outcome.TAKEN_IN_CHARGE,
        assigned_to=[operatore1, operatore2],
    )
    factories.ConsentFactory(person=referral.person, purpose="referral", recipient=referral.referring_body)
    report = Report.objects.create(referral=referral, recipient=referral.referring_body, opinion="Parere di prova")
    scan = tmp_path / "permesso.pdf"
    content = _pdf(scan)

    first = browser.new_context(accept_downloads=True)
    page = first.new_page()
    log_in(page, "operatore1")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.locator("#documents a.btn").click()
    page.locator("#id_kind").select_option("permit")
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    page.locator("#id_description").fill("Copia del permesso")
    page.locator("#id_file").set_input_files(str(scan))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/{referral.pk}/")
    document = Document.objects.get()
    expect(page.locator(f"#documents a[href='/documents/{document.pk}/download/']")).to_be_visible()

    # Record the report as sent, then download the PDF exactly as stored.
    page.goto(f"{live_server.url}/interviews/reports/{report.pk}/print/")
    page.locator("#sent-form input[name=sent_at]").fill(timezone.localdate().isoformat())
    page.locator("#sent-form button[type=submit]").click()
    page.wait_for_load_state()
    sent = SentReport.objects.get(report=report)
    link = page.locator(f"#sent-versions a[href='/interviews/reports/{report.pk}/sent/1/pdf/']")
    expect(link).to_contain_text(sent.protocol)
    with page.expect_download() as info:
        link.click()
    stored = open(info.value.path(), "rb").read()
    text = PdfReader(io.BytesIO(stored)).pages[0].extract_text()
    assert sent.protocol in text and "Parere di prova" in text
    first.close()

    second = browser.new_context(accept_downloads=True)
    page = second.new_page()
    log_in(page, "operatore2")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    with page.expect_download() as info:
        page.locator(f"#documents a[href='/documents/{document.pk}/download/']").click()
    assert open(info.value.path(), "rb").read() == content
    second.close()

    third = browser.new_context()
    page = third.new_page()
    log_in(page, "operatore3")
    response = page.goto(f"{live_server.url}/documents/{document.pk}/download/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/interviews/reports/{report.pk}/sent/1/pdf/")
    assert response.status == 404
    third.close()
