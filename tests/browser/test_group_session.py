"""An operator records a group session in a real browser, with its attendance table and materials, and
turns two participants' requests into two referrals linked to it; another operator, not a facilitator,
gets 404 on the session and never sees those referrals."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Browser, expect

from ceis import access
from ceis.partners.models import PartnerBody
from groups.models import GroupSession, SessionReferral
from materials.models import Language, Material, Topic
from referrals.models import Person, Referral
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Two attendance rows (nationality, gender, language code, number of people). Hand-computed totals:
# 9 + 4 = 13 people, all women; Nigeria 9, Eritrea 4.
ROWS = [("NG", "female", "en", 9), ("ER", "female", "ti", 4)]
TOTAL = 13

REQUESTS = [
    {
        "name": "Prova Browser Uno",
        "gender": "female",
        "nationality": "NG",
        "reason": "Richiesta di colloquio di prova dal browser: nessuna persona reale.",
        "urgency": "priority",
    },
    {
        "name": "Alias Prova",
        "is_alias": True,
        "gender": "female",
        "nationality": "ER",
        "reason": "Ha chiesto di parlare da sola con noi (prova).",
        "urgency": "routine",
    },
]


def _lang(code: str) -> Language:
    return Language.objects.get(code=code)


def test_an_operator_records_a_session_and_turns_two_requests_into_referrals(
    browser: Browser, live_server, log_in, operators
):
    operatore1, operatore2 = operators
    centre = factories.PartnerBodyFactory(name="CAS Prova Sessioni", kind=PartnerBody.Kind.CAS)
    video = Material.objects.create(
        title="Video di prova sullo sfruttamento", kind=Material.Kind.VIDEO, url="https://video.example.org/v/1"
    )
    video.languages.add(_lang("en"), _lang("ti"))
    topics = [Topic.objects.get(code="exploitation"), Topic.objects.get(code="help")]

    mine = browser.new_context()
    page = mine.new_page()
    log_in(page, "operatore1")

    # The session: when, where, languages, topics, material, and two attendance rows.
    page.goto(f"{live_server.url}/groups/new/")
    page.locator("input[name=status][value=held]").check()  # already held: its attendance now
    held = (timezone.localtime() - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    page.locator("#id_held_at").fill(held.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_host_centre").select_option(str(centre.pk))
    page.locator("#id_place").fill("Sala mensa")
    page.locator("#id_mediators").fill("Mediatrice di lingua tigrina")
    expect(page.locator(f"input[name=facilitators][value='{operatore1.pk}']")).to_be_checked()
    for code in ("en", "ti"):
        page.locator(f"input[name=languages][value='{_lang(code).pk}']").check()
    for topic in topics:
        page.locator(f"input[name=topics][value='{topic.pk}']").check()
    page.locator(f"input[name=materials][value='{video.pk}']").check()
    page.locator("#id_notes").fill("Note di prova: nessun nome.")
    for i, (nationality, gender, language, count) in enumerate(ROWS):
        page.locator(f"#id_attendance-{i}-nationality").select_option(nationality)
        page.locator(f"#id_attendance-{i}-gender").select_option(gender)
        page.locator(f"#id_attendance-{i}-language").select_option(str(_lang(language).pk))
        page.locator(f"#id_attendance-{i}-count").fill(str(count))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    session = GroupSession.objects.get()
    session_url = f"{live_server.url}/groups/{session.pk}/"
    expect(page).to_have_url(session_url)
    assert (session.held_at, session.host_centre, session.place) == (held, centre, "Sala mensa")
    assert session.created_by == operatore1
    assert {lang.code for lang in session.languages.all()} == {"en", "ti"}
    assert set(session.topics.all()) == set(topics)
    assert list(session.materials.all()) == [video]
    assert {u.pk for u in access.assignees([session])[session.pk]} == {operatore1.pk}
    stored = {(str(r.nationality), r.gender, r.language.code, r.count) for r in session.attendance.all()}
    assert stored == set(ROWS)

    # The session page: the rows and the hand-computed totals.
    expect(page.locator("#host-centre")).to_contain_text("CAS Prova Sessioni")
    expect(page.locator("#materials")).to_contain_text("Video di prova sullo sfruttamento")
    expect(page.locator("#attendance tbody tr")).to_have_count(len(ROWS))
    expect(page.locator("#attendance-total")).to_have_text(str(TOTAL))
    with translation.override("it"):
        women = str(Person.Gender.FEMALE.label).capitalize()
    expect(page.locator("#totals-by-gender li")).to_have_text([f"{women}: {TOTAL}"])
    expect(page.locator("#totals-by-nationality li")).to_have_text(["Nigeria: 9", "Eritrea: 4"])
    expect(page.locator("#follow-ups a.case-code")).to_have_count(0)

    # Two participants asked for an individual interview: two referrals in one step.
    for i, request in enumerate(REQUESTS):
        page.locator(f"#id_requests-{i}-name").fill(request["name"])
        if request.get("is_alias"):
            page.locator(f"#id_requests-{i}-is_alias").check()
        page.locator(f"#id_requests-{i}-gender").select_option(request["gender"])
        page.locator(f"#id_requests-{i}-nationality").select_option(request["nationality"])
        page.locator(f"#id_requests-{i}-reason").fill(request["reason"])
        page.locator(f"#id_requests-{i}-urgency").select_option(request["urgency"])
    page.locator("#record-requests").click()
    page.wait_for_load_state()

    expect(page).to_have_url(session_url)
    referrals = list(Referral.objects.select_related("person").order_by("pk"))
    assert len(referrals) == 2
    for referral, request in zip(referrals, REQUESTS, strict=True):
        assert referral.channel == Referral.Channel.GROUP_SESSION
        assert referral.referring_body == centre
        assert referral.urgency == request["urgency"]
        assert access.is_assigned(referral, operatore1)
        assert not access.is_assigned(referral, operatore2)
        assert SessionReferral.objects.get(referral=referral).session == session
    assert referrals[0].person.first_name == "Prova Browser Uno"
    assert (referrals[1].person.first_name, referrals[1].person.aliases) == ("", "Alias Prova")
    codes = [r.person.case_code for r in referrals]
    expect(page.locator("#follow-ups a.case-code")).to_have_count(2)
    for referral, code in zip(referrals, codes, strict=True):
        expect(page.locator(f"#follow-ups a.case-code[href='/referrals/{referral.pk}/']")).to_have_text(code)
    html = page.content()
    assert "Prova Browser Uno" not in html and "Alias Prova" not in html  # names stay on the referrals
    page.screenshot(path="/tmp/group-session.png", full_page=True)
    mine.close()

    # Operator B is not a facilitator: 404 on the session, on its edit page and on its follow-ups, GET and POST.
    theirs = browser.new_context()
    page = theirs.new_page()
    log_in(page, "operatore2")
    assert page.goto(session_url).status == 404
    assert page.goto(f"{session_url}edit/").status == 404
    page.goto(f"{live_server.url}/groups/new/")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    post = {
        "csrfmiddlewaretoken": token,
        "requests-TOTAL_FORMS": "1",
        "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "1",
        "requests-MAX_NUM_FORMS": "1000",
        "requests-0-name": "Prova Intrusa",
        "requests-0-gender": "female",
        "requests-0-reason": "Prova.",
        "requests-0-urgency": "routine",
    }
    assert page.request.post(f"{session_url}follow-ups/", form=post).status == 404
    assert page.request.post(f"{session_url}edit/", form={"csrfmiddlewaretoken": token}).status == 404
    assert Referral.objects.count() == 2
    page.goto(f"{live_server.url}/referrals/")
    expect(page.locator("h1")).to_be_visible()
    html = page.content()
    for code in codes:
        assert code not in html
    page.goto(f"{live_server.url}/groups/")
    expect(page.locator(f"a[href='/groups/{session.pk}/']")).to_have_count(0)
    theirs.close()
