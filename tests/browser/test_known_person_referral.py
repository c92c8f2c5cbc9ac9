"""A person already known is referred again, as a new user would meet it.

The coordinator records the referral herself: the intake offers the earlier record (case code, score, reasons)
and she attaches the new referral to it. Then an operator records another referral for the same woman: she is
told only that the person may already be known and that the coordinator decides; the coordinator, from her
notification, reviews the match on the referral page and attaches that referral too.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from referrals.models import Person, Referral
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _fill_intake(page: Page, base_url: str, body_pk: int, first: str, last: str, year: str) -> None:
    page.goto(f"{base_url}/referrals/new/")
    page.locator("#id_referring_body").select_option(str(body_pk))
    page.locator("#id_reason").fill("Trasferita da un altro CAS: seconda audizione in Commissione (prova).")
    page.locator("#id_first_name").fill(first)
    page.locator("#id_last_name").fill(last)
    page.locator("#id_birth_year").fill(year)
    page.locator("#id_nationality").select_option("NG")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_known_person_referred_again_is_attached_to_her_record(browser: Browser, live_server, log_in, operators):
    factories.CoordinatorFactory(username="coordinatore")
    body = factories.PartnerBodyFactory(name="CAS Ritorno (prova)")
    known = factories.PersonFactory(first_name="Osasu", last_name="Igbinosa", birth_year=1998)
    first = factories.ReferralFactory(person=known)

    coordinator = browser.new_context()
    page = coordinator.new_page()
    log_in(page, "coordinatore")
    # spelt as another office writes it, surname first, a year off
    _fill_intake(page, live_server.url, body.pk, "Igbinossa", "Osazu", "1999")
    candidates = page.locator("#match-candidates")
    expect(candidates).to_contain_text(known.case_code)
    expect(candidates).to_contain_text("nome e cognome invertiti")
    expect(page.locator("#duplicate-warning")).to_contain_text("già conosciuta")
    assert Referral.objects.count() == 1  # nothing saved before she decides

    page.locator(f"#attach-{known.pk}").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/referrals/\d+/$"))
    again = Referral.objects.exclude(pk=first.pk).get()
    assert again.person_id == known.pk
    assert Person.objects.count() == 1
    expect(page.locator("h1 .case-code")).to_have_text(known.case_code)
    page.goto(f"{live_server.url}/referrals/people/{known.pk}/")
    expect(page.locator(f"a[href='/referrals/{again.pk}/']")).to_have_count(1)
    expect(page.locator(f"a[href='/referrals/{first.pk}/']")).to_have_count(1)

    # An operator who follows neither record is told only that the coordinator decides.
    operator = browser.new_context()
    op_page = operator.new_page()
    log_in(op_page, "operatore1")
    _fill_intake(op_page, live_server.url, body.pk, "Osasu", "Igbinosa", "")
    warning = op_page.locator("#duplicate-warning")
    expect(warning).to_contain_text("decide il coordinamento")
    for secret in (known.case_code, "Igbinosa", "Osasu"):
        expect(warning).not_to_contain_text(secret)
    expect(op_page.locator("#match-candidates")).to_have_count(0)
    op_page.locator("#id_confirm_new_person").check()
    op_page.locator("main form button[type=submit]").click()
    expect(op_page).to_have_url(re.compile(r"/referrals/\d+/$"))
    third = Referral.objects.exclude(pk__in=[first.pk, again.pk]).get()
    assert third.person_id != known.pk
    expect(op_page.locator("main")).not_to_contain_text(known.case_code)
    operator.close()

    # The coordinator's notification leads to the referral, where she reviews the match and attaches it.
    page.goto(f"{live_server.url}/notifications/")
    item = page.locator("li", has_text=third.person.case_code)
    expect(item).to_contain_text("persona già conosciuta")
    item.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/{third.pk}/")
    page.locator("#review-match").click()
    expect(page.locator("#match-candidates")).to_contain_text(known.case_code)
    page.locator(f"#attach-{known.pk}").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/{third.pk}/")
    expect(page.locator("h1 .case-code")).to_have_text(known.case_code)
    expect(page.locator("#possible-duplicate")).to_have_count(0)
    third.refresh_from_db()
    assert third.person_id == known.pk
    coordinator.close()
