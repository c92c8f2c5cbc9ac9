"""A coordinator opens the caseload, moves an overdue referral to another operator and downloads the CSV."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_coordinator_reassigns_an_overdue_referral_and_downloads_the_caseload(
    browser: Browser, live_server, log_in, operators
):
    operatore1, operatore2 = operators
    factories.CoordinatorFactory(username="coordinatore")
    person = factories.PersonFactory(first_name="Grace", last_name="Riservata", case_code="CL-2026-0042")
    referral = factories.ReferralFactory(
        person=person, received_at=timezone.now() - datetime.timedelta(days=10), assigned_to=[operatore1]
    )

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    log_in(page, "coordinatore")
    expect(page.locator("nav a[href='/caseload/']")).to_have_count(1)
    page.goto(f"{live_server.url}/caseload/")

    section = page.locator(f"#operator-{operatore1.pk}")
    expect(section).to_contain_text("CL-2026-0042")
    expect(page.locator("main")).not_to_contain_text("Riservata")
    section.locator(f"input[name=referrals][value='{referral.pk}']").check()
    page.locator("#id_operator").select_option(label=operatore2.get_full_name())  # people by their names
    page.locator("#id_confirm").check()
    page.locator("#reassign-form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/caseload/")
    expect(page.locator(f"#operator-{operatore2.pk}")).to_contain_text("CL-2026-0042")
    expect(page.locator(f"#operator-{operatore1.pk}")).not_to_contain_text("CL-2026-0042")

    with page.expect_download() as info:
        page.locator("#caseload-export").click()
    path = info.value.path()
    text = open(path, encoding="utf-8-sig").read()  # with the byte-order mark Italian Excel needs
    assert "CL-2026-0042" in text
    assert operatore2.get_full_name() in text
    assert "Riservata" not in text
    context.close()

    context = browser.new_context()
    page = context.new_page()
    log_in(page, "operatore1")
    response = page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    assert response.status == 404
    context.close()
