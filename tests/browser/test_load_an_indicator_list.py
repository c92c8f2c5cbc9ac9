"""As a new admin would: download the template, upload a list with a bad row (the message names the row, nothing
is saved), fix it, see counts and differences, publish; an operator holds an interview with it; a correction is
published, and the first interview's profile and report do not change. Every indicator here is SYNTHETIC."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from interviews.models import CatalogueVersion, Indicator, Interview, Report
from interviews.versions import io as list_io
from referrals.models import ExploitationForm
from tests import factories
from tests.interviews.synthetic import synthetic_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

META = {
    "#id_name": "SYNTHETIC adults, sexual exploitation",
    "#id_label": "1 — SYNTHETIC, not verified",
    "#id_source_title": "SYNTHETIC source for a browser test",
}


def _upload(page, live_server, path):
    page.goto(f"{live_server.url}/interviews/catalogue/versions/import/")
    page.locator("#id_list").select_option("adult-sexual")
    for selector, value in META.items():
        page.locator(selector).fill(value)
    page.locator("#id_file").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("#import-form button[type=submit]").click()


def test_an_admin_loads_a_list_an_interview_uses_it_and_a_correction_changes_nothing_held(
    browser: Browser, live_server, log_in, operators, tmp_path
):
    operatore1, _ = operators
    factories.AdminFactory(username="amministratore", language="en")
    referral = factories.ReferralFactory(
        assigned_to=[operatore1], received_at=timezone.now() - datetime.timedelta(days=3)
    )
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code="sexual_street"))
    factories.ConsentFactory(person=referral.person, purpose="referral", recipient=referral.referring_body)
    before = (CatalogueVersion.objects.count(), Indicator.objects.count())

    admin_context = browser.new_context(accept_downloads=True)
    admin = admin_context.new_page()
    log_in(admin, "amministratore")

    # The template, from the versions page.
    admin.goto(f"{live_server.url}/interviews/catalogue/")
    admin.locator("#versions-link").click()
    with admin.expect_download() as download:
        admin.locator("#template-csv").click()
    template = download.value.path().read_bytes()
    assert template.decode("utf-8-sig").strip() == ",".join(list_io.COLUMNS)

    # A file with a bad row: one message naming it, nothing saved.
    rows = synthetic_rows("adult", "sexual", per_cell=2)
    bad = (
        list_io.to_csv(rows)
        + b"adult-sexual,exploitation,very strong,999,adult-sexual-ex-99,SYNTHETIC x,FITTIZIO x\r\n"
    )
    (tmp_path / "bad.csv").write_bytes(bad)
    _upload(admin, live_server, tmp_path / "bad.csv")
    expect(admin.locator("#import-errors")).to_contain_text(f"Row {len(rows) + 2}, column strength")
    assert (CatalogueVersion.objects.count(), Indicator.objects.count()) == before

    # Fixed: a draft, its counts and its differences, then published.
    (tmp_path / "good.csv").write_bytes(list_io.to_csv(rows))
    _upload(admin, live_server, tmp_path / "good.csv")
    expect(admin.locator("#version-status")).to_have_text("draft")
    expect(admin.locator("#counts tr[data-dimension=exploitation]")).to_contain_text("2")
    expect(admin.locator("#diff")).to_contain_text("No version of this list is in use")
    admin.locator("#publish").click()
    expect(admin.locator("#version-status")).to_have_text("in use")
    first = CatalogueVersion.objects.get(exploitation="sexual", status="in_use")

    # The operator holds an interview with it.
    op_context = browser.new_context()
    op = op_context.new_page()
    log_in(op, "operatore1")
    op.goto(f"{live_server.url}/interviews/referral/{referral.pk}/record/")
    expect(op.locator("#substitute-list")).to_have_count(0)
    op.locator("#id_held_at").fill((timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    op.locator("#id_duration_minutes").fill("60")
    marked = first.indicators.filter(strength="strong", dimension__in=["deceptive_recruitment", "exploitation"])
    for indicator in marked:
        op.locator(f"input[name='a_{indicator.pk}'][value='observed']").check()
    with op.expect_navigation():
        op.locator("button[name=action][value=complete]").click()
    interview = Interview.objects.get(referral=referral)
    profile_before = op.locator("#profile-heading").locator("xpath=..").inner_text()
    assert "Lista non verificata sulla fonte" in profile_before  # she reads Italian
    report = Report.objects.create(referral=referral, recipient=referral.referring_body, include_profile=True)
    op.goto(f"{live_server.url}/interviews/reports/{report.pk}/print/")
    report_before = op.locator("#report-profile").inner_text()

    # A correction: the same codes, one strength and one wording changed; published.
    corrected = [
        list_io.Row(**{**r.__dict__, "strength": "weak", "text_en": "SYNTHETIC corrected"})
        if r.code == marked[0].code
        else r
        for r in rows
    ]
    (tmp_path / "corrected.csv").write_bytes(list_io.to_csv(corrected))
    _upload(admin, live_server, tmp_path / "corrected.csv")
    expect(admin.locator("#diff-summary")).to_contain_text("strength or dimension changed: 1")
    expect(admin.locator("#diff-summary")).to_contain_text("text changed: 1")
    admin.locator("#publish").click()
    expect(admin.locator("#version-status")).to_have_text("in use")
    first.refresh_from_db()
    assert first.status == "retired"

    # The first interview's profile and report are unchanged.
    op.goto(f"{live_server.url}/interviews/{interview.pk}/")
    assert op.locator("#profile-heading").locator("xpath=..").inner_text() == profile_before
    op.goto(f"{live_server.url}/interviews/reports/{report.pk}/print/")
    assert op.locator("#report-profile").inner_text() == report_before
    admin_context.close()
    op_context.close()
