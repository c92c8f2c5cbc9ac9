"""Every URL pattern is classified: either its POST creates records and is protected by a one-time submission
token (``@submitted_once``, ``{% submission_token %}`` in its form), or it is listed here with the reason it
needs none. A new URL pattern fails ``test_every_url_pattern_is_classified`` until it is put in one list; a
creating view put in PROTECTED without the decorator (or the other way round) fails too, and every protected
route is posted without a token to see it refused with nothing saved.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver

from ceis.submissions.decorators import MARK
from ceis.submissions.models import Submission
from tests.security.test_every_route import ROUTES, _fill, _walk

pytestmark = pytest.mark.real_submission_tokens

# Routes whose POST inserts rows of a record: intake, interviews, sessions and their attendance rows, follow-ups,
# pathways and every part beneath them (goals, reviews, diary, ...), phase changes, consents and withdrawals,
# legal bases, reports and their sending, services requested and their status changes, documents, materials,
# languages, partner bodies and contacts, accounts, mediators, indicators and catalogue versions.
PROTECTED = {
    "referrals:intake",
    "interviews:schedule",
    "interviews:record",
    "interviews:mediator_create",
    "groups:new",
    "groups:edit",  # adds attendance rows
    "groups:follow_ups",
    "groups:hold",  # adds attendance rows
    "protection:open_transfer",
    "protection:open_from_referral",
    "protection:phase",
    "pathway_parts:add",
    "pathway_parts:review",
    "consent:new",
    "consent:legal_basis_new",
    "consent:withdraw",
    "reports:new",
    "reports:sent",  # each sending takes a protocol number
    "service_referrals:new_for_pathway",
    "service_referrals:new_for_referral",
    "service_referrals:detail",  # each status change is a dated row
    "documents:add",
    "materials:create",
    "materials:language_create",
    "partners:create",
    "partners:contact_create",
    "users:create",
    "catalogue:create",
    "catalogue:import",
    "catalogue:correct",  # starts a draft copy of a version
}

READS = "reads only (GET), or a POST that only reads (a search)"
EDITS = "changes a record in place: sent twice, the second finds it already as the first left it"
STATES = "a change of state the service refuses or ignores when repeated (already closed, assigned, read, ...)"
OWN_KEY = "carries its own one-use key (Referral.submission, unique), which the API's submissions share"
SIGN_IN = "sign-in, password and two-factor pages, guarded by their own one-time codes and by axes"
NOT_PROTECTED = {
    **dict.fromkeys(
        [
            "home",
            "healthz",
            "referrals:mine",
            "approvals:list",
            "api:docs",
            "api:schema",
            "api:referrals",
            "api:referral",
            "api:interviews",
            "api:interview",
            "api:pathways",
            "api:pathway",
            "api:statistics",
            "portal:home",
            "portal:receipt",
            "referrals:person_merge",
            "approvals:detail",
            "referrals:all",
            "referrals:search",
            "referrals:detail",
            "referrals:person",
            "reports:print",
            "reports:pdf",
            "reports:sent_pdf",
            "catalogue:list",
            "catalogue:versions",
            "catalogue:template",
            "catalogue:version",
            "catalogue:export",
            "interviews:list",
            "interviews:agenda",
            "interviews:mediators",
            "interviews:for_referral",
            "interviews:detail",
            "reach:overview",
            "reach:language_gap",
            "materials:list",
            "materials:detail",
            "materials:download",
            "materials:languages",
            "groups:mine",
            "groups:all",
            "groups:upcoming",
            "groups:detail",
            "service_referrals:list",
            "protection:mine",
            "protection:all",
            "protection:detail",
            "caseload:dashboard",
            "caseload:operator",
            "caseload:export",
            "caseload:statistics",
            "caseload:statistics_csv",
            "caseload:statistics_xlsx",
            "caseload:reports",
            "caseload:report_csv",
            "caseload:report_xlsx",
            "caseload:report_pdf",
            "caseload:report",
            "notifications:list",
            "feeds:feed",
            "privacy:index",
            "privacy:person",
            "privacy:export_json",
            "privacy:export_print",
            "privacy:export_pdf",
            "privacy:rules",
            "privacy:runs",
            "privacy:run",
            "documents:download",
            "audit:log",
            "consent:person",
            "users:list",
            "partners:list",
            "partners:detail",
        ],
        READS,
    ),
    **dict.fromkeys(
        [
            "users:edit",
            "partners:edit",
            "partners:contact_edit",
            "referrals:edit",
            "referrals:person_edit",
            "reports:edit",
            "catalogue:edit",
            "interviews:edit",
            "interviews:mediator_edit",
            "interviews:substitution",
            "materials:edit",
            "materials:language_edit",
            "pathway_parts:edit",
            "privacy:rule_edit",
            "service:settings",
            "service:logo",
            "feeds:settings",
            "set_language",
        ],
        EDITS,
    ),
    **dict.fromkeys(
        [
            "users:deactivate",
            "users:reactivate",
            "users:send_link",
            "users:reset_two_factor",
            "users:unlock",
            "partners:deactivate",
            "partners:reactivate",
            "partners:contact_deactivate",
            "partners:contact_reactivate",
            "referrals:close",
            "groups:cancel",
            "approvals:approve",
            "referrals:person_merge_confirm",  # a second one finds the records merged
            "referrals:merge_undo",
            "referrals:attach",  # a second one finds the referral already attached
            "approvals:send_back",
            "pathway_parts:approve_goal",
            "referrals:assign",
            "referrals:unassign",
            "catalogue:publish",
            "catalogue:retire",
            "catalogue:discard",
            "catalogue:check",
            "catalogue:verify",
            "materials:deactivate",
            "materials:reactivate",
            "materials:language_deactivate",
            "materials:language_reactivate",
            "protection:close",
            "protection:assign",
            "protection:unassign",
            "caseload:reassign",
            "notifications:open",
            "notifications:read_all",
            "feeds:revoke",
            "privacy:restrict",
            "privacy:restrict_lift",
            "privacy:hold",
            "privacy:hold_lift",
            "privacy:erase",
            "privacy:candidate_exclude",
        ],
        STATES,
    ),
    **dict.fromkeys(
        [
            "login",
            "logout",
            "set_password",
            "two_factor:profile",
            "two_factor:setup",
            "two_factor:qr",
            "two_factor:setup_complete",
            "two_factor:backup_tokens",
        ],
        SIGN_IN,
    ),
    "portal:submit": OWN_KEY,
    "api:portal_referrals": OWN_KEY + " (field 'submission'); token-authenticated API calls carry no form",
    "api_tokens:list": "creates a token whose secret only this answer shows: a second one is listed and revocable",
    "api_tokens:revoke": STATES,
}


def _patterns():
    """(route, name, pattern) of every URL pattern but the Django admin's (staff only, no case records)."""
    return [
        (route, name, p)
        for route, name, p in _walk(get_resolver().url_patterns)
        if not route.startswith(settings.ADMIN_URL)
    ]


def test_every_url_pattern_is_classified():
    names = {name or route for route, name, _ in _patterns()}
    assert not PROTECTED & NOT_PROTECTED.keys()
    missing = names - PROTECTED - NOT_PROTECTED.keys()
    assert not missing, f"classify these routes in {__file__}: {sorted(missing)}"
    stale = (PROTECTED | NOT_PROTECTED.keys()) - names
    assert not stale, f"no longer URL patterns: {sorted(stale)}"


def test_the_protected_routes_are_exactly_the_decorated_views():
    decorated = {name for _, name, p in _patterns() if getattr(p.callback, MARK, False)}
    assert decorated == PROTECTED


def _client_for(category: str, users) -> Client:
    user = users["admin"] if category in ("admins only", "coordinators and admins") else users["coordinator"]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def users(coordinator, admin_user):
    for user in (coordinator, admin_user):
        user.language = "it"
        user.save(update_fields=["language"])
    return {"coordinator": coordinator, "admin": admin_user}


@pytest.mark.parametrize(
    "route, name", [pytest.param(r, n, id=n) for r, n, _ in _walk(get_resolver().url_patterns) if n in PROTECTED]
)
def test_a_post_without_its_token_is_refused_and_saves_nothing(users, route, name):
    client = _client_for(ROUTES[name].category, users)
    url = _fill(route, "1")
    response = client.post(url, {"name": "Prova", "title": "Prova"})
    assert response.status_code == 400, url
    assert "Non è stato salvato nulla" in response.text and "senza il suo codice monouso" in response.text
    assert not Submission.objects.exists()
