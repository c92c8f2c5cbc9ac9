"""Statistics for a period: hand-computed figures on a fixture built for them, suppression, access."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from stats import periods
from stats import selectors as stats
from tests import factories

URL = reverse("caseload:statistics")
PERIOD = {"year": "2025", "part": "year"}
YEAR = periods.whole_year(2025)


def _at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


@pytest.fixture
def fixture(db):
    """2025: NG 10 women born 1999, ER 2 trans women born 2010 (minors), BD 5 men born 1985; one 2024 referral."""
    people = [("NG", "female", 1999)] * 10 + [("ER", "trans_woman", 2010)] * 2 + [("BD", "male", 1985)] * 5
    cas = factories.PartnerBodyFactory(kind="cas")
    questura = factories.PartnerBodyFactory(kind="questura")
    referrals = []
    for i, (nationality, gender, born) in enumerate(people):
        person = factories.PersonFactory(nationality=nationality, gender=gender, birth_year=born, minor=born == 2010)
        referrals.append(
            factories.ReferralFactory(
                person=person,
                referring_body=cas if i < 12 else questura,
                urgency=Referral.Urgency.PRIORITY if i < 3 else Referral.Urgency.ROUTINE,
                received_at=_at(2025, 3, 1 + i),
            )
        )
    factories.ReferralFactory(received_at=_at(2024, 12, 31))  # outside the period
    for r in referrals[:4]:
        factories.InterviewFactory(referral=r, status="completed", scheduled_at=None, held_at=_at(2025, 4, 1))
    factories.InterviewFactory(referral=referrals[5])  # scheduled, not held
    lucca = factories.PartnerBodyFactory(name="CAS Lucca")
    injected = factories.PartnerBodyFactory(name="=cmd()")
    for host, count in ((lucca, 5), (lucca, 7), (injected, 1)):
        session = factories.GroupSessionFactory(host_centre=host, held_at=_at(2025, 5, 1))
        factories.AttendanceRowFactory(session=session, count=count)
    for started in (datetime.date(2024, 6, 1),) * 3:
        factories.PathwayFactory(started_on=started, phase="second_stage")
    for _ in range(4):
        factories.PathwayFactory(started_on=datetime.date(2025, 3, 1), phase="first_assistance")
    closed = factories.PathwayFactory(started_on=datetime.date(2025, 2, 1), phase="autonomy")
    closed.ended_on = datetime.date(2025, 10, 1)
    closed.closure_reason = "autonomy"
    closed.save()
    closed.job_placements.create(kind="fixed_term", employer="Ditta", start=datetime.date(2025, 6, 1))
    return referrals


def _figures(data, section):
    return {f["key"]: f["value"] for s in data["sections"] if s["key"] == section for f in s["figures"]}


def _breakdown(data, key):
    for s in data["sections"]:
        for b in s["breakdowns"]:
            if b["key"] == key:
                return b, {r["key"]: r["value"] for r in b["rows"]}
    raise KeyError(key)


def test_it_counts_what_was_computed_by_hand(fixture, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        raw = stats.collect(YEAR)
    assert _figures(raw, "sirit") == {
        "contacts": 17,
        "assessments": 4,
        "taken_in_charge_new": 5,
        "taken_in_charge_ongoing": 3,
        "social_inclusion": 1,
        "follow_up": 1,
    }
    assert _figures(raw, "people") == {"people": 17, "minors": 2}
    assert _figures(raw, "activities") == {"interviews": 4, "interviews_substituted": 0, "sessions": 3, "reached": 13}
    assert _breakdown(raw, "nationality")[1] == {"NG": 10, "ER": 2, "BD": 5}
    assert _breakdown(raw, "gender")[1] == {"female": 10, "trans_woman": 2, "male": 5}
    assert _breakdown(raw, "age")[1] == {"25_34": 10, "under_18": 2, "35_plus": 5}
    assert _breakdown(raw, "referring_body_kind")[1] == {"cas": 12, "questura": 5}
    assert _breakdown(raw, "urgency")[1] == {"routine": 14, "priority": 3}
    assert _breakdown(raw, "phase")[1] == {"first_assistance": 4, "second_stage": 3, "autonomy": 1}
    assert _breakdown(raw, "closure_reason")[1] == {"autonomy": 1}
    assert _breakdown(raw, "month")[1] == {"2025-03": 17}


def test_it_rounds_every_count_to_a_multiple_of_five_that_adds_up(fixture):
    """NG 10, ER 2, BD 5 (total 17): shown 10, 0 and 5 under a total of 15; the 2 is neither shown nor derivable."""
    data = stats.statistics(YEAR)
    table, nationality = _breakdown(data, "nationality")
    assert nationality == {"NG": 10, "BD": 5}  # ER rounds to 0: not listed
    assert table["total"] == 15 == _figures(data, "people")["people"]
    assert _breakdown(data, "gender")[1] == {"female": 10, "male": 5}
    assert _figures(data, "sirit")["follow_up"] == 0  # one pathway closed
    assert _figures(data, "sirit")["contacts"] == 15
    assert _breakdown(data, "closure_reason")[0]["rows"] == []
    for section in data["sections"]:
        assert all(f["value"] % 5 == 0 for f in section["figures"]), section["key"]
        for b in section["breakdowns"]:
            assert all(r["value"] % 5 == 0 and r["value"] > 0 for r in b["rows"]), b["key"]


def test_the_page_and_its_chart_data_show_no_small_count(coord_client, fixture):
    response = coord_client.get(URL, PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="period-label">2025<' in page
    chart = json.loads(
        response.content.decode().split('id="stats-data" type="application/json">')[1].split("</script>")[0]
    )
    nationality = next(c for c in chart["charts"] if c["key"] == "nationality")
    assert nationality["values"] == [10, 5]
    for c in chart["charts"]:
        assert all(v % 5 == 0 for v in c["values"]), c
    assert "chartjs-4.6.1/chart.umd.min.js" in page


def test_it_defaults_to_the_current_year(coord_client, db):
    response = coord_client.get(URL)
    assert response.status_code == 200
    assert response.context["period"] == periods.whole_year(timezone.localdate().year)
    assert response.context["start"] == timezone.localdate().replace(month=1, day=1)


@pytest.mark.parametrize(
    "query, period",
    [
        ({"year": "2025", "part": "q1"}, periods.quarter(2025, 1)),
        ({"year": "2025", "part": "m03"}, periods.month(2025, 3)),
        ({"year": "2025", "part": "year"}, YEAR),
        ({"from": "2025-04-01", "to": "2025-06-30"}, periods.quarter(2025, 2)),  # an old link to a quarter
        ({"from": "2025-02-01", "to": "2025-02-28"}, periods.month(2025, 2)),
    ],
)
def test_it_shows_the_calendar_period_asked_for(coord_client, db, query, period):
    response = coord_client.get(URL, query)
    assert response.status_code == 200
    assert response.context["period"] == period
    assert not list(response.context["messages"])
    page = response.content.decode()
    assert f'<option value="{period.part}" selected>' in page
    assert f"year={period.year}&amp;part={period.part}" in page  # the exports follow the period


@pytest.mark.parametrize(
    "query",
    [
        {"from": "yesterday"},
        {"from": "2025-12-31", "to": "2025-01-01"},
        {"to": "2025-13-40"},
        {"from": "2025-01-01", "to": "2025-03-15"},  # a free period: no longer served
        {"from": "2026-01-01", "to": "9999-12-31"},
        {"year": "yesterday"},
        {"year": "2025", "part": "q7"},
        {"year": "9999", "part": "year"},
        {"year": "0000", "part": "m01"},
        {"year": "1200", "part": "q1"},
    ],
)
def test_it_says_so_when_the_period_is_wrong(coord_client, db, query):
    response = coord_client.get(URL, query, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert response.context["period"] == periods.default()


def test_the_period_picker_is_a_labelled_form_in_italian(coord_client, db):
    from django.utils import translation

    with translation.override("it"):
        page = coord_client.get(URL, {"year": "2025", "part": "q2"}, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert '<label class="form-label" for="stats-year">' in page
    assert '<label class="form-label" for="stats-part">' in page
    assert "<legend" in page
    assert "trimestre" in page


@pytest.mark.parametrize(
    "name", ["caseload:statistics", "caseload:statistics_csv", "caseload:statistics_xlsx", "caseload:reports"]
)
@pytest.mark.parametrize("who", ["op_client", "admin_client_role"])
def test_it_answers_404_to_operators_and_admins(request, db, name, who):
    client = request.getfixturevalue(who)
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse(name)).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_template_has_no_inline_script_or_style():
    from pathlib import Path

    from django.conf import settings

    source = (Path(settings.BASE_DIR) / "templates" / "stats" / "statistics.html").read_text()
    assert "style=" not in source
    assert "<script>" not in source


def test_the_page_runs_as_many_queries_however_many_records(coord_client, db):
    """Counted (first view of a period) or read from its snapshot (next views): a fixed number either way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(period):
        with CaptureQueriesContext(connection) as ctx:
            assert coord_client.get(URL, period).status_code == 200
        return len(ctx)

    factories.ReferralFactory(received_at=_at(2024, 3, 1))
    for i in range(6):
        factories.ReferralFactory(
            person=factories.PersonFactory(nationality=["NG", "ER", "BD"][i % 3]), received_at=_at(2025, 4 + i, 1)
        )
        factories.PathwayFactory(started_on=datetime.date(2025, 5, 1))
    few, many = queries({"year": "2024", "part": "year"}), queries(PERIOD)
    assert few == many
    assert few <= 25
    assert queries(PERIOD) <= few - 12  # the month snapshots in one query instead of the counting
