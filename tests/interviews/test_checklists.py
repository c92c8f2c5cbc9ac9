"""Checklists beside the ILO/EU lists: items in sections, no strengths and no combination rule.

A checklist (for instance the questions of a set of guidelines the service works with) is loaded, checked,
published and corrected like a list; an interview answers every checklist in use beside its lists and keeps the
version it answered; the profile applies the rule only to the ILO/EU lists. Every checklist here is synthetic.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interviews.models import CatalogueVersion, Indicator, IndicatorAnswer, Interview, InterviewList
from interviews.versions import io as list_io
from interviews.versions import services as version_services
from referrals.models import ExploitationForm
from tests import factories

IMPORT = reverse("catalogue:import")
CODE = "synthetic-guidelines"


def checklist_rows(code: str = CODE, text: str = "SYNTHETIC question") -> list[list_io.Row]:
    """Two sections of two SYNTHETIC items each."""
    rows = []
    for s_index, section in enumerate(("SYNTHETIC section A", "SYNTHETIC section B"), start=1):
        for n in (1, 2):
            item = f"{code}-{s_index}{n}"
            rows.append(
                list_io.Row(code, "", "", s_index * 10 + n, item, f"{text} {item}", f"Domanda FITTIZIA {item}", section)
            )
    return rows


def _csv(rows, *, raw_rows=()) -> bytes:
    data = list_io.to_csv(rows, list_io.CHECKLIST)
    for raw in raw_rows:
        data += (",".join(raw) + "\r\n").encode()
    return data


def _meta(**extra):
    return {
        "kind": "checklist",
        "code": CODE,
        "name": "SYNTHETIC guidelines checklist",
        "label": "1 — not verified",
        "source_title": "SYNTHETIC source",
        **extra,
    }


@pytest.fixture
def admin(db):
    return factories.AdminFactory(username="checklists_admin", language="en")


@pytest.fixture
def admin_http(admin):
    c = Client()
    c.force_login(admin)
    return c


def _upload(client, data: bytes, **meta):
    return client.post(IMPORT, {**_meta(**meta), "file": SimpleUploadedFile("checklist.csv", data)})


def _published(admin, rows=None, **meta) -> CatalogueVersion:
    version = version_services.version_import(
        code=CODE,
        meta={
            "kind": "checklist",
            "name": "SYNTHETIC guidelines checklist",
            "label": "1",
            "source_title": "SYNTHETIC",
            **meta,
        },
        rows=rows or checklist_rows(),
        by=admin,
    )
    return version_services.version_publish(version=version, by=admin)


# Loading -----------------------------------------------------------------------------------------------------


def test_the_checklist_template_has_sections_and_no_strength(admin_http):
    response = admin_http.get(reverse("catalogue:template", args=["csv"]) + "?kind=checklist")
    assert response.content.decode("utf-8-sig").strip() == "list,section,position,code,text_en,text_it"


def test_a_checklist_is_imported_as_a_draft_with_its_sections_counted(admin_http, admin):
    response = _upload(admin_http, _csv(checklist_rows()))
    version = CatalogueVersion.objects.get(kind="checklist")
    assert response.status_code == 302
    assert (version.code, version.status, version.audience, version.exploitation) == (CODE, "draft", "", "")
    assert version.indicators.count() == 4
    assert set(version.indicators.values_list("strength", "dimension")) == {("", "")}
    page = admin_http.get(reverse("catalogue:version", args=[version.pk]))
    assert [(s.section, s.n) for s in page.context["sections"]] == [
        ("SYNTHETIC section A", 2),
        ("SYNTHETIC section B", 2),
    ]
    assert 'id="section-counts"' in page.text and 'id="counts"' not in page.text


@pytest.mark.parametrize(
    ("raw", "column", "message"),
    [
        ([CODE, "", "9", "x-9", "SYNTHETIC", "FITTIZIO"], "column section", "section is empty"),
        ([CODE, "=cmd", "9", "x-9", "SYNTHETIC", "FITTIZIO"], "column section", "may not start"),
        (["other-list", "S", "9", "x-9", "SYNTHETIC", "FITTIZIO"], "column list", "for the list"),
        ([CODE, "S", "9", "x-9", "SYNTHETIC", ""], "column text_it", "Italian text is empty"),
    ],
)
def test_a_bad_checklist_row_is_named_and_nothing_is_saved(admin_http, raw, column, message):
    response = _upload(admin_http, _csv(checklist_rows(), raw_rows=[raw]))
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and errors[0].startswith(f"Row 6, {column}:") and message in errors[0], errors
    assert not CatalogueVersion.objects.filter(kind="checklist").exists()


def test_a_checklist_needs_a_code_and_an_ilo_list_needs_its_list(admin_http):
    response = _upload(admin_http, _csv(checklist_rows()), code="")
    assert response.context["form"].has_error("code")
    ilo = _upload(admin_http, _csv(checklist_rows()), kind="ilo", code="")
    assert ilo.context["form"].has_error("list")
    assert not CatalogueVersion.objects.filter(kind="checklist").exists()
    assert not CatalogueVersion.objects.filter(status="draft").exists()


def test_a_checklist_file_round_trips_exactly(admin_http, admin):
    version = _published(admin)
    for fmt in ("csv", "xlsx"):
        exported = admin_http.get(reverse("catalogue:export", args=[version.pk, fmt])).content
        parsed = list_io.parse(exported, list_expected=CODE, kind=list_io.CHECKLIST)
        assert parsed.errors == []
        assert parsed.rows == list_io.rows_of(version)


def test_one_version_of_each_checklist_is_in_use_beside_the_ilo_lists(admin, db):
    first = _published(admin)
    second = _published(admin, rows=checklist_rows(text="SYNTHETIC reworded"), label="2")
    other = _published(admin, rows=checklist_rows("other-synthetic"), label="1")
    first.refresh_from_db()
    assert (first.status, second.status) == ("retired", "in_use")
    assert other.status == "in_use"  # another checklist: its own version in use
    assert CatalogueVersion.objects.filter(kind="ilo", status="in_use").exists()  # the labour lists stay in use
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogueVersion.objects.filter(pk=first.pk).update(status="in_use")


# In the interview --------------------------------------------------------------------------------------------


@pytest.fixture
def referral(operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code="labour"))
    return referral


def _held(**extra):
    held = timezone.localtime(timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    return {"held_at": held, "duration_minutes": "60", "action": "complete", **extra}


def test_the_interview_form_shows_each_checklist_by_section_without_strengths(op_client, admin, referral):
    _published(admin)
    response = op_client.get(reverse("interviews:record", args=[referral.pk]))
    html = response.content.decode()
    shown = response.context["indicator_form"].indicators
    assert {i.exploitation for i in shown if i.dimension} == {"labour"}  # the ILO list first, as before
    checklist = [i for i in shown if not i.dimension]
    assert [i.code for i in checklist] == [f"{CODE}-11", f"{CODE}-12", f"{CODE}-21", f"{CODE}-22"]
    assert shown.index(checklist[0]) > max(shown.index(i) for i in shown if i.dimension)
    assert "SYNTHETIC guidelines checklist" in html and "SYNTHETIC section B" in html
    legend = html[html.index(f"SYNTHETIC question {CODE}-11") :].split("</legend>")[0]
    assert "badge" not in legend  # no strength on a checklist's item


def test_answers_to_a_checklist_are_kept_with_its_version_and_summarised_without_the_rule(op_client, admin, referral):
    version = _published(admin)
    item = Indicator.objects.get(code=f"{CODE}-21")
    strong = Indicator.objects.get(code="adult-labour-dr-01")
    op_client.post(
        reverse("interviews:record", args=[referral.pk]),
        _held(**{f"a_{item.pk}": "reported", f"a_{strong.pk}": "observed"}),
    )
    interview = Interview.objects.get()
    assert IndicatorAnswer.objects.get(interview=interview, indicator=item).answer == "reported"
    assert InterviewList.objects.filter(interview=interview, version=version, needed="").count() == 1

    detail = op_client.get(reverse("interviews:detail", args=[interview.pk]))
    profiles, checklists = detail.context["profiles"], detail.context["checklists"]
    assert [lp.version.kind for lp in profiles] == ["ilo"]  # the rule applies to the ILO/EU list only
    assert [c.version for c in checklists] == [version]
    assert [(s.section, s.answered, s.present) for s in checklists[0].sections] == [("SYNTHETIC section B", 1, 1)]
    assert 'id="checklists"' in detail.text
    assert "List not verified against its source (SYNTHETIC guidelines checklist" in detail.text


def test_an_unanswered_checklist_is_not_recorded(op_client, admin, referral):
    _published(admin)
    op_client.post(reverse("interviews:record", args=[referral.pk]), _held())
    interview = Interview.objects.get()
    assert not InterviewList.objects.filter(interview=interview, needed="").exists()
    detail = op_client.get(reverse("interviews:detail", args=[interview.pk]))
    assert detail.context["checklists"] == [] and 'id="checklists"' not in detail.text


def test_a_correction_leaves_an_answered_interview_on_its_version(op_client, admin, referral):
    first = _published(admin)
    item = Indicator.objects.get(version=first, code=f"{CODE}-11")
    op_client.post(reverse("interviews:record", args=[referral.pk]), _held(**{f"a_{item.pk}": "observed"}))
    interview = Interview.objects.get()
    before = op_client.get(reverse("interviews:detail", args=[interview.pk])).context["checklists"]

    correction = version_services.version_start_correction(version=first, by=admin)
    correction.indicators.filter(code=f"{CODE}-11").update(text_en="SYNTHETIC corrected", section="SYNTHETIC new")
    version_services.version_publish(version=correction, by=admin)

    form = op_client.get(reverse("interviews:edit", args=[interview.pk]))
    versions = {i.version_id for i in form.context["indicator_form"].indicators if not i.dimension}
    assert versions == {first.pk}  # the interview keeps the version it answered
    after = op_client.get(reverse("interviews:detail", args=[interview.pk])).context["checklists"]
    assert [(c.version.pk, [(s.section, s.present) for s in c.sections]) for c in after] == [
        (b.version.pk, [(s.section, s.present) for s in b.sections]) for b in before
    ]
    new_interview_form = op_client.get(reverse("interviews:record", args=[referral.pk]))
    assert {i.version_id for i in new_interview_form.context["indicator_form"].indicators if not i.dimension} == {
        correction.pk
    }


def test_checklist_items_stay_off_the_ilo_catalogue_page(admin_http, admin):
    _published(admin)
    item = Indicator.objects.get(code=f"{CODE}-11")
    page = admin_http.get(reverse("catalogue:list"))
    assert f"SYNTHETIC question {CODE}-11" not in page.text
    assert admin_http.get(reverse("catalogue:edit", args=[item.pk])).status_code == 404
