"""Every URL pattern of the project, classified by who may reach it, and swept accordingly.

HOW TO CLASSIFY A NEW ROUTE: add ONE line to ``ROUTES`` below, keyed by the route's name
("namespace:name"), or by its pattern string if it has no name. Pick the category that says who may
reach it; the sweeps below then test it with no further code:

    PUBLIC                anyone, signed in or not (the login page)
    SECRET_LINK           no login, the secret token in the URL is the key (the calendar feed): 404 without it
    API                   the REST API (api/): a bearer token only, 401 without one; roles swept in tests/api
    ANY_USER              every signed-in user, whatever her role (home, her notifications, reference lists)
    own("notification")   a record of user A only: user B gets 404
    case("referral")      a case record of operator A (``kind`` says which record fills the URL: referral,
                          person, report, interview, session, pathway, pathway_part, pathway_referral);
                          operator B and admins get 404, GET and POST. ``coordinator_only=True`` when even
                          the assigned operator may not use it (assignment)
    CASE_ROLES            operators and coordinators, no record in the URL (lists, intake): admins get 404/403
    COORDINATOR           coordinators only: operators and admins get 404/403
    ADMIN                 admins only: operators and coordinators get 404/403
    COORDINATOR_OR_ADMIN  coordinators and admins: operators get 404/403
    STATISTICS            coordinators and the network role (``rete``): the de-identified statistics
    PARTNER_PORTAL        partner accounts (``ente``) only: the referral portal; every other role gets 404/403

Partner and network accounts are confined: every route outside their own category and the account pages every
user has (``ACCOUNT_PAGES``: home, logout, language, second factor, API tokens and docs) answers them 404, the Django admin included.

A new kind of case record needs its records in ``case_urls`` (and an id in ``_reference_values`` for a
new id parameter of a role route). The Django admin (``settings.ADMIN_URL``) is swept as one block:
staff-only, so every role is sent to a login page. ``test_every_url_pattern_is_classified`` fails listing
what is missing; the terminal summary prints "route sweep: N of N URL patterns covered".

Below the generic sweeps, each area keeps its own detailed sweeps (the state of the records after a refused
POST, and the control that the same POST succeeds for whoever is allowed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import factories, samples


@dataclass(frozen=True)
class Access:
    category: str
    kind: str = ""
    coordinator_only: bool = False


PUBLIC = Access("public")
ANY_USER = Access("any signed-in user")
CASE_ROLES = Access("operators and coordinators")
COORDINATOR = Access("coordinators only")
ADMIN = Access("admins only")
COORDINATOR_OR_ADMIN = Access("coordinators and admins")
DJANGO_ADMIN = Access("Django admin (staff only)")
SECRET_LINK = Access("no login: the secret token in the link is the key")
STATISTICS = Access("coordinators and the network")
PARTNER_PORTAL = Access("partner accounts only")
# The REST API (api/): a personal bearer token, never a session; no token is a 401, never a login redirect.
# Each role's token is swept by tests/api (test_api_routes.py, and the schemathesis contract tests).
API = Access("API: bearer token only")


def case(kind: str, *, coordinator_only: bool = False) -> Access:
    return Access("case record of operator A", kind, coordinator_only)


def own(kind: str) -> Access:
    return Access("own record of user A", kind)


ROUTES: dict[str, Access] = {
    # accounts
    "home": ANY_USER,
    "login": PUBLIC,
    "set_password": PUBLIC,  # the one-time link's token is the credential; a wrong one shows no form
    "healthz": PUBLIC,  # the load balancer's probe: "ok" or "unavailable" only
    # personal API tokens (her own) and the API's documentation page; the API itself (token only)
    "api_tokens:list": ANY_USER,
    "api_tokens:revoke": own("api_token"),
    "api:docs": ANY_USER,
    "api:schema": API,
    "api:referrals": API,
    "api:referral": API,
    "api:interviews": API,
    "api:interview": API,
    "api:pathways": API,
    "api:pathway": API,
    "api:statistics": API,
    "api:portal_referrals": API,
    # two-factor pages of the signed-in user herself
    "two_factor:profile": ANY_USER,
    "two_factor:setup": ANY_USER,
    "two_factor:qr": ANY_USER,
    "two_factor:setup_complete": ANY_USER,
    "two_factor:backup_tokens": ANY_USER,
    # the admins' accounts area
    "users:list": ADMIN,
    "users:create": ADMIN,
    "users:edit": ADMIN,
    "users:deactivate": ADMIN,
    "users:reactivate": ADMIN,
    "users:send_link": ADMIN,
    "users:reset_two_factor": ADMIN,
    "users:unlock": ADMIN,
    # data-subject rights and retention (coordinators act for the data protection officer)
    "privacy:index": COORDINATOR,
    "privacy:person": COORDINATOR,
    "privacy:export_json": COORDINATOR,
    "privacy:export_print": COORDINATOR,
    "privacy:export_pdf": COORDINATOR,
    "privacy:restrict": COORDINATOR,
    "privacy:restrict_lift": COORDINATOR,
    "privacy:hold": COORDINATOR,
    "privacy:hold_lift": COORDINATOR,
    "privacy:erase": COORDINATOR,
    "privacy:rules": COORDINATOR,
    "privacy:rule_edit": COORDINATOR,
    "privacy:runs": COORDINATOR,
    "privacy:run": COORDINATOR,
    "privacy:candidate_exclude": COORDINATOR,
    "logout": ANY_USER,
    "set_language": ANY_USER,
    # partner bodies (reference data: all roles read, admins manage)
    "partners:list": ANY_USER,
    "partners:detail": ANY_USER,
    "partners:create": ADMIN,
    "partners:edit": ADMIN,
    "partners:deactivate": ADMIN,
    "partners:reactivate": ADMIN,
    "partners:contact_create": ADMIN,
    "partners:contact_edit": ADMIN,
    "partners:contact_deactivate": ADMIN,
    "partners:contact_reactivate": ADMIN,
    # referrals and people
    "referrals:mine": CASE_ROLES,
    "referrals:all": COORDINATOR,
    "referrals:intake": CASE_ROLES,
    "referrals:search": CASE_ROLES,
    "referrals:detail": case("referral"),
    "referrals:edit": case("referral"),
    "referrals:close": case("referral"),
    "referrals:assign": case("referral", coordinator_only=True),
    "referrals:unassign": case("referral", coordinator_only=True),
    "referrals:attach": case("referral", coordinator_only=True),
    "referrals:person": case("person"),
    "referrals:person_edit": case("person"),
    "referrals:person_merge": case("person", coordinator_only=True),
    "referrals:person_merge_confirm": case("person", coordinator_only=True),
    "referrals:merge_undo": case("merge", coordinator_only=True),
    # reports to the referring body
    "reports:new": case("report"),
    "reports:edit": case("report"),
    "reports:print": case("report"),
    "reports:sent": case("report"),
    "reports:pdf": case("report"),
    "reports:sent_pdf": case("report"),
    # indicator catalogue
    "catalogue:list": ADMIN,
    "catalogue:create": ADMIN,
    "catalogue:edit": ADMIN,
    "interviews:substitution": COORDINATOR,
    "interviews:mediators": ADMIN,
    "interviews:mediator_create": ADMIN,
    "interviews:mediator_edit": ADMIN,
    "catalogue:versions": ADMIN,
    "catalogue:template": ADMIN,
    "catalogue:import": ADMIN,
    "catalogue:version": ADMIN,
    "catalogue:export": ADMIN,
    "catalogue:publish": ADMIN,
    "catalogue:retire": ADMIN,
    "catalogue:correct": ADMIN,
    "catalogue:discard": ADMIN,
    "catalogue:check": ADMIN,
    "catalogue:verify": ADMIN,
    # interviews
    "interviews:list": CASE_ROLES,
    "interviews:agenda": CASE_ROLES,
    "interviews:for_referral": case("interview"),
    "interviews:schedule": case("interview"),
    "interviews:record": case("interview"),
    "interviews:detail": case("interview"),
    "interviews:edit": case("interview"),
    # group sessions, their reach, the materials library
    "reach:overview": CASE_ROLES,
    "reach:language_gap": CASE_ROLES,
    "materials:list": ANY_USER,
    "materials:detail": ANY_USER,
    "materials:download": ANY_USER,
    "materials:create": ANY_USER,  # operators add the materials they use in their sessions (issue 15)
    "materials:edit": COORDINATOR_OR_ADMIN,
    "materials:deactivate": COORDINATOR_OR_ADMIN,
    "materials:reactivate": COORDINATOR_OR_ADMIN,
    "materials:languages": ADMIN,
    "materials:language_create": ADMIN,
    "materials:language_edit": ADMIN,
    "materials:language_deactivate": ADMIN,
    "materials:language_reactivate": ADMIN,
    "groups:mine": CASE_ROLES,
    "groups:all": COORDINATOR,
    "groups:upcoming": CASE_ROLES,
    "groups:new": CASE_ROLES,
    "groups:detail": case("session"),
    "groups:edit": case("session"),
    "groups:follow_ups": case("session"),
    "groups:hold": case("session"),
    "groups:cancel": case("session"),
    # social-protection pathways
    "pathway_parts:review": case("pathway_part"),
    "pathway_parts:approve_goal": case("pathway_part", coordinator_only=True),
    "pathway_parts:add": case("pathway_part"),
    "pathway_parts:edit": case("pathway_part"),
    "protection:mine": CASE_ROLES,
    "protection:all": COORDINATOR,
    "protection:open_transfer": CASE_ROLES,
    "protection:open_from_referral": case("pathway_referral"),
    "protection:detail": case("pathway"),
    "protection:phase": case("pathway"),
    "protection:close": case("pathway"),
    "protection:assign": case("pathway", coordinator_only=True),
    "protection:unassign": case("pathway", coordinator_only=True),
    # services requested for the person (outgoing referrals), beneath a pathway or a referral
    "service_referrals:list": CASE_ROLES,
    "service_referrals:new_for_pathway": case("pathway_service"),
    "service_referrals:new_for_referral": case("referral_service"),
    "service_referrals:detail": case("service"),
    # caseload review
    "caseload:dashboard": COORDINATOR,
    "caseload:reassign": COORDINATOR,
    "caseload:operator": COORDINATOR,
    "caseload:export": COORDINATOR,
    "caseload:statistics": STATISTICS,
    "caseload:statistics_csv": STATISTICS,
    "caseload:statistics_xlsx": STATISTICS,
    "caseload:reports": COORDINATOR,
    "caseload:report_csv": COORDINATOR,
    "caseload:report_xlsx": COORDINATOR,
    "caseload:report": COORDINATOR,
    "caseload:report_pdf": COORDINATOR,
    # notifications
    "notifications:list": ANY_USER,
    # the private calendar feed (ceis/feeds)
    "feeds:settings": CASE_ROLES,
    "feeds:revoke": CASE_ROLES,
    "feeds:feed": SECRET_LINK,
    "notifications:open": own("notification"),
    "notifications:read_all": ANY_USER,
    # audit
    "audit:log": COORDINATOR_OR_ADMIN,
    # consents and legal bases of a person (ceis/consent)
    "consent:person": case("consent"),
    "consent:new": case("consent"),
    "consent:legal_basis_new": case("consent"),
    "consent:withdraw": case("consent"),
    # service settings (letterhead, logo, switches)
    "service:settings": COORDINATOR_OR_ADMIN,
    "service:logo": COORDINATOR_OR_ADMIN,
    # closure requests (ceis/approvals): an operator's own, decided by coordinators
    "approvals:list": CASE_ROLES,
    "approvals:detail": case("closure_request"),
    "approvals:approve": case("closure_request", coordinator_only=True),
    "approvals:send_back": case("closure_request", coordinator_only=True),
    # case documents
    "documents:add": case("document_target"),
    "documents:download": case("document"),
    # the partner bodies' referral portal (portal/)
    "portal:home": PARTNER_PORTAL,
    "portal:submit": PARTNER_PORTAL,
    "portal:receipt": PARTNER_PORTAL,
}


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p


def _all_patterns() -> list[tuple[str, str | None]]:
    """Every URL pattern of the project, the Django admin's included: (route, name or None)."""
    return [(route, name) for route, name, _ in _walk(get_resolver().url_patterns)]


def classify(route: str, name: str | None) -> Access | None:
    if route.startswith(settings.ADMIN_URL):
        return DJANGO_ADMIN
    return ROUTES.get(name) if name else ROUTES.get(route)


def _classified() -> list[tuple[str, str, Access]]:
    return [(route, name or route, classify(route, name)) for route, name in _all_patterns() if classify(route, name)]


def _in(*accesses_or_categories) -> list[tuple[str, str, Access]]:
    wanted = {a.category if isinstance(a, Access) else a for a in accesses_or_categories}
    return [(route, name, access) for route, name, access in _classified() if access.category in wanted]


def _params(rows) -> list:
    return [pytest.param(*row, id=row[1]) for row in rows]


def route_sweep_counts() -> tuple[int, int]:
    patterns = _all_patterns()
    return sum(1 for route, name in patterns if classify(route, name)), len(patterns)


# Sample values for the parameters of the Django admin's regular-expression patterns.
_REGEX_SAMPLES = {"app_label": "auth", "url": "nothing-here/"}


def _fill_with(route: str, values: dict) -> str:
    """The URL of a route, each ``<param>`` (or ``(?P<param>...)``) replaced by its value."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values.get(m.group(1), _REGEX_SAMPLES.get(m.group(1)))), route)
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route).replace("^", "").replace("$", "")
    assert "<" not in url and "None" not in url, route
    return url


def _fill(route: str, value: str = "1") -> str:
    return _fill_with(route, _AnyValue(value))


class _AnyValue(dict):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def __missing__(self, key):
        return self.value

    def get(self, key, default=None):
        return self.value if key not in _REGEX_SAMPLES else _REGEX_SAMPLES[key]


def _hidden(response) -> bool:
    """404, or 403: the route reveals nothing to this user."""
    return response.status_code in (403, 404)


def _to_login(response) -> bool:
    logins = (reverse("login"), reverse("admin:login"))
    return response.status_code == 302 and response["Location"].startswith(logins)


# --- Coverage ------------------------------------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    missing = [name or route for route, name in _all_patterns() if classify(route, name) is None]
    assert not missing, "Classify these routes in ROUTES (see the top of this file): " + ", ".join(missing)


def test_the_table_names_no_route_that_does_not_exist():
    known = {name for _, name in _all_patterns() if name} | {route for route, _ in _all_patterns()}
    assert set(ROUTES) - known == set()


def test_route_sweep_covers_every_pattern(record_property):
    covered, total = route_sweep_counts()
    record_property("route_sweep", f"{covered} of {total}")
    assert covered == total > 100


# --- Anonymous users --------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "name", "access"), _params([r for r in _classified() if r[2] not in (PUBLIC, SECRET_LINK, API)])
)
def test_anonymous_users_are_sent_to_login(route, name, access):
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(_fill(route))
        assert _to_login(response), (method, route, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "access"), _params(_in(API)))
def test_the_api_answers_401_without_a_token_even_to_a_signed_in_session(op_client, route, name, access):
    if name == "api:schema":  # the schema alone also answers a session: the documentation page links it
        assert op_client.get(_fill(route)).status_code == 200
    for client in (Client(),) if name == "api:schema" else (Client(), op_client):
        for method in ("get", "post"):
            response = getattr(client, method)(_fill(route))
            assert response.status_code == 401, (method, route, response.status_code)
            assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "access"), _params(_in(PUBLIC)))
def test_public_routes_answer_anonymous_users(route, name, access):
    assert Client().get(_fill(route)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name", "access"), _params(_in(SECRET_LINK)))
def test_secret_links_answer_nothing_without_their_secret(route, name, access):
    client = Client()
    assert client.get(_fill(route)).status_code == 404
    assert client.post(_fill(route)).status_code in (404, 405)


@pytest.mark.django_db
def test_the_login_page_is_the_only_public_page():
    assert sorted(name for _, name, _ in _in(PUBLIC)) == ["healthz", "login", "set_password"]
    assert Client().get(reverse("login")).status_code == 200
    health = Client().get(reverse("healthz"))
    assert (health.status_code, health.content) == (200, b"ok\n")
    bad_link = Client().get(reverse("set_password", kwargs={"uidb64": "MQ", "token": "x-y"}))
    assert bad_link.status_code == 200
    assert 'id="invalid-link"' in bad_link.text
    assert "password" not in {f for f in (bad_link.context.get("form") or {})}


# --- Case records of operator A -----------------------------------------------------------------------------


@pytest.fixture
def case_urls(operator, coordinator):
    """For each kind of case record: the URL values of one record of operator A."""
    from interviews.models import Report
    from protection import models as p
    from referrals.models import Referral

    referral = factories.ReferralFactory(assigned_to=[operator])
    interview = factories.InterviewFactory(referral=referral)
    report = Report.objects.create(referral=referral, recipient=referral.referring_body, opinion="Parere")
    session = factories.GroupSessionFactory(facilitators=[operator])
    pathway = factories.PathwayFactory(assigned_to=[operator])
    goal = p.PlanGoal.objects.create(pathway=pathway, area="work", goal="Obiettivo")
    closed = factories.ReferralFactory(assigned_to=[operator])
    Referral.objects.filter(pk=closed.pk).update(
        status=Referral.Status.CLOSED, outcome=Referral.Outcome.TAKEN_IN_CHARGE, closed_at=timezone.now()
    )
    notification = operator.notifications.create(kind="assigned", label="#1", path="/")
    from tests.protection.services_helpers import request as service_request

    service = service_request(by=operator, pathway=pathway)
    from ceis.approvals.services import closure_request

    requested = closure_request(
        record=factories.ReferralFactory(assigned_to=[operator]), outcome=Referral.Outcome.UNREACHABLE, by=operator
    )
    from referrals.merge import merge_people

    merge = merge_people(
        survivor=factories.ReferralFactory(assigned_to=[operator]).person,
        absorbed=factories.ReferralFactory(assigned_to=[operator]).person,
        by=coordinator,
    )
    from api.services import token_create

    return {
        "closure_request": {"pk": requested.pk},
        "merge": {"pk": merge.pk},
        "api_token": {"pk": token_create(user=operator, name="A")[0].pk},
        "pathway_service": {"pathway_pk": pathway.pk},
        "referral_service": {"referral_pk": referral.pk},
        "service": {"pk": service.pk},
        "referral": {"pk": referral.pk, "user_pk": operator.pk},
        "person": {"pk": referral.person_id, "other_pk": factories.ReferralFactory(assigned_to=[operator]).person_id},
        "report": {"pk": report.pk, "referral_pk": referral.pk, "version": _sent(report, operator).version},
        "interview": {"pk": interview.pk, "referral_pk": referral.pk},
        "session": {"pk": session.pk},
        "pathway": {"pk": pathway.pk, "user_pk": operator.pk},
        "pathway_part": {"pathway_pk": pathway.pk, "part": "goal", "pk": goal.pk, "goal_pk": goal.pk},
        "pathway_referral": {"referral_pk": closed.pk},
        "notification": {"pk": notification.pk},
        "consent": {"person_pk": referral.person_id, "pk": factories.ConsentFactory(person=referral.person).pk},
        "document_target": {"attach": "referral", "pk": referral.pk},
        "document": {"pk": _document(referral, operator).pk},
    }


def _sent(report, operator):
    from ceis.crypto import fernet
    from interviews.models import SentReport

    return SentReport.objects.create(
        report=report,
        version=1,
        recipient=report.recipient,
        sent_at=timezone.localdate(),
        protocol_year=2026,
        protocol_number=1,
        pdf=fernet().encrypt(b"%PDF-1.7").decode(),
        sha256="0" * 64,
        created_by=operator,
    )


def _document(referral, operator):
    from ceis.crypto import fernet
    from documents.models import Document

    return Document.objects.create(
        person=referral.person,
        referral=referral,
        kind="other",
        date=timezone.localdate(),
        file_type="application/pdf",
        size=8,
        content=fernet().encrypt(b"%PDF-1.7").decode(),
        uploaded_by=operator,
    )


_POST = {"operator": "1", "reason": "x", "place": "x", "confirm": "on", "text": "x", "title": "x"}


@pytest.mark.parametrize(("route", "name", "access"), _params(_in("case record of operator A", "own record of user A")))
def test_operator_b_gets_404_on_every_record_of_operator_a(op_b_client, case_urls, route, name, access):
    url = _fill_with(route, case_urls[access.kind])
    assert op_b_client.get(url).status_code in ((404, 405) if name == "notifications:open" else (404,))  # POST only
    assert op_b_client.post(url, _POST).status_code == 404


@pytest.mark.parametrize(("route", "name", "access"), _params(_in("case record of operator A")))
def test_an_admin_gets_404_on_every_case_record(admin_client_role, case_urls, route, name, access):
    url = _fill_with(route, case_urls[access.kind])
    assert admin_client_role.get(url).status_code == 404
    assert admin_client_role.post(url, _POST).status_code == 404


@pytest.mark.parametrize(("route", "name", "access"), _params(_in("case record of operator A", "own record of user A")))
def test_the_record_is_there_for_whoever_may_use_the_route(db, request, case_urls, route, name, access):
    """The control of the two sweeps above: the same URL is not a 404 for operator A (or a coordinator)."""
    client = request.getfixturevalue("coord_client" if access.coordinator_only else "op_client")
    response = client.post(url := _fill_with(route, case_urls[access.kind]), {})
    assert response.status_code != 404, url
    if access.coordinator_only:
        assert request.getfixturevalue("op_client").post(url, {}).status_code == 404


# --- Role routes ------------------------------------------------------------------------------------------------


@pytest.fixture
def reference_values(operator, partner):
    """Real ids for the parameters of role routes, so a 404 comes from the role check, not a missing record."""
    import datetime

    from interviews.models import CatalogueVersion, Indicator, Mediator
    from materials.models import Language
    from stats.models import MonthlyReport

    body = factories.PartnerBodyFactory()
    contact = factories.PartnerContactFactory(body=body)
    MonthlyReport.objects.create(month=datetime.date(2026, 1, 1), data={"sections": []})
    from privacy.models import RetentionRule, RetentionRun

    run = RetentionRun.objects.create(due_on=datetime.date(2026, 2, 1))
    return {
        "privacy:rule": {"pk": RetentionRule.objects.order_by("pk").first().pk},
        "privacy:run": {"pk": run.pk},
        "privacy": {"pk": factories.PersonFactory().pk},
        "partners": {"pk": body.pk, "contact_pk": contact.pk},
        "materials:language": {"pk": Language.objects.get(code="en").pk},
        "materials": {"pk": factories.MaterialFactory().pk},
        **dict.fromkeys(
            [f"catalogue:{n}" for n in ("version", "template", "import", "export", "publish", "retire")]
            + [f"catalogue:{n}" for n in ("correct", "discard", "check", "verify")],
            {"pk": CatalogueVersion.objects.order_by("pk").first().pk, "fmt": "csv"},
        ),
        "catalogue": {"pk": Indicator.objects.order_by("pk").first().pk},
        "interviews:mediator": {"pk": Mediator.objects.create(name="M", languages="Edo").pk},
        "users": {"pk": operator.pk},
        "portal": {"pk": factories.PortalReferralFactory(referring_body=partner.partner_body).pk},
        "": {"user_pk": operator.pk, "month": "2026-01", "pk": 1},
    }


def _reference_url(route: str, name: str, values: dict) -> str:
    prefix = next(p for p in values if name.startswith(p))  # the longest match comes first in the dict
    return _fill_with(route, values[prefix])


_ROLE_POST = {"operator": "1", "confirm": "on", "title": "x", "kind": "other", "code": "zz", "name_it": "x"}


@pytest.mark.parametrize(
    ("route", "name", "access"), _params(_in(COORDINATOR, ADMIN, COORDINATOR_OR_ADMIN, STATISTICS, PARTNER_PORTAL))
)
def test_operators_get_404_on_coordinator_and_admin_routes(op_client, reference_values, route, name, access):
    url = _reference_url(route, name, reference_values)
    assert _hidden(op_client.get(url)), url
    assert _hidden(op_client.post(url, _ROLE_POST)), url


@pytest.mark.parametrize(("route", "name", "access"), _params(_in(ADMIN, PARTNER_PORTAL)))
def test_coordinators_get_404_on_admin_routes(coord_client, reference_values, route, name, access):
    url = _reference_url(route, name, reference_values)
    assert _hidden(coord_client.get(url)), url
    assert _hidden(coord_client.post(url, _ROLE_POST)), url


@pytest.mark.parametrize(("route", "name", "access"), _params(_in(COORDINATOR, CASE_ROLES, STATISTICS, PARTNER_PORTAL)))
def test_admins_get_404_on_every_route_with_case_content(admin_client_role, reference_values, route, name, access):
    url = _reference_url(route, name, reference_values)
    assert _hidden(admin_client_role.get(url)), url
    assert _hidden(admin_client_role.post(url, _ROLE_POST)), url


_ALLOWED = {
    COORDINATOR: "coord_client",
    ADMIN: "admin_client_role",
    COORDINATOR_OR_ADMIN: "coord_client",
    CASE_ROLES: "op_client",
    ANY_USER: "op_client",
    STATISTICS: "coord_client",
    PARTNER_PORTAL: "partner_client",
}


@pytest.mark.parametrize(("route", "name", "access"), _params(_in(*_ALLOWED)))
def test_the_role_routes_are_there_for_the_role(db, request, reference_values, route, name, access):
    """The control of the sweeps above: whoever the route is for does not get a 404 (nor a 403)."""
    from ceis.partners.models import PartnerBody, PartnerContact
    from materials.models import Language, Material

    inactive = {  # only an inactive record has a reactivation page
        "partners:reactivate": PartnerBody.objects.all(),
        "partners:contact_reactivate": PartnerContact.objects.all(),
        "materials:reactivate": Material.objects.all(),
        "materials:language_reactivate": Language.objects.filter(code="en"),
    }
    if name in inactive:
        inactive[name].update(active=False)
    client = request.getfixturevalue(_ALLOWED[access])
    if name == "two_factor:qr":  # the QR code exists only while a setup is under way
        session = client.session
        session["django_two_factor-qr_secret_key"] = "JBSWY3DPEHPK3PXP"
        session.save()
    url = _reference_url(route, name, reference_values)
    response = client.get(url)
    if name == "materials:download":  # the sample material is a link: nothing to download, the page says so
        assert response.status_code in (302, 404)
    else:
        assert not _hidden(response), (url, response.status_code)


# --- Confined roles: partner accounts (ente) and the network (rete) ------------------------------------------

# The pages of every account, whatever its role: where the login lands, logout, language, its second factor.
ACCOUNT_PAGES = {
    "home",
    "logout",
    "set_language",
    "two_factor:profile",
    "two_factor:setup",
    "two_factor:qr",
    "two_factor:setup_complete",
    "two_factor:backup_tokens",
    # her API tokens and the API's documentation (the API itself, token only, is swept by tests/api)
    "api_tokens:list",
    "api:docs",
}
CONFINED = {"partner_client": PARTNER_PORTAL, "network_client": STATISTICS}


def test_the_account_pages_are_every_users_own():
    assert {name for name, access in ROUTES.items() if name in ACCOUNT_PAGES} == ACCOUNT_PAGES
    assert all(ROUTES[name] == ANY_USER for name in ACCOUNT_PAGES)


def _outside(own: Access) -> list:
    """Every route a confined role may not open: all but the public ones, the account pages and its own."""
    return [
        (route, name, access)
        for route, name, access in _classified()
        if access not in (PUBLIC, SECRET_LINK, API, own) and name not in ACCOUNT_PAGES
    ]


def _real_url(route: str, name: str, access: Access, case_urls: dict, reference_values: dict) -> str:
    """The URL with real ids, so that the 404 comes from the confinement, not from a missing record."""
    if access == DJANGO_ADMIN:
        return _fill(route)
    if access.kind:
        return _fill_with(route, case_urls[access.kind])
    return _reference_url(route, name, reference_values)


_CONFINED_POST = {**_ROLE_POST, **_POST, "role": "amministratore", "language": "it"}


@pytest.mark.parametrize(("route", "name", "access"), _params(_outside(PARTNER_PORTAL)))
def test_partner_accounts_get_404_everywhere_outside_the_portal(
    partner_client, case_urls, reference_values, route, name, access
):
    url = _real_url(route, name, access, case_urls, reference_values)
    assert partner_client.get(url).status_code == 404, url
    assert partner_client.post(url, _CONFINED_POST).status_code == 404, url


@pytest.mark.parametrize(("route", "name", "access"), _params(_outside(STATISTICS)))
def test_network_accounts_get_404_everywhere_outside_the_statistics(
    network_client, case_urls, reference_values, route, name, access
):
    url = _real_url(route, name, access, case_urls, reference_values)
    assert network_client.get(url).status_code == 404, url
    assert network_client.post(url, _CONFINED_POST).status_code == 404, url


def test_the_confined_sweeps_cover_every_route_but_the_public_ones_and_their_own():
    for own in CONFINED.values():
        swept = {name for _, name, _ in _outside(own)}
        mine = {name for _, name, access in _classified() if access == own}
        public = {name for _, name, access in _classified() if access in (PUBLIC, SECRET_LINK, API)}
        assert swept | mine | public | ACCOUNT_PAGES == {name for _, name, _ in _classified()}
        assert "admin:index" in swept and "notifications:list" in swept and "partners:list" in swept


@pytest.mark.parametrize("client_name", list(CONFINED))
@pytest.mark.parametrize("name", sorted(ACCOUNT_PAGES - {"two_factor:qr", "logout", "set_language"}))
def test_confined_accounts_keep_their_own_account_pages(db, request, client_name, name):
    """The control of the sweeps above: their login lands somewhere, their second factor stays theirs."""
    response = request.getfixturevalue(client_name).get(reverse(name))
    assert response.status_code in (200, 302), (name, response.status_code)
    if name == "home":
        target = "portal:home" if client_name == "partner_client" else "caseload:statistics"
        assert response["Location"] == reverse(target)


@pytest.mark.parametrize(("client_name", "own"), list(CONFINED.items()))
def test_confined_accounts_reach_their_own_pages(request, reference_values, client_name, own):
    client = request.getfixturevalue(client_name)
    for route, name, _ in _in(own):
        response = client.get(_reference_url(route, name, reference_values))
        assert response.status_code == 200, (name, response.status_code)


# --- The Django admin, as one block ---------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "name", "access"), _params([r for r in _in(DJANGO_ADMIN) if r[1] != "admin:login"]))
@pytest.mark.parametrize("client_name", ["op_client", "coord_client", "admin_client_role"])
def test_no_role_reaches_the_django_admin(db, request, client_name, route, name, access):
    """The Django admin is for the break-glass superuser (staff) only; it registers no case model.

    Its sign-in form answers anyone (see the anonymous sweep); every other page sends a non-staff user away.
    """
    client = request.getfixturevalue(client_name)
    response = client.get(_fill(route))
    assert response.status_code == 302, (route, response.status_code)
    assert response["Location"].startswith((reverse("admin:login"), reverse("admin:index"), reverse("login")))


def _routes():
    """The project's own routes (the Django admin left out), for the detailed sweeps below."""
    admin_prefix = settings.ADMIN_URL
    return [(route, name) for route, name in _all_patterns() if not route.startswith(admin_prefix)]


def _referral_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("referrals:") and "<" in route]


def test_every_referral_route_is_classified():
    """A new route with an id must be added to this sweep (person or referral), or this fails."""
    names = {name for _, name in _referral_routes()}
    assert names == {
        "referrals:detail",
        "referrals:edit",
        "referrals:close",
        "referrals:assign",
        "referrals:unassign",
        "referrals:attach",
        "referrals:person",
        "referrals:person_edit",
        "referrals:person_merge",
        "referrals:person_merge_confirm",
        "referrals:merge_undo",
    }


def _referral_url(route: str, name: str, operator, referral) -> str:
    """The URL of a referral route on records of ``operator`` (a person's routes: her person; an undo: a merge of
    two of her people)."""
    values = {"pk": referral.pk, "user_pk": operator.pk}
    if name.startswith("referrals:person"):
        values |= {"pk": referral.person_id, "other_pk": factories.ReferralFactory(assigned_to=[operator]).person_id}
    if name == "referrals:merge_undo":
        from referrals.merge import merge_people

        values["pk"] = merge_people(
            survivor=factories.ReferralFactory(assigned_to=[operator]).person,
            absorbed=factories.ReferralFactory(assigned_to=[operator]).person,
            by=factories.CoordinatorFactory(),
        ).pk
    return _fill_with(route, values)


@pytest.mark.parametrize(("route", "name"), _referral_routes())
def test_operator_b_gets_404_on_every_url_of_operator_a(op_b_client, operator, referral_a, route, name):
    url = _referral_url(route, name, operator, referral_a)
    assert op_b_client.get(url).status_code == 404
    assert op_b_client.post(url, {"operator": operator.pk, "reason": "x"}).status_code == 404


@pytest.mark.parametrize(("route", "name"), _referral_routes())
def test_an_admin_cannot_open_any_case_record(admin_client_role, operator, referral_a, route, name):
    url = _referral_url(route, name, operator, referral_a)
    assert admin_client_role.get(url).status_code == 404
    assert admin_client_role.post(url, {"operator": operator.pk}).status_code == 404


def _report_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("reports:") and "<" in route]


def test_every_report_route_is_classified():
    """Reports to the referring body hang below a referral: each route with an id is swept below."""
    names = {name for _, name in _report_routes()}
    assert names == {"reports:new", "reports:edit", "reports:print", "reports:sent", "reports:pdf", "reports:sent_pdf"}


@pytest.fixture
def report_a(referral_a):
    from interviews.models import Report

    return Report.objects.create(referral=referral_a, recipient=referral_a.referring_body, opinion="Parere riservato")


def _report_url(route: str, report) -> str:
    url = "/" + re.sub(r"<int:referral_pk>", str(report.referral_id), re.sub(r"<int:pk>", str(report.pk), route))
    if "<int:version>" in url:  # a version as sent exists: the 404 must come from the access check
        url = url.replace("<int:version>", str(_sent(report, report.created_by or _anyone()).version))
    assert "<" not in url, route
    return url


def _anyone():
    return factories.OperatorFactory()


def _report_post(report) -> dict:
    """What a successful POST would carry, so that a missing access check would show."""
    return {
        "recipient": report.recipient_id,
        "include_identity": "on",
        "opinion": "x",
        "sent_at": timezone.localdate().isoformat(),
    }


def _report_unchanged(report) -> None:
    report.refresh_from_db()
    assert (report.sent_at, report.include_identity, report.opinion) == (None, False, "Parere riservato")
    assert report.referral.reports.count() == 1


@pytest.mark.parametrize(("route", "name"), _report_routes())
def test_operator_b_gets_404_on_every_report_url_of_operator_a(op_b_client, report_a, route, name):
    url = _report_url(route, report_a)
    assert op_b_client.get(url).status_code == 404
    assert op_b_client.post(url, _report_post(report_a)).status_code == 404
    _report_unchanged(report_a)


@pytest.mark.parametrize(("route", "name"), _report_routes())
def test_an_admin_cannot_open_any_report(admin_client_role, report_a, route, name):
    url = _report_url(route, report_a)
    assert admin_client_role.get(url).status_code == 404
    assert admin_client_role.post(url, _report_post(report_a)).status_code == 404
    _report_unchanged(report_a)


def _interview_routes():
    return [
        (route, name)
        for route, name in _routes()
        if name and name.startswith("interviews:") and "<" in route and not name.startswith("interviews:mediator")
    ]  # mediators are reference data (admins), swept with the role routes


def test_every_interview_route_is_classified():
    """Interviews hang below a referral: each route with an id is swept below (referral or interview id)."""
    names = {name for _, name in _interview_routes()}
    assert names == {
        "interviews:for_referral",
        "interviews:schedule",
        "interviews:record",
        "interviews:detail",
        "interviews:edit",
    }


@pytest.fixture
def interview_a(referral_a):
    return factories.InterviewFactory(referral=referral_a, place="Sede riservata")


def _interview_url(route: str, interview) -> str:
    url = "/" + re.sub(r"<int:referral_pk>", str(interview.referral_id), re.sub(r"<int:pk>", str(interview.pk), route))
    assert "<" not in url, route
    return url


def _interview_post() -> dict:
    """What a successful POST would carry, so that a missing access check would show."""
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {"scheduled_at": when, "held_at": when, "duration_minutes": "60", "place": "Altrove", "action": "draft"}


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
@pytest.mark.parametrize(("route", "name"), _interview_routes())
def test_nobody_else_reaches_operator_a_interviews(db, request, client_fixture, interview_a, route, name):
    client = request.getfixturevalue(client_fixture)
    url = _interview_url(route, interview_a)
    assert client.get(url).status_code == 404
    assert client.post(url, _interview_post()).status_code == 404
    interview_a.refresh_from_db()
    assert interview_a.place == "Sede riservata"
    assert interview_a.referral.interviews.count() == 1


def _session_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("groups:") and "<" in route]


def test_every_group_session_route_is_classified():
    """A group session is a protected root: each route with an id is swept below."""
    names = {name for _, name in _session_routes()}
    assert names == {"groups:detail", "groups:edit", "groups:follow_ups", "groups:hold", "groups:cancel"}


@pytest.fixture
def session_a(operator):
    session = factories.GroupSessionFactory(facilitators=[operator], place="Sala riservata")
    factories.AttendanceRowFactory(session=session, nationality="NG", count=7)
    return session


def _session_post(session, operator) -> dict:
    """What a successful POST would carry (the edit form and the follow-up requests alike)."""
    return {
        "held_at": timezone.localtime(session.held_at).strftime("%Y-%m-%dT%H:%M"),
        "host_centre": session.host_centre_id,
        "place": "Altrove",
        "facilitators": [operator.pk],
        "attendance-TOTAL_FORMS": "1",
        "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
        "attendance-0-nationality": "ER",
        "attendance-0-gender": "male",
        "attendance-0-count": "40",
        "requests-TOTAL_FORMS": "1",
        "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "1",
        "requests-MAX_NUM_FORMS": "1000",
        "requests-0-name": "Blessing",
        "requests-0-gender": "female",
        "requests-0-reason": "Vuole parlare con noi.",
        "requests-0-urgency": "routine",
    }


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
@pytest.mark.parametrize(("route", "name"), _session_routes())
def test_nobody_else_reaches_operator_a_group_sessions(db, request, client_fixture, operator, session_a, route, name):
    from groups.models import SessionReferral

    client = request.getfixturevalue(client_fixture)
    _planned_for(session_a, name)
    url = "/" + re.sub(r"<int:pk>", str(session_a.pk), route)
    assert "<" not in url, route
    assert client.get(url).status_code == 404
    assert client.post(url, _session_post(session_a, operator)).status_code == 404
    before = session_a.status
    session_a.refresh_from_db()
    assert session_a.status == before
    assert session_a.place == "Sala riservata"
    assert list(session_a.attendance.values_list("nationality", "count")) == [("NG", 7)]
    assert not SessionReferral.objects.exists()


@pytest.mark.parametrize(("route", "name"), [r for r in _session_routes() if r[1] != "groups:detail"])
def test_the_swept_session_posts_would_succeed_for_operator_a(op_client, operator, session_a, route, name):
    from groups.models import SessionReferral

    _planned_for(session_a, name)
    url = "/" + re.sub(r"<int:pk>", str(session_a.pk), route)
    assert op_client.post(url, _session_post(session_a, operator)).status_code == 302
    session_a.refresh_from_db()
    changed = {
        "groups:edit": session_a.place == "Altrove",
        "groups:hold": session_a.status == "held",
        "groups:cancel": session_a.status == "cancelled",
    }.get(name, SessionReferral.objects.exists())
    assert changed, name


def _planned_for(session, name: str) -> None:
    """Holding and cancelling are for a planned session (one whose time has come, so it may be held)."""
    if name in ("groups:hold", "groups:cancel"):
        session.status = "planned"
        session.save(update_fields=["status"])


def test_the_django_admin_shows_no_case_models_to_staff(db):
    from django.contrib import admin

    from referrals.models import Person, Referral

    assert not admin.site.is_registered(Person)
    assert not admin.site.is_registered(Referral)


# The records beneath a protection pathway (plan goals and reviews, stays, courses, placements, permits, diary).

PATHWAY_PARTS = ("goal", "accommodation", "literacy", "training", "job", "permit", "diary")


def _pathway_part_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("pathway_parts:")]


def test_every_pathway_part_route_is_classified():
    """Each route of the parts beneath a pathway is swept below, for every kind of part."""
    names = {name for _, name in _pathway_part_routes()}
    # A goal's approval is a coordinator's (swept with the case routes, ``coordinator_only``), not a part's change.
    assert names == {"pathway_parts:add", "pathway_parts:edit", "pathway_parts:review", "pathway_parts:approve_goal"}
    from protection.parts.views import PARTS

    assert set(PATHWAY_PARTS) == set(PARTS)


@pytest.fixture
def pathway_parts_a(operator):
    """A pathway of operator A with one record of each part beneath it."""
    import datetime

    from ceis import access
    from protection import models as m

    pathway = m.ProtectionPathway.objects.create(person=factories.PersonFactory(), legal_basis="art18_social")
    access.assign(pathway, operator, by=operator)
    day = datetime.date(2026, 1, 10)
    goal = m.PlanGoal.objects.create(pathway=pathway, area="work", goal="Obiettivo riservato")
    return {
        "pathway": pathway,
        "goal": goal,
        "accommodation": m.Accommodation.objects.create(
            pathway=pathway, facility_name="Casa", type="safe_house", secret_address="Via Segreta 1", start=day
        ),
        "literacy": m.LiteracyCourse.objects.create(
            pathway=pathway, provider="CPIA", level_start="a1", level_now="a1", start=day
        ),
        "training": m.Training.objects.create(
            pathway=pathway, kind="school", title="Licenza", provider="CPIA", start=day
        ),
        "job": m.JobPlacement.objects.create(pathway=pathway, kind="traineeship", employer="Coop", start=day),
        "permit": m.ResidencePermit.objects.create(pathway=pathway, type="art18", route="social"),
        "diary": m.DiaryEntry.objects.create(pathway=pathway, written_on=day, text="Diario riservato"),
    }


def _pathway_part_post(part: str) -> dict:
    """What a successful POST would carry for each part, so that a missing access check would show."""
    day = timezone.localdate().isoformat()
    return {
        "goal": {"area": "health", "goal": "Cambiato", "agreed": "on", "target_date": day, "status": "achieved"},
        "accommodation": {
            "facility_name": "Altra casa",
            "type": "first_stage",
            "start": day,
            "secret_address": "Via Trapelata 2",
            "remove_secret_address": "",
        },
        "literacy": {"provider": "Altro", "level_start": "a1", "level_now": "b2", "start": day},
        "training": {"kind": "vocational", "title": "Altro", "provider": "Altro", "start": day, "outcome": "ongoing"},
        "job": {"kind": "permanent", "employer": "Altro", "hours_per_week": "30", "start": day, "outcome": "hired"},
        "permit": {"type": "work", "route": "", "issued_on": day, "expires_on": day, "converted_to": "lavoro"},
        "diary": {"written_on": day, "text": "Cambiato"},
        "review": {"reviewed_on": day, "note": "Revisione"},
    }[part]


def _pathway_part_cases():
    """(route, name, part) for every route and every kind of part it serves."""
    for route, name in _pathway_part_routes():
        if name == "pathway_parts:approve_goal":
            continue  # coordinators only: swept above (ROUTES)
        if name == "pathway_parts:review":
            yield route, name, "review"
        else:
            for part in PATHWAY_PARTS:
                yield route, name, part


def _pathway_part_url(route: str, records: dict, part: str) -> str:
    record = records["goal" if part == "review" else part]
    values = {"pathway_pk": records["pathway"].pk, "part": part, "pk": record.pk, "goal_pk": records["goal"].pk}
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), route)
    assert "<" not in url, route
    return url


def _pathway_parts_snapshot(pathway) -> list:
    from protection import models as m

    models = (
        m.PlanGoal,
        m.GoalReview,
        m.Accommodation,
        m.LiteracyCourse,
        m.Training,
        m.JobPlacement,
        m.ResidencePermit,
        m.DiaryEntry,
    )
    return [list(model.objects.order_by("pk").values()) for model in models]


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
@pytest.mark.parametrize(("route", "name", "part"), list(_pathway_part_cases()))
def test_nobody_else_reaches_the_parts_of_operator_a_pathway(
    request, client_fixture, pathway_parts_a, route, name, part
):
    client = request.getfixturevalue(client_fixture)
    url = _pathway_part_url(route, pathway_parts_a, part)
    before = _pathway_parts_snapshot(pathway_parts_a["pathway"])
    response = client.get(url)
    assert response.status_code == 404
    assert "Via Segreta" not in response.text
    assert client.post(url, _pathway_part_post(part)).status_code == 404
    assert _pathway_parts_snapshot(pathway_parts_a["pathway"]) == before


@pytest.mark.parametrize(("route", "name", "part"), list(_pathway_part_cases()))
def test_the_swept_posts_would_succeed_for_operator_a(op_client, pathway_parts_a, route, name, part):
    """The control of the sweep above: the same request from the assigned operator changes the record."""
    url = _pathway_part_url(route, pathway_parts_a, part)
    before = _pathway_parts_snapshot(pathway_parts_a["pathway"])
    response = op_client.post(url, _pathway_part_post(part))
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _pathway_parts_snapshot(pathway_parts_a["pathway"]) != before


# The materials library and the languages list: reference data, guarded by model permissions (no object access).

MATERIAL_READ = {"materials:list", "materials:detail", "materials:download"}
MATERIAL_ADD = {"materials:create"}  # every role: operators add the materials they use (issue 15)
MATERIAL_MANAGE = {"materials:edit", "materials:deactivate", "materials:reactivate"}
LANGUAGE_ADMIN = {
    "materials:languages",
    "materials:language_create",
    "materials:language_edit",
    "materials:language_deactivate",
    "materials:language_reactivate",
}


def _material_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("materials:")]


def test_every_material_route_is_classified():
    """A new route of the library must join one of the sets above (who may reach it), or this fails."""
    assert {name for _, name in _material_routes()} == MATERIAL_READ | MATERIAL_ADD | MATERIAL_MANAGE | LANGUAGE_ADMIN


@pytest.fixture
def library_records(settings, tmp_path, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from materials import services as material_services
    from materials import uploads
    from materials.models import Language

    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("kit.pdf", samples.pdf(), content_type="application/pdf")
    material = material_services.material_create(
        data={"title": "Kit invariato", "kind": "leaflet"},
        languages=[Language.objects.get(code="en")],
        upload=uploads.check_upload(pdf),
        by=coordinator,
    )
    return material, Language.objects.get(code="so")


def _material_url(route: str, name: str, records) -> str:
    material, language = records
    pk = language.pk if name.startswith("materials:language") else material.pk
    url = "/" + route.replace("<int:pk>", str(pk))
    assert "<" not in url, route
    return url


def _library_unchanged(records) -> None:
    material, language = records
    material.refresh_from_db()
    language.refresh_from_db()
    assert (material.title, material.active) == ("Kit invariato", True)
    assert (language.name_it, language.active) == ("somalo", True)


@pytest.mark.parametrize(("route", "name"), [r for r in _material_routes() if r[1] not in MATERIAL_READ | MATERIAL_ADD])
def test_operators_get_404_on_every_route_that_manages_the_library(op_client, library_records, route, name):
    url = _material_url(route, name, library_records)
    assert op_client.get(url).status_code == 404
    assert op_client.post(url, {"title": "x", "kind": "other", "code": "zz", "name_it": "x"}).status_code == 404
    _library_unchanged(library_records)


@pytest.mark.parametrize(("route", "name"), [r for r in _material_routes() if r[1] in LANGUAGE_ADMIN])
def test_coordinators_get_404_on_every_language_route(coord_client, library_records, route, name):
    url = _material_url(route, name, library_records)
    assert coord_client.get(url).status_code == 404
    assert coord_client.post(url, {"code": "zz", "name_it": "x", "name_en": "x"}).status_code == 404
    _library_unchanged(library_records)


@pytest.mark.parametrize(("route", "name"), _material_routes())
def test_admins_reach_every_route_of_the_library(admin_client_role, library_records, route, name):
    if name.endswith("reactivate"):  # only an inactive record has a reactivation page
        record = library_records[1] if name.startswith("materials:language") else library_records[0]
        record.active = False
        record.save(update_fields=["active"])
    response = admin_client_role.get(_material_url(route, name, library_records))
    assert response.status_code == 200, name


# The protection pathway itself (a protected root): its page, phase, closure, assignment, and opening from a referral.


def _pathway_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("protection:") and "<" in route]


def test_every_pathway_route_is_classified():
    """A new pathway route with an id must be added to the sweep below, or this fails."""
    names = {name for _, name in _pathway_routes()}
    assert names == {
        "protection:detail",
        "protection:phase",
        "protection:close",
        "protection:assign",
        "protection:unassign",
        "protection:open_from_referral",
    }


@pytest.fixture
def pathway_a(operator, operator_b):
    """A pathway of operator A, and a referral of hers closed as taken in charge (no pathway yet)."""
    from referrals.models import Referral

    referral = factories.ReferralFactory(assigned_to=[operator])
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status.CLOSED, outcome=Referral.Outcome.TAKEN_IN_CHARGE, closed_at=timezone.now()
    )
    return {"pathway": factories.PathwayFactory(assigned_to=[operator]), "referral": referral}


def _pathway_url(route: str, records: dict, operator) -> str:
    values = {"pk": records["pathway"].pk, "user_pk": operator.pk, "referral_pk": records["referral"].pk}
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), route)
    assert "<" not in url, route
    return url


def _pathway_post(operator_b) -> dict:
    """What a successful POST would carry on each route, so that a missing access check would show."""
    today = timezone.localdate().isoformat()
    return {
        "phase": "first_assistance",
        "changed_on": today,
        "ended_on": today,
        "closure_reason": "left",
        "operator": operator_b.pk,
        "operators": [operator_b.pk],
        "legal_basis": "art18_social",
        "started_on": today,
    }


def _pathway_state(records) -> tuple:
    from ceis import access
    from protection.models import PhaseChange, ProtectionPathway

    pathway = ProtectionPathway.objects.get(pk=records["pathway"].pk)
    return (
        pathway.phase,
        pathway.ended_on,
        pathway.closure_reason,
        PhaseChange.objects.count(),
        ProtectionPathway.objects.count(),
        sorted(u.username for u in access.assignees([pathway]).get(pathway.pk, [])),
    )


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
@pytest.mark.parametrize(("route", "name"), _pathway_routes())
def test_nobody_else_reaches_operator_a_pathway(
    db, request, client_fixture, operator, operator_b, pathway_a, route, name
):
    client = request.getfixturevalue(client_fixture)
    url = _pathway_url(route, pathway_a, operator)
    before = _pathway_state(pathway_a)
    assert before[-1] == ["op_a"]
    assert client.get(url).status_code == 404
    assert client.post(url, _pathway_post(operator_b)).status_code == 404
    assert _pathway_state(pathway_a) == before


@pytest.mark.parametrize(("route", "name"), [r for r in _pathway_routes() if r[1] != "protection:detail"])
def test_the_swept_pathway_posts_would_succeed_for_a_coordinator(
    coord_client, operator, operator_b, pathway_a, route, name
):
    """The control of the sweep above: the same request from someone allowed changes the records."""
    before = _pathway_state(pathway_a)
    response = coord_client.post(_pathway_url(route, pathway_a, operator), _pathway_post(operator_b))
    assert response.status_code == 302, name
    assert _pathway_state(pathway_a) != before, name


def _caseload_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("caseload:")]


def test_the_caseload_dashboard_routes_are_swept():
    assert {"caseload:dashboard", "caseload:reassign", "caseload:operator", "caseload:export"} <= {
        name for _, name in _caseload_routes()
    }


@pytest.mark.parametrize(("route", "name"), _caseload_routes())
@pytest.mark.parametrize("client_name", ["op_client", "admin_client_role"])
def test_operators_and_admins_get_404_on_every_caseload_url(db, request, operator, client_name, route, name):
    """The coordinators' workspace reveals nothing to anyone else, GET or POST."""
    client = request.getfixturevalue(client_name)
    url = _fill(route)
    assert client.get(url).status_code == 404, (client_name, url)
    assert client.post(url, {"operator": operator.pk, "confirm": "on"}).status_code == 404, (client_name, url)


# The data-protection workspace (privacy/): coordinators only, acting for the data protection officer.

PRIVACY_ROUTES = {
    "privacy:index",
    "privacy:person",
    "privacy:export_json",
    "privacy:export_print",
    "privacy:export_pdf",
    "privacy:restrict",
    "privacy:restrict_lift",
    "privacy:hold",
    "privacy:hold_lift",
    "privacy:erase",
    "privacy:rules",
    "privacy:rule_edit",
    "privacy:runs",
    "privacy:run",
    "privacy:candidate_exclude",
}


def _privacy_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("privacy:")]


def test_every_privacy_route_is_classified():
    assert {name for _, name in _privacy_routes()} == PRIVACY_ROUTES


@pytest.fixture
def privacy_records(operator):
    import datetime

    from django.contrib.contenttypes.models import ContentType

    from privacy.models import RetentionCandidate, RetentionRule, RetentionRun

    referral = factories.ReferralFactory(assigned_to=[operator])
    run = RetentionRun.objects.create(due_on=datetime.date(2026, 1, 1))
    candidate = RetentionCandidate.objects.create(
        run=run,
        rule=RetentionRule.objects.get(kind="referral_not_identified"),
        content_type=ContentType.objects.get_for_model(referral),
        object_id=referral.pk,
        person=referral.person,
    )
    values = {
        "privacy:person": referral.person_id,
        "privacy:rule_edit": candidate.rule_id,
        "privacy:run": run.pk,
        "privacy:candidate_exclude": candidate.pk,
    }
    return referral, candidate, values


def _privacy_url(route: str, name: str, values: dict) -> str:
    pk = values.get(name, values["privacy:person"])
    url = "/" + route.replace("<int:pk>", str(pk))
    assert "<" not in url, route
    return url


def _privacy_state(referral, candidate) -> tuple:
    from ceis.audit.models import Event
    from privacy.models import Erasure, LegalHold, Restriction, RetentionRule

    candidate.refresh_from_db()
    return (
        referral.person.__class__.objects.get(pk=referral.person_id).first_name,
        Restriction.objects.count(),
        LegalHold.objects.count(),
        Erasure.objects.count(),
        candidate.state,
        RetentionRule.objects.get(pk=candidate.rule_id).months,
        Event.objects.filter(kind=Event.Kind.EXPORT).count(),
    )


@pytest.mark.parametrize("client_name", ["op_client", "admin_client_role", "op_b_client"])
@pytest.mark.parametrize(("route", "name"), _privacy_routes())
def test_nobody_but_coordinators_reaches_the_privacy_workspace(db, request, client_name, privacy_records, route, name):
    """Even the operator assigned to the person gets 404, GET and POST, and nothing changes."""
    referral, candidate, values = privacy_records
    client = request.getfixturevalue(client_name)
    url = _privacy_url(route, name, values)
    before = _privacy_state(referral, candidate)
    post = {"reason": "x", "case_code": referral.person.case_code, "trigger": "closed", "months": "1"}
    assert client.get(url).status_code == 404, (client_name, url)
    assert client.post(url, post | {"action": "anonymise"}).status_code == 404, (client_name, url)
    assert _privacy_state(referral, candidate) == before


@pytest.mark.parametrize(("route", "name"), _privacy_routes())
def test_coordinators_reach_every_privacy_route(coord_client, privacy_records, route, name):
    """The control of the sweep above."""
    _, _, values = privacy_records
    url = _privacy_url(route, name, values)
    expected = 405 if name == "privacy:candidate_exclude" else 200
    assert coord_client.get(url).status_code == expected, name


# Restriction of processing (GDPR art. 18): even the assigned operator gets 404 on every URL of the person.


def _restrict(person):
    from privacy import services

    services.restriction_set(person=person, reason="art. 18", by=factories.CoordinatorFactory())


@pytest.mark.parametrize(("route", "name"), _referral_routes() + _interview_routes() + _report_routes())
def test_the_assigned_operator_gets_404_on_every_referral_url_of_a_restricted_person(
    op_client, operator, report_a, interview_a, route, name
):
    referral = report_a.referral
    values = {
        "pk": {"referrals:person": referral.person_id, "referrals:person_edit": referral.person_id}.get(
            name,
            report_a.pk
            if name.startswith("reports:")
            else interview_a.pk
            if name.startswith("interviews:")
            else referral.pk,
        ),
        "referral_pk": referral.pk,
        "user_pk": operator.pk,
    }
    if "<int:version>" in route:
        values["version"] = _sent(report_a, operator).version
    if "merge" in name:  # coordinators' routes: on the person herself, or a merge of two of the operator's people
        url = _referral_url(route, name, operator, referral)
    else:
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), route)
    before = op_client.get(url).status_code
    _restrict(referral.person)
    assert op_client.get(url).status_code == 404, (name, before)
    assert op_client.post(url, _report_post(report_a) | _interview_post()).status_code == 404, name
    _report_unchanged(report_a)
    interview_a.refresh_from_db()
    assert interview_a.place == "Sede riservata"


@pytest.mark.parametrize(("route", "name", "part"), list(_pathway_part_cases()))
def test_the_assigned_operator_gets_404_on_every_part_of_a_restricted_pathway(
    op_client, pathway_parts_a, route, name, part
):
    url = _pathway_part_url(route, pathway_parts_a, part)
    before = _pathway_parts_snapshot(pathway_parts_a["pathway"])
    _restrict(pathway_parts_a["pathway"].person)
    assert op_client.get(url).status_code == 404
    assert op_client.post(url, _pathway_part_post(part)).status_code == 404
    assert _pathway_parts_snapshot(pathway_parts_a["pathway"]) == before


@pytest.mark.parametrize(("route", "name"), _pathway_routes())
def test_the_assigned_operator_gets_404_on_every_url_of_a_restricted_pathway(
    op_client, operator, operator_b, pathway_a, route, name
):
    url = _pathway_url(route, pathway_a, operator)
    before = _pathway_state(pathway_a)
    _restrict(pathway_a["pathway"].person)
    _restrict(pathway_a["referral"].person)
    assert op_client.get(url).status_code == 404
    assert op_client.post(url, _pathway_post(operator_b)).status_code == 404
    assert _pathway_state(pathway_a) == before


# The admins' accounts area and each user's own two-factor pages.


def _user_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("users:")]


def test_every_accounts_area_route_is_classified():
    assert {name for _, name in _user_routes()} == {
        "users:list",
        "users:create",
        "users:edit",
        "users:deactivate",
        "users:reactivate",
        "users:send_link",
        "users:reset_two_factor",
        "users:unlock",
    }


@pytest.mark.parametrize(("route", "name"), _user_routes())
@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
def test_operators_and_coordinators_get_404_on_the_accounts_area(db, request, operator_b, client_name, route, name):
    client = request.getfixturevalue(client_name)
    url = _fill(route, str(operator_b.pk))
    assert client.get(url).status_code == 404, (client_name, url)
    post = {
        "username": "intruso",
        "first_name": "X",
        "last_name": "Y",
        "email": "x@example.org",
        "role": "amministratore",
    }
    assert client.post(url, {**post, "language": "it"}).status_code == 404, (client_name, url)
    operator_b.refresh_from_db()
    assert operator_b.is_active and operator_b.is_operator
    assert not operator_b.__class__.objects.filter(username="intruso").exists()


def test_every_two_factor_route_needs_login_and_is_the_users_own():
    """No id in these routes: each acts on the signed-in user only (anonymous users go to login, swept above)."""
    names = {name for _, name in _routes() if name and name.startswith("two_factor:")}
    assert names == {
        "two_factor:profile",
        "two_factor:setup",
        "two_factor:qr",
        "two_factor:setup_complete",
        "two_factor:backup_tokens",
    }
    assert all("<" not in route for route, name in _routes() if name in names)


# Consent records of a person (ceis/consent): visible and recordable exactly when the person is.


def _consent_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("consent:")]


def test_every_consent_route_is_classified():
    """A new consent route must be added to the sweep below (person id or consent id), or this fails."""
    assert {name for _, name in _consent_routes()} == {
        "consent:person",
        "consent:new",
        "consent:legal_basis_new",
        "consent:withdraw",
    }


@pytest.fixture
def consent_a(referral_a):
    return factories.ConsentFactory(person=referral_a.person, interpreter="Mediatrice riservata")


def _consent_url(route: str, consent) -> str:
    url = "/" + re.sub(r"<int:person_pk>", str(consent.person_id), re.sub(r"<int:pk>", str(consent.pk), route))
    assert "<" not in url, route
    return url


def _consent_post(consent) -> dict:
    """What a successful POST would carry on each route, so that a missing access check would show."""
    today = timezone.localdate().isoformat()
    return {
        "purpose": "referral",
        "notice": consent.notice_id,
        "language": "English",
        "given_on": today,
        "withdrawn_on": today,
        "basis": "vital_interests",
        "explanation": "x",
        "decided_on": today,
    }


def _consent_state() -> tuple:
    from ceis.consent.models import Consent, ConsentWithdrawal, LegalBasis

    return Consent.objects.count(), ConsentWithdrawal.objects.count(), LegalBasis.objects.count()


@pytest.mark.parametrize("client_fixture", ["op_b_client", "admin_client_role"])
@pytest.mark.parametrize(("route", "name"), _consent_routes())
def test_nobody_else_reaches_the_consents_of_operator_a_person(db, request, client_fixture, consent_a, route, name):
    client = request.getfixturevalue(client_fixture)
    url = _consent_url(route, consent_a)
    response = client.get(url)
    assert response.status_code == 404
    assert "Mediatrice riservata" not in response.text
    assert client.post(url, _consent_post(consent_a)).status_code == 404
    assert _consent_state() == (1, 0, 0)


@pytest.mark.parametrize(("route", "name"), [r for r in _consent_routes() if r[1] != "consent:person"])
def test_the_swept_consent_posts_would_succeed_for_operator_a(op_client, consent_a, route, name):
    """The control of the sweep above: the same request from the assigned operator records something."""
    response = op_client.post(_consent_url(route, consent_a), _consent_post(consent_a))
    assert response.status_code == 302, name
    assert _consent_state() != (1, 0, 0), name
