"""The language gap: languages met in the sessions of a period in which the library holds no active material.

The fixture meets English, Tigrinya, Bengali and Wolof; the library holds active material in English
and Tigrinya and only an inactive one in Wolof: exactly Bengali and Wolof are missing.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ceis import access
from groups import reach
from groups.models import GroupSession
from materials.models import Language, Material
from tests.groups.test_reach import _at, _session, _tables

URL = reverse("reach:language_gap")
PERIOD = {"from": "2025-01-01", "to": "2025-06-30"}
HALF_YEAR = reach.Period(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))


@pytest.fixture(autouse=True)
def _english(request):
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


def _material(title, languages, *, active=True) -> Material:
    material = Material.objects.create(
        title=title, kind=Material.Kind.VIDEO, url="https://example.org/v", active=active
    )
    material.languages.set(Language.objects.filter(code__in=languages))
    return material


@pytest.fixture
def library(db):
    return {
        "en": _material("Video (English)", ["en"]),
        "ti_fr": _material("Slides (Tigrinya, French)", ["ti", "fr"]),
        "wo": _material("Leaflet (Wolof), withdrawn", ["wo"], active=False),
        "none": _material("Pictures only", []),
        "so": _material("Video (Somali)", ["so"]),
    }


@pytest.fixture
def sessions(library, operator, operator_b):
    from ceis.partners.models import PartnerBody

    centre = PartnerBody.objects.create(name="CAS Alfa", kind=PartnerBody.Kind.CAS, municipality="Lucca")
    return {
        "s1": _session(
            _at(2025, 1, 20, 10),
            centre,
            operator,
            rows=[("NG", "female", "en", 5), ("ER", "male", "ti", 4), ("SN", "male", None, 2)],
            languages=["en"],
        ),
        "s2": _session(
            _at(2025, 3, 3, 15),
            centre,
            operator,
            rows=[
                ("BD", "male", "bn", 6),
                ("GM", "male", "wo", 3),
                ("SN", "female", "wo", 2),
                ("NG", "female", "en", 1),
            ],
            languages=["en", "wo"],
        ),
        "s3": _session(
            _at(2025, 5, 8, 9),
            centre,
            operator,
            rows=[("BD", "male", "bn", 2), ("ML", "male", None, 1)],
            languages=["bn"],
        ),
        # Outside the period: Arabic is met only here.
        "before": _session(_at(2024, 11, 5, 10), centre, operator, rows=[("SD", "male", "ar", 9)], languages=["ar"]),
        # Operator B's: Urdu is met only here.
        "b": _session(_at(2025, 4, 4, 10), centre, operator_b, rows=[("PK", "male", "ur", 4)], languages=["ur"]),
    }


def _summary(gap: reach.LanguageGap):
    return [(m.language.code, m.people, m.sessions, [(n.key, n.people) for n in m.nationalities]) for m in gap.missing]


def test_it_finds_exactly_the_missing_languages(sessions, operator):
    gap = reach.language_gap(access.visible(GroupSession, operator), HALF_YEAR)
    assert _summary(gap) == [
        ("bn", 6 + 2, 2, [("BD", 8)]),
        ("wo", 3 + 2, 1, [("GM", 3), ("SN", 2)]),
    ]
    assert [language.code for language in gap.covered] == ["en", "ti"]
    assert [(line.key, line.people, line.sessions) for line in gap.unrecorded] == [("SN", 2, 1), ("ML", 1, 1)]
    assert gap.people_unrecorded == 3


def test_a_coordinator_also_meets_the_other_operators_languages(sessions, coordinator):
    gap = reach.language_gap(access.visible(GroupSession, coordinator), HALF_YEAR)
    assert _summary(gap) == [
        ("bn", 8, 2, [("BD", 8)]),
        ("wo", 5, 1, [("GM", 3), ("SN", 2)]),
        ("ur", 4, 1, [("PK", 4)]),
    ]


def test_a_language_met_outside_the_period_is_not_counted(sessions, operator):
    gap = reach.language_gap(access.visible(GroupSession, operator), reach.Period.year(2024))
    assert _summary(gap) == [("ar", 9, 1, [("SD", 9)])]
    assert gap.covered == []
    assert gap.unrecorded == []


def test_activating_a_material_closes_the_gap(sessions, library, operator):
    library["wo"].active = True
    library["wo"].save()
    gap = reach.language_gap(access.visible(GroupSession, operator), HALF_YEAR)
    assert [m.language.code for m in gap.missing] == ["bn"]
    assert [language.code for language in gap.covered] == ["en", "ti", "wo"]


def test_a_language_used_in_a_session_but_on_no_attendance_row_counts_its_session(library, operator):
    from ceis.partners.models import PartnerBody

    centre = PartnerBody.objects.create(name="CAS Beta", kind=PartnerBody.Kind.CAS)
    _session(_at(2025, 2, 2, 10), centre, operator, rows=[("NG", "male", "en", 3)], languages=["en", "pcm"])
    gap = reach.language_gap(access.visible(GroupSession, operator), HALF_YEAR)
    assert _summary(gap) == [("pcm", 0, 1, [])]


def test_no_sessions_no_gap(library, operator):
    gap = reach.language_gap(access.visible(GroupSession, operator), HALF_YEAR)
    assert (gap.missing, gap.covered, gap.unrecorded) == ([], [], [])


# --- the page ------------------------------------------------------------------------------------


def test_it_shows_the_missing_languages_and_the_unrecorded(op_client, sessions):
    response = op_client.get(URL, PERIOD)
    assert response.status_code == 200
    tables = _tables(response)
    assert tables["table-missing"][1:] == [
        ["Bengali", "Bangladesh (8)", "8", "2"],
        ["Wolof", "Gambia (3), Senegal (2)", "5", "1"],
    ]
    assert tables["table-unrecorded"][1:] == [["Senegal", "2", "1"], ["Mali", "1", "1"], ["Total", "3", ""]]
    content = response.content.decode()
    assert "2 languages without material" in content
    assert "Languages met with material: English, Tigrinya" in content
    assert "Urdu" not in content
    assert "Pakistan" not in content


def test_it_states_its_interpretation(op_client, sessions):
    content = op_client.get(URL, PERIOD).content.decode()
    assert (
        "the languages used in the sessions held in the period, and the languages recorded on their attendance rows"
        in content
    )
    assert "A language is missing when no active material of the library is in that language." in content
    assert "for those people the gap cannot be assessed" in content


def test_a_coordinator_sees_every_session(coord_client, sessions):
    tables = _tables(coord_client.get(URL, PERIOD))
    assert ["Urdu", "Pakistan (4)", "4", "1"] in tables["table-missing"]


def test_a_session_only_language_says_so(op_client, library, operator):
    from ceis.partners.models import PartnerBody

    centre = PartnerBody.objects.create(name="CAS Beta", kind=PartnerBody.Kind.CAS)
    _session(_at(2025, 2, 2, 10), centre, operator, languages=["pcm"])
    tables = _tables(op_client.get(URL, PERIOD))
    assert tables["table-missing"][1:] == [
        ["Nigerian Pidgin", "used in the session, not recorded on attendance", "0", "1"]
    ]


def test_with_no_sessions_it_says_no_language_was_met(op_client, library):
    content = op_client.get(URL, PERIOD).content.decode()
    assert "No language was met in this period." in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-06-30", "to": "2025-01-01"}, "The start of the period comes after its end."),
        ({"from": "2025-01-01", "to": "not a date"}, "Enter a valid date."),
    ],
)
def test_a_bad_period_shows_a_message_not_a_500(op_client, sessions, query, message):
    response = op_client.get(URL, query)
    assert response.status_code == 200
    assert response.context["gap"] is None
    assert message in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_it_runs_a_constant_number_of_queries(
    op_client, coord_client, library, operator, count, django_assert_max_num_queries
):
    from ceis.partners.models import PartnerBody

    centre = PartnerBody.objects.create(name="CAS Gamma", kind=PartnerBody.Kind.CAS)
    for i in range(count):
        _session(
            _at(2025, 1 + i % 6, 1 + i % 28, 10),
            centre,
            operator,
            rows=[("BD", "male", "bn", 2), ("GM", "male", "wo", 1), ("ML", "male", None, 1)],
            languages=["en", "pcm"],
        )
    for client in (op_client, coord_client):
        with django_assert_max_num_queries(10):
            response = client.get(URL, PERIOD)
        assert [(m.language.code, m.people, m.sessions) for m in response.context["gap"].missing] == [
            ("bn", 2 * count, count),
            ("wo", count, count),
            ("pcm", 0, count),
        ]


# --- access --------------------------------------------------------------------------------------


def test_an_admin_gets_404(admin_client_role, sessions):
    assert admin_client_role.get(URL, PERIOD).status_code == 404


def test_anonymous_users_go_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_get_only(op_client):
    assert op_client.post(URL, PERIOD).status_code == 405


def test_the_template_has_no_inline_script_or_style(coord_client, sessions):
    content = coord_client.get(URL, PERIOD).content.decode()
    assert "style=" not in content
    assert "<script>" not in content
