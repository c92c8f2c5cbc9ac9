"""Every main page, as each role meets it with records present, passes axe-core's WCAG 2.1 A/AA checks and
best practices: no violation of impact "serious" or "critical".

One test per role (one browser context, one login through ``log_in``, one set of records); each page is a
subtest named after it, so a failure names the role and the page and lists the rule, its help and the
offending elements.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import NamedTuple

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ceis.accounts import roles
from tests import factories
from tests.browser.a11y import axe_violations, describe, serious
from tests.otp_helpers import code_for_user, totp_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Screen(NamedTuple):
    """A page to check: its name, its path (from the records), and what to do on it before checking."""

    name: str
    path: Callable[[dict], str]
    then: Callable[[Page], None] | None = None


def _submit_empty(page: Page) -> None:
    """Send the form as it stands, to check the page with its error messages."""
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.locator(".invalid-feedback, .alert-danger, .errorlist").first).to_be_attached()


def _send_back_empty(page: Page) -> None:
    """Send a closure request back without the note it needs: the page comes back with its error."""
    page.locator("#send-back").click()
    page.wait_for_load_state()
    expect(page.locator(".invalid-feedback, .alert-danger, .errorlist").first).to_be_attached()


def _open_first_menu(page: Page) -> None:
    """Open the navigation bar's first drop-down menu, as a person about to choose a page does."""
    page.locator("nav .dropdown-toggle").first.click()
    expect(page.locator("nav .dropdown-menu.show")).to_be_visible()


def _start_two_factor_setup(page: Page) -> None:
    """Leave the setup wizard's welcome step: the QR code and the field for the app's first code."""
    page.locator("#setup-form button[type=submit]").click()
    expect(page.locator("#qr-code")).to_be_visible()
    page.wait_for_function("() => { const i = document.getElementById('qr-code'); return i.complete }")


def _make_calendar_link(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#calendar-link")).to_be_visible()


def _generate_backup_codes(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#backup-codes li").first).to_be_visible()


def _send_without_consent(page: Page) -> None:
    """Record the report as sent to a body the person gave no consent for: the consent gate refuses it."""
    page.locator("#sent-form input[name=sent_at]").fill(timezone.localdate().isoformat())
    with page.expect_navigation():
        page.locator("#sent-form button[type=submit]").click()
    expect(page.locator("#sharing-refused")).to_be_visible()


def _search_by_name(page: Page) -> None:
    page.locator("main form input[name=name]").fill("Amina")
    page.locator("main form input[name=name]").press("Enter")
    page.wait_for_load_state()


PARTS = ("goal", "accommodation", "literacy", "training", "job", "permit", "diary")

CASE_SCREENS = [
    Screen("my referrals", lambda w: "/referrals/"),
    Screen("calendar link", lambda w: "/calendar/"),
    Screen("calendar link, a new one shown", lambda w: "/calendar/", _make_calendar_link),
    Screen("API tokens", lambda w: "/accounts/api-tokens/"),
    Screen("API documentation", lambda w: "/api/docs/"),
    Screen("referral intake", lambda w: "/referrals/new/"),
    Screen("referral intake, errors", lambda w: "/referrals/new/", _submit_empty),
    Screen("search by name", lambda w: "/referrals/", _search_by_name),
    Screen("referral detail", lambda w: f"/referrals/{w['referral'].pk}/"),
    Screen("referral edit", lambda w: f"/referrals/{w['referral'].pk}/edit/"),
    Screen("referral close", lambda w: f"/referrals/{w['referral'].pk}/close/"),
    Screen("person detail", lambda w: f"/referrals/people/{w['referral'].person_id}/"),
    Screen("person edit", lambda w: f"/referrals/people/{w['referral'].person_id}/edit/"),
    Screen("interview list", lambda w: "/interviews/"),
    Screen("interview agenda", lambda w: "/interviews/agenda/"),
    Screen("interviews of a referral", lambda w: f"/interviews/referral/{w['referral'].pk}/"),
    Screen("interview schedule", lambda w: f"/interviews/referral/{w['referral'].pk}/schedule/"),
    Screen("interview form with indicators", lambda w: f"/interviews/referral/{w['referral'].pk}/record/"),
    Screen("interview detail with profile", lambda w: f"/interviews/{w['interview'].pk}/"),
    Screen("report form", lambda w: f"/interviews/reports/{w['report'].pk}/edit/"),
    Screen("report print", lambda w: f"/interviews/reports/{w['report'].pk}/print/"),
    Screen("report sent date", lambda w: f"/interviews/reports/{w['report'].pk}/sent/"),
    Screen("group sessions", lambda w: "/groups/"),
    Screen("upcoming sessions", lambda w: "/groups/upcoming/"),
    Screen("group session form", lambda w: "/groups/new/"),
    Screen("group session detail", lambda w: f"/groups/{w['session'].pk}/"),
    Screen("group session edit", lambda w: f"/groups/{w['session'].pk}/edit/"),
    Screen("group session follow-up requests", lambda w: f"/groups/{w['session'].pk}/follow-ups/"),
    Screen("group session mark held", lambda w: f"/groups/{w['planned_session'].pk}/hold/"),
    Screen("group session cancel", lambda w: f"/groups/{w['planned_session'].pk}/cancel/"),
    Screen("reach", lambda w: "/groups/reach/"),
    Screen("language gap", lambda w: "/groups/reach/language-gap/"),
    Screen("materials", lambda w: "/groups/materials/"),
    Screen("material detail", lambda w: f"/groups/materials/{w['material'].pk}/"),
    Screen("pathways", lambda w: "/protection/"),
    Screen("pathway detail", lambda w: f"/protection/{w['pathway'].pk}/"),
    Screen("pathway from a referral", lambda w: f"/protection/new/from-referral/{w['closed'].pk}/"),
    Screen("pathway by transfer", lambda w: "/protection/new/transfer/"),
    Screen("pathway phase", lambda w: f"/protection/{w['pathway'].pk}/phase/"),
    Screen("pathway close", lambda w: f"/protection/{w['pathway'].pk}/close/"),
    Screen("my closure requests", lambda w: "/approvals/"),
    Screen("closure request", lambda w: f"/approvals/{w['closure_request'].pk}/"),
    *(Screen(f"new {part}", lambda w, part=part: f"/protection/parts/{w['pathway'].pk}/{part}/new/") for part in PARTS),
    *(
        Screen(f"edit {part}", lambda w, part=part: f"/protection/parts/{w['pathway'].pk}/{part}/{w[part].pk}/")
        for part in PARTS
    ),
    Screen("goal review", lambda w: f"/protection/parts/{w['pathway'].pk}/goal/{w['goal'].pk}/review/"),
    Screen("services requested", lambda w: "/protection/services/"),
    Screen("service request for a pathway", lambda w: f"/protection/services/new/pathway/{w['pathway'].pk}/"),
    Screen(
        "service request, errors",
        lambda w: f"/protection/services/new/pathway/{w['pathway'].pk}/",
        _submit_empty,
    ),
    Screen("service request for a referral", lambda w: f"/protection/services/new/referral/{w['referral'].pk}/"),
    Screen("service detail", lambda w: f"/protection/services/{w['service'].pk}/"),
    Screen("partner bodies", lambda w: "/partners/"),
    Screen("partner body detail", lambda w: f"/partners/{w['body'].pk}/"),
    Screen("notifications", lambda w: "/notifications/"),
    Screen("consents of a person", lambda w: f"/consent/person/{w['referral'].person_id}/"),
    Screen("consent form", lambda w: f"/consent/person/{w['referral'].person_id}/new/"),
    Screen("consent form, errors", lambda w: f"/consent/person/{w['referral'].person_id}/new/", _submit_empty),
    Screen("legal basis form", lambda w: f"/consent/person/{w['referral'].person_id}/legal-basis/new/"),
    Screen(
        "legal basis form, errors",
        lambda w: f"/consent/person/{w['referral'].person_id}/legal-basis/new/",
        _submit_empty,
    ),
    Screen("add a document", lambda w: f"/documents/referral/{w['referral'].pk}/add/"),
    Screen("consent withdrawal", lambda w: f"/consent/{w['consent'].pk}/withdraw/"),
    Screen("report print, no consent", lambda w: f"/interviews/reports/{w['report_refused'].pk}/print/"),
    Screen(
        "report sent date, refused without consent",
        lambda w: f"/interviews/reports/{w['report_refused'].pk}/sent/",
        _send_without_consent,
    ),
    # The operator's account has no authenticator device (tests run with REQUIRE_2FA off): she may set one up.
    Screen("two-factor profile, no device", lambda w: "/accounts/two-factor/"),
    Screen("two-factor setup", lambda w: "/accounts/two-factor/setup/"),
    Screen("two-factor setup, QR code step", lambda w: "/accounts/two-factor/setup/", _start_two_factor_setup),
]

COORDINATOR_SCREENS = [
    Screen("all referrals", lambda w: "/referrals/all/"),
    Screen("substitute indicator lists", lambda w: "/interviews/substitute-lists/"),
    Screen("navigation menu open", lambda w: "/referrals/all/", _open_first_menu),
    Screen("referral detail with assignment", lambda w: f"/referrals/{w['referral'].pk}/"),
    Screen("unassign confirmation", lambda w: f"/referrals/{w['referral'].pk}/unassign/{w['operator'].pk}/"),
    Screen("merge two records", lambda w: f"/referrals/people/{w['referral'].person_id}/merge/"),
    Screen("merge two records, errors", lambda w: f"/referrals/people/{w['referral'].person_id}/merge/", _submit_empty),
    Screen(
        "merge confirmation, a legal hold carried over",
        lambda w: f"/referrals/people/{w['referral'].person_id}/merge/{w['flagged'].pk}/",
    ),
    Screen("person merged today, with its undo", lambda w: f"/referrals/people/{w['merged_person'].pk}/"),
    Screen("undo a merge", lambda w: f"/referrals/merges/{w['merge'].pk}/undo/"),
    Screen("attach to a person already known", lambda w: f"/referrals/{w['referral'].pk}/attach/"),
    Screen("referral intake", lambda w: "/referrals/new/"),
    Screen("all group sessions", lambda w: "/groups/all/"),
    Screen("all pathways", lambda w: "/protection/all/"),
    Screen("pathway detail with assignment", lambda w: f"/protection/{w['pathway'].pk}/"),
    Screen("pathway unassign", lambda w: f"/protection/{w['pathway'].pk}/unassign/{w['operator'].pk}/"),
    Screen("caseload dashboard", lambda w: "/caseload/"),
    Screen("closures to approve", lambda w: "/approvals/"),
    Screen("closure request to decide", lambda w: f"/approvals/{w['closure_request'].pk}/"),
    Screen(
        "closure request, sent back without a note",
        lambda w: f"/approvals/{w['closure_request'].pk}/",
        lambda page: _send_back_empty(page),
    ),
    Screen("all services requested", lambda w: "/protection/services/?overdue=1"),
    Screen("operator's records", lambda w: f"/caseload/operator/{w['operator'].pk}/"),
    Screen("statistics", lambda w: "/caseload/statistics/"),
    Screen("monthly reports", lambda w: "/caseload/reports/"),
    Screen("monthly report, this month to date", lambda w: f"/caseload/reports/{timezone.localdate():%Y-%m}/"),
    Screen("material form", lambda w: "/groups/materials/new/"),
    Screen("material edit", lambda w: f"/groups/materials/{w['material'].pk}/edit/"),
    Screen("interview detail with profile", lambda w: f"/interviews/{w['interview'].pk}/"),
    Screen("notifications", lambda w: "/notifications/"),
    Screen("consents of a person", lambda w: f"/consent/person/{w['referral'].person_id}/"),
    Screen("audit log", lambda w: "/audit/"),
    Screen("audit log, a person's records", lambda w: f"/audit/?case_code={w['case_code']}"),
    Screen("audit log, errors", lambda w: "/audit/?case_code=XX-0000-0000&record=5&start=2026-02-01&end=2026-01-01"),
    Screen("data protection", lambda w: "/privacy/"),
    Screen("data protection, person", lambda w: f"/privacy/person/{w['referral'].person_id}/"),
    Screen("data protection, restricted and held person", lambda w: f"/privacy/person/{w['flagged'].pk}/"),
    Screen("access export, print", lambda w: f"/privacy/person/{w['referral'].person_id}/export/"),
    Screen("restrict processing", lambda w: f"/privacy/person/{w['referral'].person_id}/restrict/"),
    Screen(
        "restrict processing, errors", lambda w: f"/privacy/person/{w['referral'].person_id}/restrict/", _submit_empty
    ),
    Screen("lift the restriction", lambda w: f"/privacy/person/{w['flagged'].pk}/restrict/lift/"),
    Screen("legal hold", lambda w: f"/privacy/person/{w['referral'].person_id}/hold/"),
    Screen("lift the legal hold", lambda w: f"/privacy/person/{w['flagged'].pk}/hold/lift/"),
    Screen("erase", lambda w: f"/privacy/person/{w['referral'].person_id}/erase/"),
    Screen("erase, errors", lambda w: f"/privacy/person/{w['referral'].person_id}/erase/", _submit_empty),
    Screen("erase, on legal hold", lambda w: f"/privacy/person/{w['flagged'].pk}/erase/"),
    Screen("retention rules", lambda w: "/privacy/retention/"),
    Screen("retention rule edit", lambda w: f"/privacy/retention/{w['rule'].pk}/edit/"),
    Screen("retention review lists", lambda w: "/privacy/retention/lists/"),
    Screen("retention review list", lambda w: f"/privacy/retention/lists/{w['run'].pk}/"),
    # The coordinator's account has an authenticator device: she logged in with its code.
    Screen("two-factor profile, with a device", lambda w: "/accounts/two-factor/"),
    Screen("two-factor set up", lambda w: "/accounts/two-factor/setup/complete/"),
    Screen("backup codes, none yet", lambda w: "/accounts/two-factor/backup-codes/"),
    Screen("backup codes", lambda w: "/accounts/two-factor/backup-codes/", _generate_backup_codes),
]

ADMIN_SCREENS = [
    Screen("partner bodies", lambda w: "/partners/"),
    Screen("partner body form", lambda w: "/partners/new/"),
    Screen("partner body form, errors", lambda w: "/partners/new/", _submit_empty),
    Screen("partner body detail", lambda w: f"/partners/{w['body'].pk}/"),
    Screen("partner body edit", lambda w: f"/partners/{w['body'].pk}/edit/"),
    Screen("partner body deactivation", lambda w: f"/partners/{w['body'].pk}/deactivate/"),
    Screen("partner contact form", lambda w: f"/partners/{w['body'].pk}/contacts/new/"),
    Screen("partner contact edit", lambda w: f"/partners/{w['body'].pk}/contacts/{w['contact'].pk}/edit/"),
    Screen(
        "partner contact deactivation", lambda w: f"/partners/{w['body'].pk}/contacts/{w['contact'].pk}/deactivate/"
    ),
    Screen("materials", lambda w: "/groups/materials/"),
    Screen("material form", lambda w: "/groups/materials/new/"),
    Screen("material detail", lambda w: f"/groups/materials/{w['material'].pk}/"),
    Screen("material edit", lambda w: f"/groups/materials/{w['material'].pk}/edit/"),
    Screen("material deactivation", lambda w: f"/groups/materials/{w['material'].pk}/deactivate/"),
    Screen("languages", lambda w: "/groups/materials/languages/"),
    Screen("language form", lambda w: "/groups/materials/languages/new/"),
    Screen("language edit", lambda w: f"/groups/materials/languages/{w['language'].pk}/edit/"),
    Screen("language deactivation", lambda w: f"/groups/materials/languages/{w['language'].pk}/deactivate/"),
    Screen("indicator catalogue", lambda w: "/interviews/catalogue/"),
    Screen("indicator form", lambda w: "/interviews/catalogue/new/"),
    Screen("indicator edit", lambda w: f"/interviews/catalogue/{w['indicator'].pk}/edit/"),
    Screen("indicator list versions", lambda w: "/interviews/catalogue/versions/"),
    Screen("mediators", lambda w: "/interviews/mediators/"),
    Screen("mediator form", lambda w: "/interviews/mediators/new/"),
    Screen("indicator list import", lambda w: "/interviews/catalogue/versions/import/"),
    Screen("indicator list version in use", lambda w: f"/interviews/catalogue/versions/{w['catalogue_version'].pk}/"),
    Screen("notifications", lambda w: "/notifications/"),
    Screen("audit log", lambda w: "/audit/"),
    Screen("audit log, errors", lambda w: "/audit/?record=5&start=2026-02-01&end=2026-01-01"),
    Screen("accounts", lambda w: "/accounts/users/"),
    Screen("service settings", lambda w: "/service/"),
    Screen("account form", lambda w: "/accounts/users/new/"),
    Screen("account form, errors", lambda w: "/accounts/users/new/", _submit_empty),
    Screen("account edit", lambda w: f"/accounts/users/{w['operator'].pk}/edit/"),
    Screen("account edit, locked out, no password", lambda w: f"/accounts/users/{w['inactive'].pk}/edit/"),
    Screen("account deactivation", lambda w: f"/accounts/users/{w['operator'].pk}/deactivate/"),
    Screen("account reactivation", lambda w: f"/accounts/users/{w['inactive'].pk}/reactivate/"),
    Screen("account, new set-password link", lambda w: f"/accounts/users/{w['operator'].pk}/send-link/"),
    Screen("account, reset two-factor", lambda w: f"/accounts/users/{w['operator'].pk}/reset-two-factor/"),
]

# A partner body's worker (role ``ente``): the referral portal only.
PARTNER_SCREENS = [
    Screen("referral portal", lambda w: "/portal/"),
    Screen("refer a person", lambda w: "/portal/new/"),
    Screen("refer a person, errors", lambda w: "/portal/new/", _submit_empty),
    Screen("receipt", lambda w: f"/portal/{w['portal_referral'].pk}/"),
    Screen("two-factor profile", lambda w: "/accounts/two-factor/"),
]

# The network (role ``rete``): the statistics only.
NETWORK_SCREENS = [
    Screen("statistics", lambda w: "/caseload/statistics/"),
]

SCREENS = {
    roles.OPERATOR: CASE_SCREENS,
    roles.COORDINATOR: COORDINATOR_SCREENS,
    roles.ADMIN: ADMIN_SCREENS,
    roles.PARTNER: PARTNER_SCREENS,
    roles.NETWORK: NETWORK_SCREENS,
}
USERNAMES = {
    roles.OPERATOR: "operatore1",
    roles.COORDINATOR: "coordinatore",
    roles.ADMIN: "amministratore",
    roles.PARTNER: "ente_cas",
    roles.NETWORK: "rete_lucca",
}
ROLES = list(SCREENS)


def _records(operator, coordinator) -> dict:
    """One of everything the pages show, the case records assigned to ``operator``."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    from ceis.consent.services import consent_withdraw
    from ceis.notifications.models import Notification
    from ceis.notifications.services import notification_create
    from interviews.models import Indicator, IndicatorAnswer, Interview, Report
    from materials.models import Language
    from privacy import services as privacy
    from privacy.models import RetentionCandidate, RetentionRule, RetentionRun
    from protection import models as m
    from referrals.models import ExploitationForm, Referral
    from stats.tasks import build_monthly_report

    now = timezone.now()
    today = timezone.localdate()
    body = factories.PartnerBodyFactory(name="CAS Prova Accessibile", address="Via Prova 1", phone="0583 000000")
    contact = factories.PartnerContactFactory(body=body, name="Referente Prova")
    referral = factories.ReferralFactory(
        referring_body=body, received_at=now - datetime.timedelta(days=20), assigned_to=[operator]
    )
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code="labour"))
    # the partner body's worker and the network (``USERNAMES``), and a referral she sent through the portal
    partner = factories.PartnerUserFactory(username="ente_cas", partner_body=body)
    factories.NetworkFactory(username="rete_lucca")
    portal_referral = factories.PortalReferralFactory(referring_body=body, created_by=partner)
    for n in range(3):
        factories.ReferralFactory(
            urgency=["routine", "priority", "immediate"][n],
            received_at=now - datetime.timedelta(days=n + 2),
            assigned_to=[operator],
        )
    interview = Interview.objects.create(
        referral=referral,
        number=1,
        status=Interview.Status.COMPLETED,
        held_at=now - datetime.timedelta(days=10),
        duration_minutes=60,
        place="Sede CeIS",
        language="Inglese",
        personal_history="Storia di prova.",
        assessment="Valutazione di prova.",
        safety_risk=Interview.Risk.MEDIUM,
        created_by=operator,
    )
    interview.operators_present.set([operator])
    indicators = Indicator.objects.filter(audience="adult", exploitation="labour", active=True).order_by("position")
    IndicatorAnswer.objects.bulk_create(
        IndicatorAnswer(interview=interview, indicator=indicator, answer="observed") for indicator in indicators[:8]
    )
    factories.InterviewFactory(referral=referral, number=2, scheduled_at=now + datetime.timedelta(days=1))
    report = Report.objects.create(referral=referral, recipient=body, opinion="Parere di prova", created_by=operator)

    closed = factories.ReferralFactory(received_at=now - datetime.timedelta(days=40), assigned_to=[operator])
    closed.status = Referral.Status.CLOSED
    closed.outcome = Referral.Outcome.TAKEN_IN_CHARGE
    closed.closed_at = now - datetime.timedelta(days=30)
    closed.save()

    session = factories.GroupSessionFactory(host_centre=body, facilitators=[operator])
    factories.AttendanceRowFactory(session=session, nationality="NG", count=7)
    factories.AttendanceRowFactory(session=session, nationality="ER", gender="male", count=4)
    factories.GroupSessionFactory(host_centre=body, held_at=now + datetime.timedelta(days=5), facilitators=[operator])
    planned_session = factories.GroupSessionFactory(  # its time has come: to be marked held, or cancelled
        host_centre=body, held_at=now - datetime.timedelta(hours=2), status="planned", facilitators=[operator]
    )
    language = Language.objects.get(code="en")
    material = factories.MaterialFactory(title="I tuoi diritti", languages=[language])

    pathway = factories.PathwayFactory(person=closed.person, assigned_to=[operator])
    day = today - datetime.timedelta(days=5)
    goal = m.PlanGoal.objects.create(pathway=pathway, area="work", goal="Trovare un lavoro", target_date=today)
    m.GoalReview.objects.create(goal=goal, reviewed_on=day, note="Prima revisione")
    parts = {
        "goal": goal,
        "accommodation": m.Accommodation.objects.create(
            pathway=pathway, facility_name="Casa", type="safe_house", secret_address="Via Segreta 1", start=day
        ),
        "literacy": m.LiteracyCourse.objects.create(
            pathway=pathway, provider="CPIA", level_start="a1", level_now="a2", start=day
        ),
        "training": m.Training.objects.create(
            pathway=pathway, kind="school", title="Licenza media", provider="CPIA", start=day
        ),
        "job": m.JobPlacement.objects.create(pathway=pathway, kind="traineeship", employer="Coop", start=day),
        "permit": m.ResidencePermit.objects.create(
            pathway=pathway, type="art18", route="social", issued_on=day, expires_on=today + datetime.timedelta(days=20)
        ),
        "diary": m.DiaryEntry.objects.create(pathway=pathway, written_on=day, text="Primo incontro"),
    }

    from tests.protection.services_helpers import request as service_request

    service = service_request(by=operator, pathway=pathway, body=body, days_ago=9)  # overdue: on the dashboard too

    # A closure an operator asked for (ceis/approvals), waiting for the coordinator.
    from ceis.approvals.services import closure_request

    requested = factories.ReferralFactory(assigned_to=[operator])
    closure = closure_request(
        record=requested, outcome=Referral.Outcome.UNREACHABLE, note="Non risponde da un mese", by=operator
    )

    build_monthly_report()  # a row in the monthly reports, a notification to the coordinator
    for user in (operator, coordinator):
        notification_create(recipient=user, kind=Notification.Kind.ASSIGNED, label=referral.person.case_code)
        read = notification_create(recipient=user, kind=Notification.Kind.PERMIT_EXPIRING, label="LU-2026-0001")
        read.read_at = now
        read.save(update_fields=["read_at"])

    # Consents: one to the referring body, one withdrawn, a legal basis; a report to a body with no consent.
    consent = factories.ConsentFactory(
        person=referral.person, purpose="referral", recipient=body, recorded_by=operator, interpreter="Interprete"
    )
    withdrawn = factories.ConsentFactory(person=referral.person, purpose="statistics", recorded_by=operator)
    consent_withdraw(consent=withdrawn, withdrawn_on=today, by=operator)
    factories.LegalBasisFactory(person=referral.person, purpose="police_judicial", recorded_by=operator)
    police = factories.PartnerBodyFactory(name="Questura di Prova", kind="commissione")
    report_refused = Report.objects.create(referral=referral, recipient=police, opinion="Parere", created_by=operator)

    # The data-protection workspace: a person restricted and on legal hold, a retention review list.
    flagged = factories.ReferralFactory(assigned_to=[operator]).person
    privacy.restriction_set(person=flagged, reason="Contesta l'esattezza dei dati", by=coordinator)
    privacy.legal_hold_set(person=flagged, reason="Procedimento penale in corso", by=coordinator)
    rule = RetentionRule.objects.get(kind="referral_not_identified")
    run = RetentionRun.objects.create(due_on=today + datetime.timedelta(days=30))
    old = factories.ReferralFactory(received_at=now - datetime.timedelta(days=800))
    RetentionCandidate.objects.create(
        run=run,
        rule=rule,
        content_type=ContentType.objects.get_for_model(Referral),
        object_id=old.pk,
        person=old.person,
    )
    from referrals.merge import merge_people

    merge = merge_people(  # two records of the same person, merged today: the undo is offered
        survivor=factories.ReferralFactory(assigned_to=[operator]).person,
        absorbed=factories.PathwayFactory(assigned_to=[operator]).person,
        by=coordinator,
    )
    inactive = factories.OperatorFactory(username="operatore3", is_active=False)
    inactive.set_unusable_password()
    inactive.save()
    AccessAttempt.objects.create(  # locked out after too many wrong passwords: the edit page offers "Unlock"
        username=inactive.username,
        ip_address="203.0.113.9",  # not the browser's address, which axes would lock out too
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )

    return {
        "operator": operator,
        "flagged": flagged,
        "merge": merge,
        "merged_person": merge.survivor,
        "consent": consent,
        "report_refused": report_refused,
        "case_code": referral.person.case_code,
        "rule": rule,
        "run": run,
        "inactive": inactive,
        "body": body,
        "contact": contact,
        "referral": referral,
        "portal_referral": portal_referral,
        "interview": interview,
        "report": report,
        "closed": closed,
        "session": session,
        "planned_session": planned_session,
        "material": material,
        "language": language,
        "pathway": pathway,
        "service": service,
        "closure_request": closure,
        "indicator": indicators[0],
        "catalogue_version": indicators[0].version,
        **parts,
    }


@pytest.mark.parametrize("role", ROLES)
def test_it_finds_no_serious_violation_on_any_main_page(
    browser: Browser, live_server, log_in, operators, role, subtests
):
    coordinator = factories.CoordinatorFactory(username="coordinatore")
    totp_device(coordinator)  # she logs in with the app's code, and sees the pages of a verified session
    factories.AdminFactory(username="amministratore")
    records = _records(operators[0], coordinator)

    context = browser.new_context()
    page = context.new_page()
    log_in(page, USERNAMES[role])
    for screen in SCREENS[role]:
        with subtests.test(msg=f"{role}: {screen.name}"):
            response = page.goto(live_server.url + screen.path(records))
            assert response is not None and response.ok, f"{screen.name}: {response and response.status}"
            if screen.then:
                screen.then(page)
            found = serious(axe_violations(page))
            assert not found, f"{role}, {screen.name} ({page.url}):\n{describe(found)}"
    context.close()


def test_the_login_page_has_no_serious_violation(page: Page, live_server, subtests, transactional_db):
    page.goto(f"{live_server.url}/")  # wherever the login page lives, an anonymous visit lands there
    with subtests.test(msg="login page"):
        found = serious(axe_violations(page))
        assert not found, f"login page ({page.url}):\n{describe(found)}"
    with subtests.test(msg="login page, wrong password"):
        page.locator("input[type=password]").first.fill("not-the-password")
        page.locator("input[autocomplete=username], input[name$=username]").first.fill("nobody")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()
        found = serious(axe_violations(page))
        assert not found, f"login page after a wrong password ({page.url}):\n{describe(found)}"
    totp_device(factories.OperatorFactory(username="con-app"))
    with subtests.test(msg="login page, code step"):
        page.locator("#id_username").fill("con-app")
        page.locator("#id_password").fill(factories.PASSWORD)
        with page.expect_navigation():
            page.locator("#login-form button[type=submit]").click()
        expect(page.locator("#id_otp_token")).to_be_visible()
        found = serious(axe_violations(page))
        assert not found, f"login page, code step ({page.url}):\n{describe(found)}"
    with subtests.test(msg="login page, wrong code"):
        page.locator("#id_otp_token").fill("000000" if code_for_user("con-app") != "000000" else "111111")
        with page.expect_navigation():
            page.locator("#login-form button[type=submit]").click()
        expect(page.locator("#id_otp_token")).to_be_visible()
        found = serious(axe_violations(page))
        assert not found, f"login page after a wrong code ({page.url}):\n{describe(found)}"


def test_the_set_password_page_has_no_serious_violation(page: Page, live_server, subtests, transactional_db):
    """The one-time link of a new account, opened by someone not logged in: the form, its errors, a dead link."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    account = factories.OperatorFactory(username="nuova")
    account.set_unusable_password()
    account.save()
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    link = f"{live_server.url}/accounts/set-password/{uid}/{default_token_generator.make_token(account)}/"
    for name, then in (("set-password page", None), ("set-password page, errors", _submit_empty)):
        with subtests.test(msg=name):
            response = page.goto(link)
            assert response is not None and response.ok
            expect(page.locator("#set-password-form")).to_be_visible()
            if then:
                then(page)
            found = serious(axe_violations(page))
            assert not found, f"{name} ({page.url}):\n{describe(found)}"
    with subtests.test(msg="set-password page, dead link"):
        page.goto(f"{live_server.url}/accounts/set-password/{uid}/0-0/")
        expect(page.locator("#invalid-link")).to_be_visible()
        found = serious(axe_violations(page))
        assert not found, f"set-password page, dead link ({page.url}):\n{describe(found)}"
