"""An operator holds an interview with indicators, reads the profile, closes the referral and prints
the report to the referring body: it shows what she chose and nothing else."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from interviews.models import Indicator, IndicatorAnswer, Interview, Report
from referrals.models import ExploitationForm, Referral
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _indicator(dimension: str, strength: str) -> Indicator:
    return Indicator.objects.filter(
        audience="adult", exploitation="labour", dimension=dimension, strength=strength, active=True
    ).order_by("position")[0]


def test_an_interview_with_indicators_leads_to_a_closed_referral_and_its_report(
    browser: Browser, live_server, log_in, operators, closure_approval_off
):
    operatore1, _ = operators
    person = factories.PersonFactory(first_name="Grace", last_name="Riservata", birth_year=1996)
    referral = factories.ReferralFactory(
        person=person,
        referring_body=factories.PartnerBodyFactory(name="Commissione Territoriale di Firenze"),
        received_at=timezone.now() - datetime.timedelta(days=5),
        assigned_to=[operatore1],
    )
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code="labour"))
    # Positive in all three elements of the adult rule: deceptive recruitment, exploitation, coercion at destination.
    marked = [
        _indicator("deceptive_recruitment", "strong"),
        _indicator("deceptive_recruitment", "medium"),
        *Indicator.objects.filter(
            audience="adult", exploitation="labour", dimension="exploitation", strength="medium"
        ).order_by("position")[:3],
        _indicator("coercion_at_destination", "strong"),
        *Indicator.objects.filter(
            audience="adult", exploitation="labour", dimension="coercion_at_destination", strength="medium"
        ).order_by("position")[:1],
    ]

    context = browser.new_context()
    page = context.new_page()
    log_in(page, "operatore1")

    # From the referral to a new interview held today.
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.locator("#referral-interviews").click()
    page.locator(f"a[href='/interviews/referral/{referral.pk}/record/']").click()
    held = timezone.localtime() - datetime.timedelta(hours=1)
    page.locator("#id_held_at").fill(held.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_duration_minutes").fill("75")
    page.locator("#id_place").fill("Sede CeIS Lucca")
    page.locator("#id_mediator_name").fill("Mediatrice di prova")
    page.locator("#id_mediator_language").fill("Inglese")
    page.locator("#id_personal_history").fill("Storia di prova: nessuna persona reale.")
    page.locator("#id_assessment").fill("Valutazione di prova.")
    for indicator in marked:
        page.locator(f"input[name='a_{indicator.pk}'][value='observed']").check()
    page.locator("button[name=action][value=complete]").click()

    interview = Interview.objects.get(referral=referral)
    expect(page).to_have_url(f"{live_server.url}/interviews/{interview.pk}/")
    assert interview.status == Interview.Status.COMPLETED
    assert IndicatorAnswer.objects.filter(interview=interview, answer="observed").count() == len(marked)
    expect(page.locator("#profile-disclaimer")).to_be_visible()
    expect(page.locator("[data-threshold]")).to_have_attribute("data-threshold", "met")

    # Close the referral with its outcome: the outcome is required.
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.locator("#close-referral").click()
    page.locator("#close-form button[type=submit]").click()
    expect(page.locator("#id_outcome")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_ASSESSMENT
    page.locator("#id_outcome").select_option(Referral.Outcome.TAKEN_IN_CHARGE)
    page.locator("#close-form button[type=submit]").click()
    page.wait_for_load_state()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert referral.outcome == Referral.Outcome.TAKEN_IN_CHARGE

    # The report: outcome, profile and opinion chosen; identity not.
    page.locator("#new-report").click()
    for flag, wanted in {
        "include_identity": False,
        "include_outcome": True,
        "include_forms": False,
        "include_interviews": True,
        "include_profile": True,
        "include_opinion": True,
    }.items():
        box = page.locator(f"#id_{flag}")
        box.check() if wanted else box.uncheck()
    page.locator("#id_opinion").fill("Parere di prova: si conferma la presa in carico.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    report = Report.objects.get(referral=referral)
    print_url = f"{live_server.url}/interviews/reports/{report.pk}/print/"
    expect(page).to_have_url(print_url)
    # She has not consented to her report going to the Commissione yet: nothing to print until she does.
    expect(page.locator("#sharing-refused")).to_be_visible()
    assert page.locator("#report").count() == 0
    page.locator("#refused-record-consent").click()
    expect(page.locator("#id_purpose")).to_have_value("referral")
    expect(page.locator("#id_recipient")).to_have_value(str(referral.referring_body_id))
    page.locator("#id_notice").select_option(index=1)
    page.locator("#id_language").fill("English")
    page.locator("#id_interpreter").fill("Mediatrice di prova")
    page.locator("#consent-form button[type=submit]").click()
    expect(page).to_have_url(print_url)
    assert person.consents.get().recipient_id == referral.referring_body_id
    html = page.content()
    assert referral.person.case_code in html
    assert "Parere di prova" in html
    assert page.locator("#report-profile").count() == 1
    assert "Grace" not in html and "Riservata" not in html and "1996" not in html
    assert "Storia di prova" not in html and "Valutazione di prova" not in html
    page.screenshot(path="/tmp/report-print.png", full_page=True)
    context.close()
