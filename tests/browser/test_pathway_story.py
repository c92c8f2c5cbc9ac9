"""An operator opens a protection pathway from a referral taken in charge and records its story in the
browser: a plan with goals, a safe-house stay, a literacy course, a traineeship, an art. 18 permit, diary
entries and a change of phase. The timeline shows them in date order; the secret address is shown on the
pathway page to her only, and another operator gets 404 there."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from protection.models import (
    Accommodation,
    DiaryEntry,
    JobPlacement,
    LiteracyCourse,
    PlanGoal,
    ProtectionPathway,
    ResidencePermit,
)
from referrals.models import Referral
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRET_ADDRESS = "Via Esempio 1, Lucca"


def _day(days_from_today: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days_from_today)


def _add(page: Page, base_url: str, pathway_pk: int, part: str, fields: dict[str, str]) -> None:
    """Follow the pathway page's add link for ``part``, fill the form by field id and save it."""
    page.goto(f"{base_url}/protection/{pathway_pk}/")
    page.locator(f"#add-links a[href='/protection/parts/{pathway_pk}/{part}/new/']").click()
    expect(page).to_have_url(f"{base_url}/protection/parts/{pathway_pk}/{part}/new/")
    for name, value in fields.items():
        field = page.locator(f"#id_{name}")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(f"{base_url}/protection/{pathway_pk}/")


def test_an_operator_records_a_pathway_story_and_the_timeline_shows_it_in_order(
    browser: Browser, live_server, log_in, operators
):
    operatore1, _ = operators
    referral = factories.ReferralFactory(
        received_at=timezone.now() - datetime.timedelta(days=120), assigned_to=[operatore1]
    )
    referral.status = Referral.Status.CLOSED
    referral.outcome = Referral.Outcome.TAKEN_IN_CHARGE
    referral.closed_at = timezone.now() - datetime.timedelta(days=100)
    referral.save()
    code = referral.person.case_code

    # Distinct past dates, so that the order of the timeline is known.
    started = _day(-90)
    stay_from = _day(-85)
    first_entry = _day(-80)
    course_from = _day(-70)
    permit_issued = _day(-60)
    phase_moved = _day(-50)
    traineeship_from = _day(-40)
    second_entry = _day(-30)
    permit_expires = _day(300)

    context = browser.new_context()
    page = context.new_page()
    log_in(page, "operatore1")
    base = live_server.url

    # From the referral closed as "taken in charge" to the new pathway.
    page.goto(f"{base}/referrals/{referral.pk}/")
    page.locator("#open-pathway").click()
    expect(page).to_have_url(f"{base}/protection/new/from-referral/{referral.pk}/")
    page.locator("#id_legal_basis").select_option(ProtectionPathway.LegalBasis.ART18_SOCIAL)
    page.locator("#id_phase").select_option(ProtectionPathway.Phase.EMERGENCY)
    page.locator("#id_started_on").fill(started.isoformat())
    page.locator("#open-form button[type=submit]").click()
    page.wait_for_load_state()

    pathway = ProtectionPathway.objects.get(referral=referral)
    expect(page).to_have_url(f"{base}/protection/{pathway.pk}/")
    assert pathway.person_id == referral.person_id
    assert pathway.legal_basis == ProtectionPathway.LegalBasis.ART18_SOCIAL
    assert pathway.started_on == started

    # The individual plan: two goals, in her own words, with target dates.
    _add(
        page,
        base,
        pathway.pk,
        "goal",
        {
            "area": PlanGoal.Area.HOUSING,
            "target_date": _day(60).isoformat(),
            "goal": "Avere una casa mia, dove stare tranquilla.",
        },
    )
    _add(
        page,
        base,
        pathway.pk,
        "goal",
        {
            "area": PlanGoal.Area.LANGUAGE,
            "target_date": _day(120).isoformat(),
            "goal": "Parlare italiano per trovare lavoro.",
        },
    )
    # A safe-house stay with its secret address.
    _add(
        page,
        base,
        pathway.pk,
        "accommodation",
        {
            "facility_name": "Casa rifugio di prova",
            "type": Accommodation.Type.SAFE_HOUSE,
            "start": stay_from.isoformat(),
            "secret_address": SECRET_ADDRESS,
        },
    )
    # A literacy course from A1 to A2.
    _add(
        page,
        base,
        pathway.pk,
        "literacy",
        {
            "provider": "CPIA Lucca",
            "start": course_from.isoformat(),
            "level_start": LiteracyCourse.Level.A1,
            "level_now": LiteracyCourse.Level.A2,
            "attendance_percent": "85",
        },
    )
    # A social-inclusion traineeship.
    _add(
        page,
        base,
        pathway.pk,
        "job",
        {
            "kind": JobPlacement.Kind.TRAINEESHIP,
            "employer": "Cooperativa di prova",
            "sector": "ristorazione",
            "hours_per_week": "20",
            "start": traineeship_from.isoformat(),
        },
    )
    # An art. 18 permit, social route.
    _add(
        page,
        base,
        pathway.pk,
        "permit",
        {
            "type": ResidencePermit.Type.ART18,
            "route": ResidencePermit.Route.SOCIAL,
            "issued_on": permit_issued.isoformat(),
            "expires_on": permit_expires.isoformat(),
        },
    )
    # Two diary entries.
    _add(
        page,
        base,
        pathway.pk,
        "diary",
        {"written_on": first_entry.isoformat(), "text": "Primo colloquio di prova: nessuna persona reale."},
    )
    _add(
        page,
        base,
        pathway.pk,
        "diary",
        {"written_on": second_entry.isoformat(), "text": "Secondo colloquio di prova: il tirocinio va bene."},
    )

    # Move the phase, from the pathway page.
    page.locator("#phase-form #id_phase").select_option(ProtectionPathway.Phase.FIRST_ASSISTANCE)
    page.locator("#phase-form #id_changed_on").fill(phase_moved.isoformat())
    page.locator("#phase-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page).to_have_url(f"{base}/protection/{pathway.pk}/")
    pathway.refresh_from_db()
    assert pathway.phase == ProtectionPathway.Phase.FIRST_ASSISTANCE

    # Everything was saved, once.
    assert PlanGoal.objects.filter(pathway=pathway).count() == 2
    stay = Accommodation.objects.get(pathway=pathway)
    assert stay.secret_address == SECRET_ADDRESS
    course = LiteracyCourse.objects.get(pathway=pathway)
    assert (course.provider, course.level_start, course.level_now) == ("CPIA Lucca", "a1", "a2")
    assert JobPlacement.objects.get(pathway=pathway).kind == JobPlacement.Kind.TRAINEESHIP
    permit = ResidencePermit.objects.get(pathway=pathway)
    assert (permit.type, permit.route, permit.issued_on, permit.expires_on) == (
        "art18",
        "social",
        permit_issued,
        permit_expires,
    )
    assert DiaryEntry.objects.filter(pathway=pathway).count() == 2

    # The timeline, in date order. Goals are dated the day they were recorded (today), after the
    # past records; the permit's expiry, in the future, comes last.
    page.goto(f"{base}/protection/{pathway.pk}/")
    expect(page.locator("#pathway-phase")).to_be_visible()
    items = page.locator("#timeline > li").evaluate_all(
        """items => items.map(li => ({
            kind: [...li.classList].find(c => c.startsWith('timeline-')).slice('timeline-'.length),
            date: li.querySelector('time').getAttribute('datetime'),
            text: li.innerText,
        }))"""
    )
    today = timezone.localdate()
    expected = [
        ("phase", started, None),
        ("accommodation", stay_from, "Casa rifugio di prova"),
        ("diary", first_entry, "Primo colloquio di prova"),
        ("literacy", course_from, "CPIA Lucca: A1 → A2"),
        ("permit", permit_issued, None),
        ("phase", phase_moved, None),
        ("job", traineeship_from, "Cooperativa di prova"),
        ("diary", second_entry, "Secondo colloquio di prova"),
        ("goal", today, "Avere una casa mia"),
        ("goal", today, "Parlare italiano"),
        ("permit", permit_expires, None),
    ]
    assert [(i["kind"], i["date"]) for i in items] == [(kind, day.isoformat()) for kind, day, _ in expected]
    for item, text in zip(items, [text for *_, text in expected], strict=True):
        if text:
            assert text in item["text"], item
    assert [i["date"] for i in items] == sorted(i["date"] for i in items)

    # The secret address: on the pathway page, for her; not in the list of pathways.
    expect(page.locator("#timeline .secret-address")).to_have_count(1)
    expect(page.locator("#timeline .secret-address")).to_contain_text(SECRET_ADDRESS)
    page.screenshot(path="/tmp/pathway.png", full_page=True)

    page.goto(f"{base}/protection/")
    expect(page.locator("#pathways")).to_contain_text(code)
    assert SECRET_ADDRESS not in page.content()
    context.close()

    # Another operator: 404 on the pathway page, and the address nowhere.
    other = browser.new_context()
    page = other.new_page()
    log_in(page, "operatore2")
    response = page.goto(f"{base}/protection/{pathway.pk}/")
    assert response is not None and response.status == 404
    assert SECRET_ADDRESS not in page.content()
    other.close()
