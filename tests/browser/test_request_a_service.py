"""An operator requests psychological support from a partner body for a woman in a pathway: refused without her
consent, she records it from the refusal and comes back; she marks the service accepted, then completed; it shows
in the pathway's chronology and in the coordinator's statistics; an operator not assigned gets 404 on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from ceis.consent.models import Consent, Disclosure
from protection.models import ServiceReferral
from tests import factories
from tests.protection.services_helpers import request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_operator_requests_psychological_support_and_follows_it(browser: Browser, live_server, log_in, operators):
    operatore1, operatore2 = operators
    for user in operators:
        user.language = "en"
        user.save(update_fields=["language"])
    coordinator = factories.CoordinatorFactory(username="coordinatore", language="en")
    body = factories.PartnerBodyFactory(name="Consultorio di Lucca (fittizio)", kind="health")
    pathway = factories.PathwayFactory(person=factories.PersonFactory(gender="female"), assigned_to=[operatore1])
    for _ in range(2):  # two more this year, so the statistics can show the figure (not "<3")
        request(by=coordinator, pathway=factories.PathwayFactory(), body=body)

    context = browser.new_context()
    page = context.new_page()
    log_in(page, "operatore1")

    # From the pathway page: request the service; without her consent it is refused and nothing is saved.
    page.goto(f"{live_server.url}/protection/{pathway.pk}/")
    page.get_by_role("link", name="Service requested").click()
    request_url = page.url

    def fill_and_send():
        page.locator("#id_type").select_option("psychological")
        page.locator("#id_provider").select_option(str(body.pk))
        page.locator("#id_urgency").select_option("priority")
        page.locator("#service-request-form button[type=submit]").click()

    fill_and_send()
    expect(page.locator("#sharing-refused")).to_contain_text("no valid consent")
    assert not ServiceReferral.objects.filter(pathway=pathway).exists()

    # The refusal leads to the consent form, set for referral to this body, and back to the request.
    page.locator("#refused-record-consent").click()
    expect(page.locator("#id_purpose")).to_have_value("referral")
    expect(page.locator("#id_recipient")).to_have_value(str(body.pk))
    page.locator("#id_notice").select_option(index=1)
    page.locator("#id_language").fill("English")
    page.locator("#consent-form button[type=submit]").click()
    expect(page).to_have_url(request_url)
    consent = Consent.objects.get(person=pathway.person)
    fill_and_send()
    service = ServiceReferral.objects.get(pathway=pathway)
    expect(page).to_have_url(f"{live_server.url}/protection/services/{service.pk}/")
    expect(page.locator("#service-status")).to_have_text("requested")
    assert Disclosure.objects.get(target_id=service.pk, action="service_requested").consent == consent

    # Accepted, then completed with what came of it.
    page.locator("#id_status").select_option("accepted")
    page.locator("#service-status-form button[type=submit]").click()
    expect(page.locator("#service-status")).to_have_text("accepted")
    page.locator("#id_status").select_option("completed")
    page.locator("#id_outcome_note").fill("Sei colloqui con la psicologa.")
    page.locator("#service-status-form button[type=submit]").click()
    expect(page.locator("#service-status")).to_have_text("completed")
    expect(page.locator("#service-changes li")).to_have_count(3)
    expect(page.locator("#service-outcome")).to_contain_text("Sei colloqui")

    # The pathway's chronology shows the request and each change.
    page.goto(f"{live_server.url}/protection/{pathway.pk}/")
    timeline = page.locator("#timeline .timeline-service")
    expect(timeline).to_have_count(3)
    expect(timeline.first).to_contain_text("Service requested: psychological support")
    expect(timeline.last).to_contain_text("completed")
    context.close()

    # The coordinator's statistics count it.
    context = browser.new_context()
    page = context.new_page()
    log_in(page, "coordinatore")
    page.goto(f"{live_server.url}/caseload/statistics/")
    expect(page.locator("#figures-services")).to_contain_text(
        "5"
    )  # 3 services, published under controlled rounding to base 5
    expect(page.locator("#table-service_type")).to_contain_text("psychological support")
    context.close()

    # An operator not assigned to the pathway gets 404 on the service.
    context = browser.new_context()
    page = context.new_page()
    log_in(page, "operatore2")
    response = page.goto(f"{live_server.url}/protection/services/{service.pk}/")
    assert response.status == 404
    context.close()
