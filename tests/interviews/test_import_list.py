"""Admins download the template, upload a filled list, see one message per faulty row and column (nothing saved),
preview counts and differences, publish, and export any version in the same format, round-trip exact.
Every list here is synthetic."""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from interviews.models import CatalogueVersion, Indicator
from interviews.versions import io as list_io
from tests import factories
from tests.interviews.synthetic import synthetic_rows, synthetic_version

IMPORT = reverse("catalogue:import")


@pytest.fixture
def admin(db):
    return factories.AdminFactory(username="lists_admin", language="en")


@pytest.fixture
def client(admin):
    c = Client()
    c.force_login(admin)
    return c


def _meta(**extra):
    return {
        "list": "adult-sexual",
        "name": "SYNTHETIC adults, sexual exploitation",
        "label": "1 — not verified",
        "source_title": "SYNTHETIC source",
        "source_year": "2009",
        **extra,
    }


def _upload(client, data: bytes, name="list.csv", **meta):
    return client.post(IMPORT, {**_meta(**meta), "file": SimpleUploadedFile(name, data)})


def _csv(rows=None, *, raw_rows=()):
    data = list_io.to_csv(rows if rows is not None else synthetic_rows())
    for raw in raw_rows:
        data += (",".join(raw) + "\r\n").encode()
    return data


def test_the_templates_hold_every_column_and_no_indicator(client):
    csv = client.get(reverse("catalogue:template", args=["csv"]))
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").strip() == ",".join(list_io.COLUMNS)
    xlsx = client.get(reverse("catalogue:template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [list(list_io.COLUMNS)]
    assert client.get(reverse("catalogue:template", args=["pdf"])).status_code == 404


def test_an_upload_becomes_a_draft_with_counts_and_diff(client, admin):
    response = _upload(client, _csv(synthetic_rows(per_cell=2)))
    version = CatalogueVersion.objects.get(exploitation="sexual", audience="adult")
    assert response.url == reverse("catalogue:version", args=[version.pk])
    assert (version.status, version.loaded_by, version.indicators.count()) == ("draft", admin, 36)
    page = client.get(response.url)
    assert [(c.strong, c.medium, c.weak) for c in page.context["counts"]] == [(2, 2, 2)] * 6
    assert len(page.context["diff"].added) == 36


def test_the_diff_against_the_version_in_use_names_each_change(client, admin):
    in_use = synthetic_version(status="in_use")
    rows = synthetic_rows()
    changed = [
        list_io.Row(**{**rows[0].__dict__, "strength": "weak"}),
        list_io.Row(**{**rows[1].__dict__, "text_it": "FITTIZIO cambiato"}),
        *rows[2:-1],
        list_io.Row(
            "adult-sexual", "exploitation", "weak", 999, "adult-sexual-ex-99", "SYNTHETIC new", "FITTIZIO nuovo"
        ),
    ]
    _upload(client, _csv(changed))
    draft = CatalogueVersion.objects.get(status="draft")
    diff = client.get(reverse("catalogue:version", args=[draft.pk])).context["diff"]
    assert [i.code for i in diff.added] == ["adult-sexual-ex-99"]
    assert [i.code for i in diff.removed] == [rows[-1].code]
    assert [new.code for _old, new in diff.strength_changed] == [rows[0].code]
    assert [new.code for _old, new in diff.text_changed] == [rows[1].code]
    client.post(reverse("catalogue:publish", args=[draft.pk]))
    in_use.refresh_from_db()
    draft.refresh_from_db()
    assert (in_use.status, draft.status) == ("retired", "in_use")


BAD_ROWS = [
    (
        ["adult-sexual", "transport", "strong", "1", "x-1", "SYNTHETIC", "FITTIZIO"],
        "column dimension",
        "unknown dimension",
    ),
    (
        ["adult-sexual", "exploitation", "very", "1", "x-1", "SYNTHETIC", "FITTIZIO"],
        "column strength",
        "unknown strength",
    ),
    (["adult-sexual", "exploitation", "weak", "1", "x-1", "SYNTHETIC", ""], "column text_it", "Italian text is empty"),
    (
        ["adult-sexual", "exploitation", "weak", "1", "x-1", "=HYPERLINK(1)", "FITTIZIO"],
        "column text_en",
        "may not start",
    ),
    (["adult-sexual", "exploitation", "weak", "1", "x-1", "+1", "FITTIZIO"], "column text_en", "may not start"),
    (["adult-sexual", "exploitation", "weak", "1", "x-1", "SYNTHETIC", "-1"], "column text_it", "may not start"),
    (["adult-sexual", "exploitation", "weak", "1", "x-1", "@SUM", "FITTIZIO"], "column text_en", "may not start"),
    (
        ["adult-sexual", "exploitation", "weak", "1", "adult-sexual-dr-01", "SYNTHETIC", "FITTIZIO"],
        "column code",
        "duplicate code",
    ),
    (["adult-labour", "exploitation", "weak", "1", "x-1", "SYNTHETIC", "FITTIZIO"], "column list", "for the list"),
    (
        ["adult-sexual", "exploitation", "weak", "one", "x-1", "SYNTHETIC", "FITTIZIO"],
        "column position",
        "whole number",
    ),
]


@pytest.mark.parametrize(("raw", "column", "message"), BAD_ROWS)
def test_a_bad_row_gets_one_message_naming_row_and_column_and_nothing_is_saved(client, raw, column, message):
    before = (CatalogueVersion.objects.count(), Indicator.objects.count())
    response = _upload(client, _csv(raw_rows=[raw]))
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    bad_row = len(synthetic_rows()) + 2
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"Row {bad_row}, {column}:") and message in errors[0]
    assert 'id="import-errors"' in response.text
    assert (CatalogueVersion.objects.count(), Indicator.objects.count()) == before


def test_the_messages_are_in_the_users_language(client, admin):
    admin.language = "it"
    admin.save(update_fields=["language"])
    response = _upload(client, _csv(raw_rows=[BAD_ROWS[0][0]]))
    assert "Riga 20, colonna dimension: dimensione sconosciuta" in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_csv().decode("utf-8-sig").replace("SYNTHETIC", "SYNTHÉTIC").encode("latin-1"), "not in UTF-8"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
        (b"%PDF-1.4\x00\x01binary", "neither CSV nor XLSX"),
        (b"PK\x03\x04not really a zip", "neither CSV nor XLSX"),
        (b"name,text\r\na,b\r\n", "must name the columns"),
    ],
    ids=["encoding", "size", "pdf", "fake-zip", "header"],
)
def test_a_bad_file_is_refused_whole(client, data, message):
    before = CatalogueVersion.objects.count()
    response = _upload(client, data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["file"])
    assert CatalogueVersion.objects.count() == before


def test_a_csv_renamed_xlsx_is_read_by_its_content(client):
    _upload(client, _csv(), name="list.xlsx")
    assert CatalogueVersion.objects.filter(exploitation="sexual").count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trips_exactly(client, admin, fmt):
    original = synthetic_version(status="in_use", per_cell=2)
    exported = client.get(reverse("catalogue:export", args=[original.pk, fmt]))
    assert exported.status_code == 200
    _upload(client, exported.content, name=f"list.{fmt}")
    draft = CatalogueVersion.objects.get(status="draft")
    assert list_io.rows_of(draft) == list_io.rows_of(original)
    again = client.get(reverse("catalogue:export", args=[draft.pk, fmt])).content
    if fmt == "csv":
        assert again == exported.content
    else:
        assert list_io.parse(again, list_expected="adult-sexual").rows == list_io.rows_of(original)


def test_an_xlsx_formula_cell_is_refused(client):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(list_io.COLUMNS))
    sheet.append(["adult-sexual", "exploitation", "weak", 1, "x-1", "=1+1", "FITTIZIO"])
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, out.getvalue(), name="list.xlsx")
    assert response.context["form"].errors["file"] == ["Row 2, column text_en: a cell may not start with =, +, - or @."]


def test_importing_200_rows_takes_under_two_seconds(client):
    rows = synthetic_rows(per_cell=12)[:200]
    rows = [list_io.Row(**{**r.__dict__, "position": n}) for n, r in enumerate(rows, start=1)]
    assert len(rows) == 200
    start = time.perf_counter()
    _upload(client, _csv(rows))
    assert time.perf_counter() - start < 2
    assert Indicator.objects.filter(version__status="draft").count() == 200


def test_the_verification_checklist_records_name_and_date_only_when_every_row_is_ticked(client, admin):
    version = synthetic_version(status="in_use")
    ids = list(version.indicators.values_list("pk", flat=True))
    client.post(reverse("catalogue:check", args=[version.pk]), {f"c_{pk}": "on" for pk in ids[1:]})
    client.post(reverse("catalogue:verify", args=[version.pk]))
    assert CatalogueVersion.objects.get(pk=version.pk).verified_at is None
    client.post(reverse("catalogue:check", args=[version.pk]), {f"c_{pk}": "on" for pk in ids})
    client.post(reverse("catalogue:verify", args=[version.pk]))
    version.refresh_from_db()
    assert version.verified_by == admin and version.verified_at is not None


def test_the_counts_stand_beside_those_the_source_states(client):
    version = CatalogueVersion.objects.get(audience="adult", exploitation="labour")
    page = client.get(reverse("catalogue:version", args=[version.pk]))
    assert [(c.total, c.expected, c.matches) for c in page.context["counts"]] == [
        (10, 10, True),
        (10, 10, True),
        (16, 16, True),
        (9, 9, True),
        (15, 15, True),
        (7, 7, True),
    ]
    assert "not verified" in page.text


def test_a_correction_started_on_the_page_is_a_draft(client):
    version = CatalogueVersion.objects.get(audience="child", exploitation="labour")
    response = client.post(reverse("catalogue:correct", args=[version.pk]))
    draft = CatalogueVersion.objects.get(status="draft")
    assert response.url == reverse("catalogue:version", args=[draft.pk])
    assert draft.indicators.count() == 65


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
def test_operators_and_coordinators_get_404(db, request, client_name):
    c = request.getfixturevalue(client_name)
    version = CatalogueVersion.objects.order_by("pk").first()
    for url in (
        reverse("catalogue:versions"),
        IMPORT,
        reverse("catalogue:template", args=["csv"]),
        reverse("catalogue:version", args=[version.pk]),
        reverse("catalogue:export", args=[version.pk, "csv"]),
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(reverse("catalogue:publish", args=[version.pk])).status_code == 404
    assert c.post(IMPORT, {**_meta(), "file": SimpleUploadedFile("l.csv", _csv())}).status_code == 404
    assert not CatalogueVersion.objects.filter(exploitation="sexual").exists()


def test_the_pages_keep_to_a_query_budget(client, django_assert_max_num_queries):
    version = CatalogueVersion.objects.get(audience="adult", exploitation="labour")
    client.get(reverse("catalogue:versions"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("catalogue:versions")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("catalogue:version", args=[version.pk])).status_code == 200


def test_the_pages_have_clean_markup(client):
    from tests.partners.helpers import assert_clean_markup

    version = CatalogueVersion.objects.get(audience="adult", exploitation="labour")
    draft = synthetic_version(status="draft")
    for url in (
        reverse("catalogue:versions"),
        IMPORT,
        reverse("catalogue:version", args=[version.pk]),
        reverse("catalogue:version", args=[draft.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert_clean_markup(response.text)
