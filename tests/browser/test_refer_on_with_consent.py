"""An operator refers a person on to another project: refused without her consent, she records it
from the refusal, comes back to the closing form and closes; then the person withdraws it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from ceis.consent.models import Consent, ConsentWithdrawal, Disclosure
from referrals.models import Referral
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_operator_records_consent_then_refers_the_person_on(
    browser: Browser, live_server, log_in, operators, closure_approval_off
):
    """The service has turned closure approval off: she closes herself (approval: test_closure_approval.py)."""
    operatore1, _ = operators
    operatore1.language = "en"
    operatore1.save(update_fields=["language"])
    body = factories.PartnerBodyFactory(name="Progetto antitratta di Pisa (fittizio)", kind="antitrafficking")
    referral = factories.ReferralFactory(assigned_to=[operatore1])
    close_url = f"{live_server.url}/referrals/{referral.pk}/close/"

    context = browser.new_context()
    page = context.new_page()
    log_in(page, "operatore1")

    # Closing as "transferred" to another project, with no consent recorded: refused, nothing saved.
    page.goto(close_url)
    page.locator("#id_outcome").select_option(Referral.Outcome.TRANSFERRED)
    page.locator("#id_receiving_body").select_option(str(body.pk))
    page.locator("#close-form button[type=submit]").click()
    expect(page.locator("#sharing-refused")).to_contain_text("no valid consent")
    referral.refresh_from_db()
    assert referral.is_open and not Disclosure.objects.exists()

    # The refusal leads to the consent form, already set for this purpose and body, and back.
    page.locator("#refused-record-consent").click()
    expect(page.locator("#id_purpose")).to_have_value("referral")
    expect(page.locator("#id_recipient")).to_have_value(str(body.pk))
    page.locator("#id_notice").select_option(index=1)
    page.locator("#id_language").fill("Pidgin English")
    page.locator("#id_interpreter").fill("Mediatrice di prova")
    page.keyboard.press("Tab")
    page.locator("#consent-form button[type=submit]").press("Enter")  # the keyboard works too
    expect(page).to_have_url(close_url)
    consent = Consent.objects.get()
    assert (consent.person_id, consent.recipient, consent.recorded_by) == (referral.person_id, body, operatore1)

    page.locator("#id_outcome").select_option(Referral.Outcome.TRANSFERRED)
    page.locator("#id_receiving_body").select_option(str(body.pk))
    page.locator("#close-form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/{referral.pk}/")
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (Referral.Status.CLOSED, Referral.Outcome.TRANSFERRED)
    assert Disclosure.objects.get().consent == consent

    # Later she withdraws it, after a confirmation; the referral page no longer lists it as in force.
    expect(page.locator("#consents-valid")).to_contain_text("Progetto antitratta di Pisa")
    page.locator("#consents-valid a.link-danger").click()
    expect(page.locator("h1")).to_contain_text("Withdraw consent")
    assert not ConsentWithdrawal.objects.exists()
    page.locator("#withdraw-form button[type=submit]").click()
    expect(page.locator("#consents")).to_contain_text("withdrawn on")
    assert ConsentWithdrawal.objects.get().consent == consent
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    expect(page.locator("#consents-valid")).to_contain_text("No consent in force.")
    context.close()
