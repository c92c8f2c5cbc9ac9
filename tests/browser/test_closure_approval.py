"""An operator asks to close a referral; a coordinator finds it in her queue and approves it; the operator
finds the referral closed and the notification that says so."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from ceis.approvals.models import ClosureRequest
from referrals.models import Referral
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOTE = "Non risponde al telefono da un mese; il CAS conferma che si è allontanata."


def test_an_operators_closure_is_approved_by_a_coordinator(browser: Browser, live_server, log_in, operators):
    operatore1, _ = operators
    coordinatore = factories.CoordinatorFactory(username="coordinatore", first_name="Chiara", last_name="Coord")
    for user in (operatore1, coordinatore):
        user.language = "en"
        user.save(update_fields=["language"])
    referral = factories.ReferralFactory(assigned_to=[operatore1])
    code = referral.person.case_code
    detail_url = f"{live_server.url}/referrals/{referral.pk}/"

    # The operator asks: the form says a coordinator approves; the referral stays open, "closure requested".
    operator_context = browser.new_context()
    op_page = operator_context.new_page()
    log_in(op_page, "operatore1")
    op_page.goto(detail_url)
    op_page.locator("#close-referral").click()
    expect(op_page.locator("#approval-needed")).to_be_visible()
    op_page.locator("#id_outcome").select_option(Referral.Outcome.UNREACHABLE)
    op_page.locator("#id_closure_note").fill(NOTE)
    op_page.locator("#close-form button[type=submit]").click()
    expect(op_page).to_have_url(detail_url)
    expect(op_page.locator(".alert-success")).to_contain_text(f"Closure of {code} requested")
    expect(op_page.locator("#closure-requested")).to_be_visible()
    expect(op_page.locator("#close-referral")).to_have_count(0)
    referral.refresh_from_db()
    assert referral.is_open and ClosureRequest.objects.get().status == "pending"

    # The coordinator sees the count in the menu, opens her queue and the request, and approves it.
    coord_context = browser.new_context()
    coord_page = coord_context.new_page()
    log_in(coord_page, "coordinatore")
    coord_page.goto(f"{live_server.url}/referrals/all/")
    expect(coord_page.locator("#pending-closures")).to_have_text("1")
    coord_page.goto(f"{live_server.url}/approvals/")
    expect(coord_page.locator("#closure-requests")).to_contain_text("Giulia Uno")
    coord_page.locator("#closure-requests a.case-code", has_text=code).click()
    expect(coord_page.locator("#closure-request")).to_contain_text(NOTE)
    expect(coord_page.locator("#request-outcome")).to_contain_text("unreachable")
    coord_page.locator("#approve-closure").click()
    expect(coord_page.locator(".alert-success")).to_contain_text(f"Closure approved: {code} is closed.")
    expect(coord_page.locator("#closure-requests")).to_have_count(0)  # the queue is empty
    expect(coord_page.locator("#pending-closures")).to_have_count(0)
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.closure_note) == (
        Referral.Status.CLOSED,
        Referral.Outcome.UNREACHABLE,
        NOTE,
    )

    # The operator is told, and finds the referral closed with what she entered.
    op_page.goto(f"{live_server.url}/notifications/")
    expect(op_page.locator("main")).to_contain_text(f"Your closure request has been approved: {code}")
    op_page.locator("main form button[type=submit]", has_text="Open").first.click()
    expect(op_page.locator("#request-status")).to_have_text("approved")
    op_page.goto(detail_url)
    expect(op_page.locator("#referral-status")).to_have_text("closed")
    expect(op_page.locator("#closure-requested")).to_have_count(0)
    operator_context.close()
    coord_context.close()
