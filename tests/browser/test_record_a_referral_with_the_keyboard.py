"""An operator who works without a mouse reaches the intake form through the menu, skips the navigation and
records a phone referral with Tab, Shift+Tab, arrow keys, Space, Enter and typing only: it is saved."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from referrals.models import Referral
from tests import factories
from tests.browser.a11y import focused, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_it_records_a_referral_with_the_keyboard_only(browser: Browser, live_server, log_in, operators):
    body = factories.PartnerBodyFactory(name="Zefiro CAS Tastiera")
    context = browser.new_context()
    page = context.new_page()
    log_in(page, "operatore1")
    page.goto(f"{live_server.url}/referrals/")
    keys = page.keyboard

    # The menu: Referrals, then New referral, with Enter and the arrow keys.
    tab_to(page, "nav .dropdown-toggle")
    expect(page.locator(":focus")).to_have_text("Segnalazioni")
    keys.press("Enter")
    expect(page.locator("nav .dropdown-menu.show")).to_be_visible()
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    expect(page.locator(":focus")).to_have_attribute("href", "/referrals/new/")
    keys.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/referrals/new/")

    # The first Tab reaches the skip link, shown on screen; it leads past the navigation to the form.
    keys.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    keys.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/referrals/new/#main")
    keys.press("Tab")
    expect(page.locator("#id_referring_body")).to_be_focused()

    keys.type("Zefiro")  # a closed select picks the option that starts with what is typed
    expect(page.locator("#id_referring_body")).to_have_value(str(body.pk))
    tab_to(page, "#id_referrer_name")
    keys.type("Operatrice del CAS, al telefono")
    tab_to(page, "#id_urgency")
    expect(page.locator("#id_urgency")).to_have_value(Referral.Urgency.ROUTINE)
    keys.press("ArrowDown")
    expect(page.locator("#id_urgency")).to_have_value(Referral.Urgency.PRIORITY)
    tab_to(page, "#id_reason")
    keys.type("Segnalazione di prova fatta con la sola tastiera.")
    tab_to(page, "input[name=exploitation_forms]")
    first_form = page.locator(":focus").get_attribute("value")
    keys.press("Space")
    tab_to(page, "#id_first_name")
    keys.type("Prova")
    tab_to(page, "#id_last_name")
    keys.type("Tastiera")
    tab_to(page, "#id_birth_year")
    keys.type("2001")
    tab_to(page, "#id_phone")
    keys.type("333 0000000")
    tab_to(page, "#id_aliases", backwards=True)  # back up to a field left out
    keys.type("Tastierina")
    tab_to(page, "main form button[type=submit]")
    assert focused(page, "main form button[type=submit]")
    keys.press("Enter")

    # The redirect keeps the "#main" the skip link added to the address.
    expect(page).to_have_url(re.compile(r"/referrals/\d+/(#main)?$"))
    referral = Referral.objects.select_related("person").get(referring_body=body)
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/referrals/{referral.pk}/(#main)?$"))
    expect(page.locator("h1 .case-code")).to_have_text(referral.person.case_code)
    assert referral.referrer_name == "Operatrice del CAS, al telefono"
    assert referral.urgency == Referral.Urgency.PRIORITY
    assert referral.reason == "Segnalazione di prova fatta con la sola tastiera."
    assert [str(pk) for pk in referral.exploitation_forms.values_list("pk", flat=True)] == [first_form]
    person = referral.person
    assert (person.first_name, person.last_name, person.aliases, person.birth_year, person.phone) == (
        "Prova",
        "Tastiera",
        "Tastierina",
        2001,
        "333 0000000",
    )
    context.close()
