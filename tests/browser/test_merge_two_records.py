"""A coordinator finds that two records are the same woman: she merges them, keeping the older case code, sees
the legal hold carried over before confirming, follows the old link to the record kept, then undoes the merge."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from privacy import services as privacy
from privacy.models import LegalHold
from referrals.models import Person, PersonMerge, Referral
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_coordinator_merges_two_records_and_undoes_it(browser: Browser, live_server, log_in, operators):
    operatore1, operatore2 = operators
    coordinator = factories.CoordinatorFactory(username="coordinatrice", language="en")
    first = factories.ReferralFactory(assigned_to=[operatore1]).person
    second_referral = factories.ReferralFactory(
        person=factories.PersonFactory(first_name="Osasu", last_name="Esempio"), assigned_to=[operatore2]
    )
    second = second_referral.person
    factories.PathwayFactory(person=second, referral=second_referral, assigned_to=[operatore2])
    privacy.legal_hold_set(person=second, reason="Procedimento penale (fittizio)", by=coordinator)

    context = browser.new_context()
    page = context.new_page()
    log_in(page, "coordinatrice")

    # From the first record, name the second by its case code.
    page.goto(f"{live_server.url}/referrals/people/{first.pk}/")
    page.get_by_role("link", name="Merge with another record").click()
    page.locator("#id_case_code").fill(second.case_code)
    page.locator("main form button[type=submit]").click()

    # Both records side by side, the legal hold on the second shown before anything moves.
    expect(page.locator("h1")).to_contain_text("Merge two records")
    expect(page.locator("#merge-flags")).to_be_visible()
    expect(page.locator(f"#side-{second.pk}")).to_contain_text(second.case_code)
    expect(page.locator("main")).to_contain_text("Osasu")
    assert not PersonMerge.objects.exists()
    page.locator(f"input[name=survivor][value='{first.pk}']").check()
    page.locator("#id_confirm").check()
    page.locator("#merge-form button[type=submit]").click()

    # The record kept holds the second's referral and pathway, its case code as an alias, and the hold.
    expect(page).to_have_url(f"{live_server.url}/referrals/people/{first.pk}/")
    expect(page.locator("main")).to_contain_text(second.case_code)
    expect(page.locator("#pathways-heading")).to_be_visible()
    assert Referral.objects.get(pk=second_referral.pk).person_id == first.pk
    assert LegalHold.objects.filter(person=first).exists()
    assert Person.objects.get(pk=second.pk).merged_into_id == first.pk
    expect(page.locator(f"a[href='/referrals/{second_referral.pk}/']")).to_be_visible()

    # The old link of the second record leads to the record kept.
    page.goto(f"{live_server.url}/referrals/people/{second.pk}/")
    expect(page).to_have_url(f"{live_server.url}/referrals/people/{first.pk}/")

    # Undo, the same day, after a confirmation: both are records of their own again.
    page.get_by_role("link", name="Undo the merge").click()
    expect(page.locator("h1")).to_contain_text("Undo the merge")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/people/{second.pk}/")
    expect(page.locator(".alert-success")).to_contain_text("separate records again")
    assert Referral.objects.get(pk=second_referral.pk).person_id == second.pk
    assert not LegalHold.objects.filter(person=first).exists()
    assert Person.objects.get(pk=second.pk).merged_into_id is None
    page.goto(f"{live_server.url}/referrals/people/{first.pk}/")
    expect(page.get_by_role("link", name="Undo the merge")).to_have_count(0)
    context.close()
