"""The API reads through ceis.access as the pages do: the same roles, the same records, the same audit."""

from __future__ import annotations

import json
import uuid

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from ceis.audit.models import Event
from referrals.models import ExploitationForm, Referral
from stats import periods
from stats import selectors as stats_selectors
from tests import factories

from .conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db

LISTS = ["api:referrals", "api:interviews", "api:pathways"]


@pytest.fixture
def records_a(operator):
    """Operator A's referral (with an interview) and pathway; nothing of operator B's."""
    referral = factories.ReferralFactory(
        assigned_to=[operator], person=factories.PersonFactory(first_name="Segretissima", last_name="Rossi")
    )
    interview = factories.InterviewFactory(referral=referral)
    pathway = factories.PathwayFactory(assigned_to=[operator], person=referral.person)
    return {"referral": referral, "interview": interview, "pathway": pathway}


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_operator_a_reads_her_records_with_case_codes_and_no_names(op_api, records_a):
    referral = records_a["referral"]
    body = op_api.get(reverse("api:referrals")).json()
    assert [r["id"] for r in body["results"]] == [referral.pk]
    row = body["results"][0]
    assert row["case_code"] == referral.person.case_code
    assert row["status"] == referral.status
    assert _ids(op_api.get(reverse("api:interviews"))) == [records_a["interview"].pk]
    assert _ids(op_api.get(reverse("api:pathways"))) == [records_a["pathway"].pk]
    for name in LISTS:
        assert "Segretissima" not in op_api.get(reverse(name)).text


def test_an_operators_token_never_reads_another_operators_records(op_b_api, records_a):
    for name in LISTS:
        assert _ids(op_b_api.get(reverse(name))) == []
    for name, key in (("api:referral", "referral"), ("api:interview", "interview"), ("api:pathway", "pathway")):
        response = op_b_api.get(reverse(name, args=[records_a[key].pk]))
        assert response.status_code == 404, name
        assert "Segretissima" not in response.text and records_a["referral"].person.case_code not in response.text
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_a_coordinator_reads_every_record(coord_api, records_a, operator_b):
    other = factories.ReferralFactory(assigned_to=[operator_b])
    assert set(_ids(coord_api.get(reverse("api:referrals")))) == {records_a["referral"].pk, other.pk}
    assert coord_api.get(reverse("api:pathway", args=[records_a["pathway"].pk])).status_code == 200


@pytest.mark.parametrize("who", ["admin_api", "partner_api", "network_api"])
def test_roles_without_case_records_get_404_on_every_case_endpoint(request, who, records_a):
    api = request.getfixturevalue(who)
    for name in LISTS:
        assert api.get(reverse(name)).status_code == 404, name
    for name, key in (("api:referral", "referral"), ("api:interview", "interview"), ("api:pathway", "pathway")):
        assert api.get(reverse(name, args=[records_a[key].pk])).status_code == 404, name


@pytest.mark.parametrize(
    ("name", "key"), [("api:referral", "referral"), ("api:interview", "interview"), ("api:pathway", "pathway")]
)
def test_a_detail_read_is_audited_with_the_tokens_owner_as_actor(op_api, operator, records_a, name, key):
    record = records_a[key]
    response = op_api.get(reverse(name, args=[record.pk]))
    assert response.status_code == 200 and response.json()["id"] == record.pk
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(record.pk))
    assert entry.actor == operator
    assert entry.content_type.model == type(record)._meta.model_name


def test_lists_are_not_audited_like_the_list_pages(op_api, records_a):
    for name in LISTS:
        op_api.get(reverse(name))
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


@pytest.mark.parametrize("name", LISTS)
def test_lists_keep_a_constant_query_count(operator, name, django_assert_max_num_queries):
    api = ApiClient(token_for(operator))

    def add(n):
        for _ in range(n):
            referral = factories.ReferralFactory(assigned_to=[operator])
            referral.exploitation_forms.set(ExploitationForm.objects.all()[:2])
            factories.InterviewFactory(referral=referral)
            factories.PathwayFactory(assigned_to=[operator], person=referral.person)

    add(2)
    api.get(reverse(name))  # the token's last use is written on the first request
    with django_assert_max_num_queries(6) as few:
        assert len(api.get(reverse(name)).json()["results"]) == 2
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(reverse(name)).json()["results"]) == 22


def test_lists_come_in_cursor_pages(operator, settings):
    settings.API_PAGE_SIZE = 2
    api = ApiClient(token_for(operator))
    made = [factories.ReferralFactory(assigned_to=[operator]).pk for _ in range(5)]
    seen, url = [], reverse("api:referrals")
    while url:
        body = api.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
        assert url is None or "cursor=" in url
    assert seen == sorted(made, reverse=True)
    assert api.get(reverse("api:referrals"), {"cursor": "not-a-cursor"}).status_code == 404


def test_each_token_has_its_own_request_budget(operator, settings):
    settings.API_THROTTLE_RATE = "2/min"
    first, second = ApiClient(token_for(operator, "a")), ApiClient(token_for(operator, "b"))
    assert [first.get(reverse("api:referrals")).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(reverse("api:referrals")).status_code == 200


def test_a_huge_or_foreign_id_is_a_404(op_api):
    assert op_api.get("/api/v1/referrals/99999999999999999999999/").status_code == 404
    assert op_api.get("/api/v1/referrals/0/").status_code == 404


# --- statistics -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coord_api", "network_api"])
def test_statistics_are_the_pages_figures_under_the_same_rounding(request, who, operator):
    for _ in range(3):
        factories.ReferralFactory(assigned_to=[operator], received_at=timezone.now())
    api = request.getfixturevalue(who)
    year = timezone.localdate().year
    response = api.get(reverse("api:statistics"), {"year": year, "part": "year"})
    assert response.status_code == 200, response.content
    body = response.json()
    expected = stats_selectors.statistics(periods.whole_year(year))
    assert body["period"] == {
        "year": year,
        "part": "year",
        "start": f"{year}-01-01",
        "end": f"{year}-12-31",
        "running": True,
    }
    assert body["rounded"] is True and body["rule"] == expected["rule"]
    figures = {(s["key"], f["key"]): f["value"] for s in body["sections"] for f in s["figures"]}
    assert figures == {(s["key"], f["key"]): f["value"] for s in expected["sections"] for f in s["figures"]}
    assert figures[("referrals", "referrals")] == 5  # 3 referrals, published under controlled rounding
    assert all(v % 5 == 0 for v in figures.values())
    event = Event.objects.get(kind=Event.Kind.EXPORT)
    assert event.details["format"] == "api" and event.details["period"] == str(year)


@pytest.mark.parametrize(
    "query",
    [{"part": "q5"}, {"part": "m13"}, {"year": "abc"}, {"year": "1200"}, {"year": "9999"}, {"part": "x" * 300}],
)
def test_statistics_refuse_a_period_that_is_none_with_400(coord_api, query):
    response = coord_api.get(reverse("api:statistics"), query)
    assert response.status_code == 400, response.content
    assert response.json()


def test_statistics_default_to_the_current_year(coord_api):
    body = coord_api.get(reverse("api:statistics")).json()
    assert body["period"]["year"] == timezone.localdate().year and body["period"]["part"] == "year"


def test_the_statistics_roles_are_the_pages():
    from api.views import STATISTICS_ROLES
    from stats.views import STATISTICS_ROLES as PAGE_ROLES

    assert STATISTICS_ROLES == PAGE_ROLES


@pytest.mark.parametrize("who", ["op_api", "admin_api", "partner_api"])
def test_other_roles_get_no_statistics(request, who):
    assert request.getfixturevalue(who).get(reverse("api:statistics")).status_code == 404


# --- the portal -------------------------------------------------------------------------------------------------


def _referral(**overrides) -> str:
    data = {
        "first_name": "Blessing",
        "last_name": "Okoro",
        "gender": "female",
        "birth_year": 2001,
        "urgency": "priority",
        "reason": "Lavora senza paga e ha paura.",
        "exploitation_forms": ["labour"],
    }
    data.update(overrides)
    return json.dumps(data)


def test_a_partner_submits_a_referral_and_gets_only_the_receipt(partner_api, partner, coordinator):
    response = partner_api.post(reverse("api:portal_referrals"), _referral(), content_type="application/json")
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert response.json() == {"case_code": referral.person.case_code, "date": timezone.localdate().isoformat()}
    assert (referral.channel, referral.status, referral.referring_body) == (
        Referral.Channel.PORTAL,
        Referral.Status.NEW,
        partner.partner_body,
    )
    assert referral.person.last_name == "Okoro"
    assert [f.code for f in referral.exploitation_forms.all()] == ["labour"]
    assert coordinator.notifications.count() == 1
    listing = partner_api.get(reverse("api:portal_referrals")).json()["results"]
    assert listing == [
        {"id": referral.pk, "case_code": referral.person.case_code, "date": listing[0]["date"], "status": "received"}
    ]


def test_the_same_submission_twice_records_one_referral(partner_api):
    body = _referral(submission=str(uuid.uuid4()))
    first = partner_api.post(reverse("api:portal_referrals"), body, content_type="application/json")
    second = partner_api.post(reverse("api:portal_referrals"), body, content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"first_name": "", "last_name": "", "aliases": " "},
        {"reason": "  "},
        {"birth_year": timezone.localdate().year + 1},
        {"exploitation_forms": ["nope"]},
        {"urgency": "whenever"},
        {"submission": "not-a-uuid"},
    ],
)
def test_bad_input_is_a_400_with_the_field_and_saves_nothing(partner_api, overrides):
    response = partner_api.post(
        reverse("api:portal_referrals"), _referral(**overrides), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert set(response.json()) & {
        "first_name",
        "last_name",
        "reason",
        "birth_year",
        "exploitation_forms",
        "urgency",
        "submission",
    }
    assert not Referral.objects.exists()


def test_not_json_is_a_400_or_415(partner_api):
    response = partner_api.post(
        reverse("api:portal_referrals"), "x=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    response = partner_api.post(reverse("api:portal_referrals"), "{", content_type="application/json")
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_a_partner_sees_only_her_bodys_portal_referrals(partner_api):
    other = factories.PartnerUserFactory(username="other_cas")
    ApiClient(token_for(other)).post(reverse("api:portal_referrals"), _referral(), content_type="application/json")
    factories.ReferralFactory()  # a phone referral
    assert partner_api.get(reverse("api:portal_referrals")).json()["results"] == []


@pytest.mark.parametrize("who", ["op_api", "coord_api", "admin_api", "network_api"])
def test_only_partner_accounts_submit(request, who):
    api = request.getfixturevalue(who)
    response = api.post(reverse("api:portal_referrals"), _referral(), content_type="application/json")
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_a_partner_reads_no_record_after_sending_it(partner_api):
    partner_api.post(reverse("api:portal_referrals"), _referral(), content_type="application/json")
    referral = Referral.objects.get()
    assert partner_api.get(reverse("api:referral", args=[referral.pk])).status_code == 404
    assert "Okoro" not in partner_api.get(reverse("api:portal_referrals")).text
