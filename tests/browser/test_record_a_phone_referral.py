"""An operator records a phone referral in a real browser; it is hers, and another operator never sees it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from referrals.models import Referral
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _record_phone_referral(page: Page, base_url: str, body_pk: int) -> None:
    """Fill the intake form by field id (the UI is Italian; labels may not be translated yet)."""
    page.goto(f"{base_url}/referrals/new/")
    page.locator("#id_referring_body").select_option(str(body_pk))
    page.locator("#id_channel").select_option(Referral.Channel.PHONE)
    page.locator("#id_urgency").select_option(Referral.Urgency.PRIORITY)
    page.locator("#id_referrer_name").fill("Operatrice del CAS, al telefono")
    page.locator("#id_reason").fill("Segnalazione telefonica di prova dal browser: nessuna persona reale.")
    page.locator("#id_first_name").fill("Prova")
    page.locator("#id_last_name").fill("Browser")
    page.locator("#id_birth_year").fill("2001")
    page.locator("#id_nationality").select_option("NG")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_it_records_a_phone_referral_that_only_its_operator_sees(browser: Browser, live_server, log_in, operators):
    body = factories.PartnerBodyFactory(name="CAS Prova Browser")

    mine = browser.new_context()
    page = mine.new_page()
    log_in(page, "operatore1")
    _record_phone_referral(page, live_server.url, body.pk)

    referral = Referral.objects.select_related("person").get(referring_body=body)
    code = referral.person.case_code
    detail_url = f"{live_server.url}/referrals/{referral.pk}/"
    expect(page).to_have_url(detail_url)
    expect(page.locator("h1 .case-code")).to_have_text(code)
    assert referral.channel == Referral.Channel.PHONE
    assert referral.urgency == Referral.Urgency.PRIORITY
    assert referral.person.nationality == "NG"

    page.goto(f"{live_server.url}/referrals/")
    expect(page.locator("table a.case-code", has_text=code)).to_have_count(1)
    expect(page.locator("table")).to_contain_text("CAS Prova Browser")
    mine.close()

    theirs = browser.new_context()
    page = theirs.new_page()
    log_in(page, "operatore2")
    page.goto(f"{live_server.url}/referrals/")
    expect(page.locator("h1")).to_be_visible()
    assert code not in page.content()
    assert page.goto(detail_url).status == 404
    assert page.goto(f"{live_server.url}/referrals/people/{referral.person.pk}/").status == 404
    theirs.close()
