"""A CAS worker refers a person through the portal, as a new user would: she logs in with her password and her
authenticator's code, sends the referral, gets a receipt (case code and date), and sees its status change once a
coordinator takes it in charge. What she wrote is never shown back, and every other page answers 404."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect

from referrals.models import Referral
from tests import factories
from tests.otp_helpers import totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REASON = "Racconta di un debito con chi le ha pagato il viaggio e di dover consegnare tutto quello che guadagna."


def test_a_cas_worker_refers_a_person_and_follows_only_its_status(browser: Browser, live_server, log_in, operators):
    cas = factories.PartnerBodyFactory(name="CAS Villa Prova")
    worker = factories.PartnerUserFactory(
        username="ente_cas", first_name="Sara", last_name="Operatrice", partner_body=cas
    )
    totp_device(worker)
    coordinator = factories.CoordinatorFactory(username="coordinatore")
    totp_device(coordinator)
    elsewhere = factories.PortalReferralFactory()  # another body's portal referral
    assigned = factories.ReferralFactory(assigned_to=[operators[0]])

    # The CAS worker: she lands on the portal, refers a person, and gets a receipt.
    ours = browser.new_context()
    page = ours.new_page()
    log_in(page, "ente_cas")
    expect(page).to_have_url(f"{live_server.url}/portal/")
    expect(page.locator("#portal-body")).to_have_text("CAS Villa Prova")
    expect(page.locator("#portal-empty")).to_be_visible()
    page.locator("#portal-new").click()
    page.locator("#id_aliases").fill("Joy")
    page.locator("#id_birth_year").fill("2003")
    page.locator("#id_reason").fill(REASON)
    page.locator("input[name=urgency][value=priority]").check()
    with page.expect_navigation():
        page.locator("#portal-form button[type=submit]").click()

    referral = Referral.objects.select_related("person").get(referring_body=cas)
    code = referral.person.case_code
    assert (referral.channel, referral.status, referral.urgency) == ("portal", "new", "priority")
    expect(page).to_have_url(f"{live_server.url}/portal/{referral.pk}/")
    expect(page.locator("#receipt-code")).to_have_text(code)
    expect(page.locator("#receipt-date")).not_to_be_empty()
    expect(page.locator("#receipt-status")).to_have_text("ricevuta")
    assert REASON not in page.content() and "Joy" not in page.content()

    page.goto(f"{live_server.url}/portal/")
    row = page.locator("#portal-referrals tbody tr", has_text=code)
    expect(row.locator(".portal-status")).to_have_text("ricevuta")
    expect(page.locator("#portal-referrals tbody tr")).to_have_count(1)  # never another body's
    assert elsewhere.person.case_code not in page.content()

    # A coordinator sees it as new, from the portal, and takes it in charge by assigning an operator.
    theirs = browser.new_context()
    staff = theirs.new_page()
    log_in(staff, "coordinatore")
    staff.goto(f"{live_server.url}/referrals/all/?channel=portal")
    staff_row = staff.locator("table tbody tr", has_text=code)
    expect(staff_row).to_contain_text("dal portale")
    expect(staff_row).to_contain_text("nuova")
    staff_row.locator("a.case-code").click()
    expect(staff.locator(".encrypted-text")).to_have_text(REASON)
    staff.locator("#id_operator").select_option(str(operators[0].pk))
    with staff.expect_navigation():
        staff.locator("form[action$='/assign/'] button[type=submit]").click()
    theirs.close()

    # The CAS worker sees the new status, and still nothing of the content.
    page.reload()
    expect(page.locator("#portal-referrals tbody tr", has_text=code).locator(".portal-status")).to_have_text(
        "presa in carico"
    )
    page.goto(f"{live_server.url}/portal/{referral.pk}/")
    expect(page.locator("#receipt-status")).to_have_text("presa in carico")
    assert REASON not in page.content()

    # Nothing else opens for her: the referral itself, the staff's lists, the statistics, the admin, the
    # notifications, another body's receipt all answer 404.
    for path in (
        f"/referrals/{referral.pk}/",
        f"/referrals/people/{referral.person_id}/",
        f"/referrals/{assigned.pk}/",
        "/referrals/",
        "/referrals/new/",
        "/partners/",
        "/notifications/",
        "/caseload/statistics/",
        f"/{settings.ADMIN_URL}",
        f"/portal/{elsewhere.pk}/",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 404, path
        assert REASON not in page.content()
    page.goto(f"{live_server.url}/portal/")
    nav = page.locator("nav")
    expect(nav.get_by_role("link", name=re.compile("Segnalazioni|Notifiche"))).to_have_count(0)
    ours.close()
