"""The reach page: sessions held, people reached and the referrals that followed, over a period.

Every figure below is computed by hand from the fixture ``sessions`` (tested in English).
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis import access
from ceis.partners.models import PartnerBody
from groups import reach
from groups.models import AttendanceRow, GroupSession, SessionReferral
from materials.models import Language
from referrals.models import Referral
from tests import factories

URL = reverse("reach:overview")
PERIOD = {"from": "2025-01-01", "to": "2025-06-30"}
HALF_YEAR = reach.Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))


@pytest.fixture(autouse=True)
def _english(request):
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


def _at(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def _session(when, centre, operator, rows=(), languages=(), status="held") -> GroupSession:
    """``rows``: (nationality, gender, language code or None, count)."""
    session = GroupSession.objects.create(held_at=when, host_centre=centre, created_by=operator, status=status)
    access.assign(session, operator, by=operator)
    session.languages.set(Language.objects.filter(code__in=languages))
    for nationality, gender, language, count in rows:
        AttendanceRow.objects.create(
            session=session,
            nationality=nationality,
            gender=gender,
            language=Language.objects.get(code=language) if language else None,
            count=count,
        )
    return session


def _follow_up(session, *, outcome: str = "") -> Referral:
    referral = factories.ReferralFactory(channel=Referral.Channel.GROUP_SESSION, referring_body=session.host_centre)
    if outcome:
        referral.status = Referral.Status.CLOSED
        referral.outcome = outcome
        referral.closed_at = timezone.now()
    else:
        referral.status = Referral.Status.ASSIGNED
    referral.save()
    SessionReferral.objects.create(session=session, referral=referral)
    return referral


@pytest.fixture
def centres(db):
    return (
        PartnerBody.objects.create(name="CAS Alfa", kind=PartnerBody.Kind.CAS, municipality="Lucca"),
        PartnerBody.objects.create(name="CAS Beta", kind=PartnerBody.Kind.CAS, municipality="Capannori"),
    )


@pytest.fixture
def sessions(centres, operator, operator_b):
    alfa, beta = centres
    s1 = _session(
        _at(2025, 2, 10, 10),
        alfa,
        operator,
        rows=[("NG", "female", "en", 5), ("NG", "male", "en", 3), ("ER", "male", "ti", 4)],
        languages=["en"],
    )
    s2 = _session(
        _at(2025, 3, 15, 15),
        beta,
        operator,
        rows=[("BD", "male", "bn", 6), ("NG", "female", "en", 2), ("SN", "male", None, 1)],
    )
    s3 = _session(_at(2025, 6, 30, 23, 30), alfa, operator, rows=[("ER", "female", "ti", 2)])
    # Outside the period by minutes, on both sides.
    after = _session(_at(2025, 7, 1, 0, 10), alfa, operator, rows=[("NG", "female", "en", 100)])
    before = _session(_at(2024, 12, 31, 23, 59), beta, operator, rows=[("NG", "male", "en", 50)])
    # Operator B's session: not operator A's to see.
    s_b = _session(_at(2025, 4, 1, 9), beta, operator_b, rows=[("GM", "male", "wo", 7)])
    referrals = [
        _follow_up(s1),
        _follow_up(s1, outcome=Referral.Outcome.TAKEN_IN_CHARGE),
        _follow_up(s2, outcome=Referral.Outcome.AT_RISK),
        _follow_up(after),
        _follow_up(s_b),
    ]
    return {"s1": s1, "s2": s2, "s3": s3, "after": after, "before": before, "b": s_b, "referrals": referrals}


def _figures(lines, attr="people"):
    return {line.key: getattr(line, attr) for line in lines}


class _Tables(HTMLParser):
    """Text of each cell of each table, by table id."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _tables(response) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


# --- the selector, with hand-computed figures -------------------------------------------------


def test_it_counts_the_operators_own_sessions_in_the_period(sessions, operator):
    result = reach.reach(access.visible(GroupSession, operator), HALF_YEAR)
    assert result.sessions == 3
    assert result.people == 5 + 3 + 4 + 6 + 2 + 1 + 2 == 23
    assert _figures(result.by_nationality) == {"NG": 10, "ER": 6, "BD": 6, "SN": 1}
    assert _figures(result.by_gender) == {"female": 9, "male": 14}
    assert _figures(result.by_host_centre) == {sessions["s1"].host_centre_id: 14, sessions["s2"].host_centre_id: 9}
    assert _figures(result.by_host_centre, "sessions") == {
        sessions["s1"].host_centre_id: 2,
        sessions["s2"].host_centre_id: 1,
    }
    en, ti, bn = (Language.objects.get(code=c).pk for c in ("en", "ti", "bn"))
    assert _figures(result.by_language) == {en: 10, ti: 6, bn: 6, None: 1}
    assert result.referrals.total == 3
    assert result.referrals.open == 1
    assert result.referrals.closed == 2
    assert _figures(result.referrals.closed_by_outcome) == {"taken_in_charge": 1, "at_risk": 1}


def test_a_coordinator_counts_every_session_in_the_period(sessions, coordinator):
    period = reach.Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    result = reach.reach(access.visible(GroupSession, coordinator), period)
    assert result.sessions == 4
    assert result.people == 23 + 7
    assert _figures(result.by_nationality) == {"NG": 10, "ER": 6, "BD": 6, "GM": 7, "SN": 1}
    assert _figures(result.by_gender) == {"female": 9, "male": 21}
    assert _figures(result.by_host_centre) == {sessions["s1"].host_centre_id: 14, sessions["s2"].host_centre_id: 16}
    assert _figures(result.by_host_centre, "sessions") == {
        sessions["s1"].host_centre_id: 2,
        sessions["s2"].host_centre_id: 2,
    }
    assert result.referrals.total == 4
    assert result.referrals.open == 2
    assert result.referrals.closed == 2


def test_a_session_without_attendance_counts_as_held_with_nobody(centres, operator):
    _session(_at(2025, 5, 5, 10), centres[0], operator)
    result = reach.reach(access.visible(GroupSession, operator), reach.Period.year(2025))
    assert (result.sessions, result.people) == (1, 0)
    assert _figures(result.by_host_centre) == {centres[0].pk: 0}
    assert result.by_nationality == result.by_gender == result.by_language == []
    assert result.referrals.total == 0


def test_the_period_includes_both_days_whole(sessions, operator):
    visible = access.visible(GroupSession, operator)
    assert reach.reach(visible, reach.Period(datetime.date(2025, 6, 30), datetime.date(2025, 6, 30))).people == 2
    assert reach.reach(visible, reach.Period(datetime.date(2025, 7, 1), datetime.date(2025, 7, 1))).people == 100
    assert reach.reach(visible, reach.Period(datetime.date(2024, 12, 31), datetime.date(2024, 12, 31))).people == 50


# --- the page ------------------------------------------------------------------------------------


def test_it_shows_the_operators_reach(op_client, sessions):
    response = op_client.get(URL, PERIOD)
    assert response.status_code == 200
    tables = _tables(response)
    assert tables["table-nationality"][1:] == [
        ["Nigeria", "10"],
        ["Bangladesh", "6"],
        ["Eritrea", "6"],
        ["Senegal", "1"],
        ["Total", "23"],
    ]
    assert tables["table-gender"][1:] == [["female", "9"], ["male", "14"]]
    assert tables["table-centre"][1:] == [["CAS Alfa", "2", "14"], ["CAS Beta", "1", "9"]]
    assert tables["table-language"][1:] == [
        ["English", "10"],
        ["Bengali", "6"],
        ["Tigrinya", "6"],
        ["not recorded", "1"],
    ]
    assert tables["table-referrals"] == [
        ["Still open", "1"],
        ["Closed", "2"],
        ["presumed victim taken in charge", "1"],
        ["at risk / informed", "1"],
        ["Total", "3"],
    ]
    content = response.content.decode()
    assert "3 sessions held" in content
    assert "23 people reached" in content
    assert "Gambia" not in content


def test_a_coordinator_sees_the_other_operators_session(coord_client, sessions):
    tables = _tables(coord_client.get(URL, PERIOD))
    assert ["Gambia", "7"] in tables["table-nationality"]
    assert tables["table-nationality"][-1] == ["Total", "30"]
    assert tables["table-centre"][1:] == [["CAS Beta", "2", "16"], ["CAS Alfa", "2", "14"]]


def test_it_never_shows_a_name(coord_client, sessions):
    for i, referral in enumerate(sessions["referrals"]):
        # Names that cannot occur elsewhere on the page (the factories' "Nome<n>" is also a user's name).
        referral.person.first_name, referral.person.last_name = f"Zelinda{i}", f"Quarantotto{i}"
        referral.person.save()
    content = coord_client.get(URL, PERIOD).content.decode()
    for referral in sessions["referrals"]:
        person = referral.person
        assert person.first_name not in content
        assert person.last_name not in content
        assert person.case_code not in content


def test_it_defaults_to_the_current_year(op_client, centres, operator):
    now = timezone.localtime()
    _session(now, centres[0], operator, rows=[("NG", "female", "en", 4)])
    _session(now.replace(year=now.year - 1), centres[0], operator, rows=[("NG", "female", "en", 9)])
    response = op_client.get(URL)
    assert response.context["period"] == reach.Period.year(now.year)
    assert response.context["reach"].people == 4
    assert f'value="{now.year}-01-01"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-06-30", "to": "2025-01-01"}, "The start of the period comes after its end."),
        ({"from": "yesterday", "to": "2025-01-01"}, "Enter a valid date."),
        ({"from": "2025-02-30"}, "Enter a valid date."),
        ({"from": "1800-01-01", "to": "2025-01-01"}, "Choose dates between"),
        ({"from": "2025-01-01", "to": "9999-12-31"}, "Choose dates between"),
    ],
)
def test_a_bad_period_shows_a_message_not_a_500(op_client, sessions, query, message):
    response = op_client.get(URL, query)
    assert response.status_code == 200
    assert response.context["reach"] is None
    content = response.content.decode()
    assert message in content
    assert "Check the period" in content
    assert "table-nationality" not in content


def test_a_period_with_no_sessions_says_so(op_client, sessions):
    response = op_client.get(URL, {"from": "2020-01-01", "to": "2020-12-31"})
    assert "No sessions were held in this period." in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_it_runs_a_constant_number_of_queries(
    op_client, coord_client, centres, operator, count, django_assert_max_num_queries
):
    for i in range(count):
        session = _session(
            _at(2025, 1 + i % 12, 1 + i % 28, 10),
            centres[i % 2],
            operator,
            rows=[("NG", "female", "en", 2), ("ER", "male", "ti", 1), ("SN", "male", None, 1)],
            languages=["en", "fr"],
        )
        _follow_up(session, outcome=Referral.Outcome.AT_RISK if i % 2 else "")
    for client in (op_client, coord_client):
        with django_assert_max_num_queries(12):
            response = client.get(URL, {"from": "2025-01-01", "to": "2025-12-31"})
        assert response.context["reach"].sessions == count
        assert response.context["reach"].people == 4 * count


# --- access --------------------------------------------------------------------------------------


def test_an_admin_gets_404(admin_client_role, sessions):
    assert admin_client_role.get(URL, PERIOD).status_code == 404


def test_anonymous_users_go_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_with_no_role_gets_404(client, db):
    client.force_login(factories.UserFactory(username="nobody"))
    assert client.get(URL).status_code == 404


def test_it_answers_get_only(op_client):
    assert op_client.post(URL, PERIOD).status_code == 405


def test_the_template_has_no_inline_script_or_style(coord_client, sessions):
    content = coord_client.get(URL, PERIOD).content.decode()
    assert "style=" not in content
    assert "<script>" not in content
