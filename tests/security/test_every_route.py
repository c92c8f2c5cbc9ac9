"""Walk every URL pattern: anonymous users go to login; operator B never reaches operator A's records."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import factories

PUBLIC = {"login"}


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p


def _routes():
    admin_prefix = settings.ADMIN_URL
    return [
        (route, name) for route, name, _ in _walk(get_resolver().url_patterns) if not route.startswith(admin_prefix)
    ]


def _fill(route: str, value: str = "1") -> str:
    path = re.sub(r"<(?:int:|str:|slug:|uuid:|path:)?(\w+)>", value, route)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), [r for r in _routes() if r[1] not in PUBLIC])
def test_anonymous_users_are_sent_to_login(route, name):
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(_fill(route))
        assert response.status_code == 302, (method, route)
        assert response["Location"].startswith(reverse("login")), (method, route)


@pytest.mark.django_db
def test_the_login_page_is_the_only_public_page():
    assert {name for _, name in _routes()} >= PUBLIC
    assert Client().get(reverse("login")).status_code == 200


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
        "referrals:person",
        "referrals:person_edit",
    }


@pytest.mark.parametrize(("route", "name"), _referral_routes())
def test_operator_b_gets_404_on_every_url_of_operator_a(op_b_client, operator, referral_a, route, name):
    pk = referral_a.person.pk if name.startswith("referrals:person") else referral_a.pk
    url = "/" + re.sub(r"<int:user_pk>", str(operator.pk), re.sub(r"<int:pk>", str(pk), route))
    assert op_b_client.get(url).status_code == 404
    assert op_b_client.post(url, {"operator": operator.pk, "reason": "x"}).status_code == 404


@pytest.mark.parametrize(("route", "name"), _referral_routes())
def test_an_admin_cannot_open_any_case_record(admin_client_role, operator, referral_a, route, name):
    pk = referral_a.person.pk if name.startswith("referrals:person") else referral_a.pk
    url = "/" + re.sub(r"<int:user_pk>", str(operator.pk), re.sub(r"<int:pk>", str(pk), route))
    assert admin_client_role.get(url).status_code == 404
    assert admin_client_role.post(url, {"operator": operator.pk}).status_code == 404


def _report_routes():
    return [(route, name) for route, name in _routes() if name and name.startswith("reports:") and "<" in route]


def test_every_report_route_is_classified():
    """Reports to the referring body hang below a referral: each route with an id is swept below."""
    names = {name for _, name in _report_routes()}
    assert names == {"reports:new", "reports:edit", "reports:print", "reports:sent"}


@pytest.fixture
def report_a(referral_a):
    from interviews.models import Report

    return Report.objects.create(referral=referral_a, recipient=referral_a.referring_body, opinion="Parere riservato")


def _report_url(route: str, report) -> str:
    url = "/" + re.sub(r"<int:referral_pk>", str(report.referral_id), re.sub(r"<int:pk>", str(report.pk), route))
    assert "<" not in url, route
    return url


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
    return [(route, name) for route, name in _routes() if name and name.startswith("interviews:") and "<" in route]


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
def test_nobody_else_reaches_operator_a_interviews(request, client_fixture, interview_a, route, name):
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
    assert names == {"groups:detail", "groups:edit", "groups:follow_ups"}


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
def test_nobody_else_reaches_operator_a_group_sessions(request, client_fixture, operator, session_a, route, name):
    from groups.models import SessionReferral

    client = request.getfixturevalue(client_fixture)
    url = "/" + re.sub(r"<int:pk>", str(session_a.pk), route)
    assert "<" not in url, route
    assert client.get(url).status_code == 404
    assert client.post(url, _session_post(session_a, operator)).status_code == 404
    session_a.refresh_from_db()
    assert session_a.place == "Sala riservata"
    assert list(session_a.attendance.values_list("nationality", "count")) == [("NG", 7)]
    assert not SessionReferral.objects.exists()


@pytest.mark.parametrize(("route", "name"), [r for r in _session_routes() if r[1] != "groups:detail"])
def test_the_swept_session_posts_would_succeed_for_operator_a(op_client, operator, session_a, route, name):
    from groups.models import SessionReferral

    url = "/" + re.sub(r"<int:pk>", str(session_a.pk), route)
    assert op_client.post(url, _session_post(session_a, operator)).status_code == 302
    session_a.refresh_from_db()
    changed = session_a.place == "Altrove" if name == "groups:edit" else SessionReferral.objects.exists()
    assert changed, name


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
    assert names == {"pathway_parts:add", "pathway_parts:edit", "pathway_parts:review"}
    from protection.part_views import PARTS

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
MATERIAL_MANAGE = {"materials:create", "materials:edit", "materials:deactivate", "materials:reactivate"}
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
    assert {name for _, name in _material_routes()} == MATERIAL_READ | MATERIAL_MANAGE | LANGUAGE_ADMIN


@pytest.fixture
def library_records(settings, tmp_path, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from groups import material_services, uploads
    from groups.models import Language

    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("kit.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
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


@pytest.mark.parametrize(("route", "name"), [r for r in _material_routes() if r[1] not in MATERIAL_READ])
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
def test_nobody_else_reaches_operator_a_pathway(request, client_fixture, operator, operator_b, pathway_a, route, name):
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
def test_operators_and_admins_get_404_on_every_caseload_url(request, operator, client_name, route, name):
    """The coordinators' workspace reveals nothing to anyone else, GET or POST."""
    client = request.getfixturevalue(client_name)
    url = _fill(route)
    assert client.get(url).status_code == 404, (client_name, url)
    assert client.post(url, {"operator": operator.pk, "confirm": "on"}).status_code == 404, (client_name, url)


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
def test_nobody_else_reaches_the_consents_of_operator_a_person(request, client_fixture, consent_a, route, name):
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
