"""As a new user would (issue 15): an operator plans a group session, finds it on her agenda, cannot mark it
held before it takes place, then, once it has, marks it held and records its attendance, adding a row in the
page ("Add an empty row") without losing what she typed."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, expect

from ceis.partners.models import PartnerBody
from groups.models import GroupSession
from materials.models import Language
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Attendance typed on the hold page (nationality, gender, number of people): 11 + 4 + 2 = 17.
ROWS = [("NG", "female", 11), ("ER", "female", 4)]
ADDED = ("SN", "male", 2)
TOTAL = 17


def test_an_operator_plans_a_session_then_holds_it_and_records_attendance(
    browser: Browser, live_server, log_in, operators
):
    operatore1, _operatore2 = operators
    centre = factories.PartnerBodyFactory(name="CAS Prova Pianificata", kind=PartnerBody.Kind.CAS)
    english = Language.objects.get(code="en")
    start = timezone.now()
    when = (timezone.localtime(start) + datetime.timedelta(minutes=20)).replace(second=0, microsecond=0)

    context = browser.new_context()
    page = context.new_page()
    with time_machine.travel(start, tick=True):
        log_in(page, "operatore1")

        # Plan it: date, host centre, invited language, facilitator; no attendance yet.
        page.goto(f"{live_server.url}/groups/new/")
        expect(page.locator("input[name=status][value=planned]")).to_be_checked()
        page.locator("#id_held_at").fill(when.strftime("%Y-%m-%dT%H:%M"))
        page.locator("#id_host_centre").select_option(str(centre.pk))
        page.locator(f"input[name=languages][value='{english.pk}']").check()
        expect(page.locator(f"input[name=facilitators][value='{operatore1.pk}']")).to_be_checked()
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()

        session = GroupSession.objects.get()
        session_url = f"{live_server.url}/groups/{session.pk}/"
        expect(page).to_have_url(session_url)
        assert session.status == GroupSession.Status.PLANNED
        assert session.held_at == when
        assert not session.attendance.exists()
        expect(page.locator("#session-status .badge")).to_be_visible()
        expect(page.locator("#hold-session")).to_have_count(0)  # not before it has taken place
        expect(page.locator("#cancel-session")).to_be_visible()
        expect(page.locator("#record-requests")).to_have_count(0)  # no follow-ups for a planned session

        # On her agenda, with a link to it.
        page.goto(f"{live_server.url}/interviews/agenda/")
        expect(page.locator(f"#agenda-sessions a[href='/groups/{session.pk}/']")).to_contain_text(
            "CAS Prova Pianificata"
        )

        # Too early to mark it held: the page says why, and offers no form.
        page.goto(f"{session_url}hold/")
        expect(page.locator("#too-early")).to_be_visible()
        expect(page.locator("#mark-held")).to_have_count(0)

    # The session has taken place (25 minutes later, still signed in).
    with time_machine.travel(start + datetime.timedelta(minutes=25), tick=True):
        page.goto(session_url)
        page.locator("#hold-session").click()
        page.wait_for_load_state()
        expect(page).to_have_url(f"{session_url}hold/")
        for i, (nationality, gender, count) in enumerate(ROWS):
            page.locator(f"#id_attendance-{i}-nationality").select_option(nationality)
            page.locator(f"#id_attendance-{i}-gender").select_option(gender)
            page.locator(f"#id_attendance-{i}-count").fill(str(count))

        # More rows, in the page: what was typed stays; the new row is the next of the formset.
        rows_before = page.locator("#attendance-rows tr").count()
        expect(page.locator("#more-attendance-rows")).to_be_hidden()  # the no-script link gives way to the button
        page.locator("#add-attendance-row").click()
        expect(page.locator("#attendance-rows tr")).to_have_count(rows_before + 1)
        expect(page.locator("#id_attendance-0-count")).to_have_value(str(ROWS[0][2]))
        expect(page.locator("#id_attendance-TOTAL_FORMS")).to_have_value(str(rows_before + 1))
        new = rows_before  # its index
        page.locator(f"#id_attendance-{new}-nationality").select_option(ADDED[0])
        page.locator(f"#id_attendance-{new}-gender").select_option(ADDED[1])
        page.locator(f"#id_attendance-{new}-count").fill(str(ADDED[2]))
        page.locator("#mark-held").click()
        page.wait_for_load_state()

        expect(page).to_have_url(session_url)
        session.refresh_from_db()
        assert session.status == GroupSession.Status.HELD
        stored = {(str(r.nationality), r.gender, r.count) for r in session.attendance.all()}
        assert stored == {*ROWS, ADDED}
        expect(page.locator("#attendance-total")).to_have_text(str(TOTAL))
        expect(page.locator("#hold-session")).to_have_count(0)
        expect(page.locator("#record-requests")).to_be_visible()  # follow-ups, now that it was held
        page.screenshot(path="/tmp/plan-then-hold.png", full_page=True)
    context.close()
