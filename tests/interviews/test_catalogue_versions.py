"""Catalogue versions: one in use per list, publishing a correction retires the old one in one step, held
interviews keep their answers, profile and report; verification needs every row ticked. Synthetic lists only."""

from __future__ import annotations

import datetime
import importlib

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from interviews.models import CatalogueVersion, Indicator, IndicatorAnswer, Interview, InterviewList, Report
from interviews.reports import report_contents
from interviews.versions import services
from interviews.versions.io import Row
from referrals.models import ExploitationForm
from tests import factories
from tests.interviews.synthetic import synthetic_rows, synthetic_version

versions_migration = importlib.import_module("interviews.migrations.0007_labour_lists_become_version_1")


def _held(**overrides):
    data = {
        "held_at": timezone.localtime(timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "action": "complete",
    }
    data.update(overrides)
    return data


@pytest.fixture
def sexual_referral(operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code="sexual_street"))
    return referral


def _import(admin_user, rows, **meta):
    return services.version_import(
        audience="adult",
        exploitation="sexual",
        meta={"name": "SYNTHETIC list", "label": meta.pop("label", "t1"), "source_title": "SYNTHETIC", **meta},
        rows=rows,
        by=admin_user,
    )


def test_importing_a_complete_synthetic_sexual_list_makes_a_draft_with_every_row(admin_user):
    rows = synthetic_rows("adult", "sexual", per_cell=2)
    version = _import(admin_user, rows)
    assert version.status == "draft" and version.loaded_by == admin_user
    assert version.indicators.count() == len(rows) == 36
    assert sorted(version.indicators.values_list("code", flat=True)) == sorted(r.code for r in rows)


def test_publishing_puts_it_in_use_and_retires_the_previous_version_in_one_step(admin_user):
    first = _import(admin_user, synthetic_rows())
    services.version_publish(version=first, by=admin_user)
    second = _import(admin_user, synthetic_rows(per_cell=2), label="t2")
    services.version_publish(version=second, by=admin_user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("retired", "in_use")
    assert first.retired_at is not None and second.published_at is not None
    assert CatalogueVersion.objects.filter(audience="adult", exploitation="sexual", status="in_use").count() == 1


def test_the_database_refuses_two_versions_in_use_of_one_list(db):
    synthetic_version(status="in_use")
    with pytest.raises(IntegrityError), transaction.atomic():
        synthetic_version(status="in_use", label="again")


def test_only_a_draft_is_published(admin_user):
    version = synthetic_version(status="retired")
    with pytest.raises(ValidationError):
        services.version_publish(version=version, by=admin_user)


def test_import_publish_and_retire_are_audited_with_the_actor(admin_user):
    version = _import(admin_user, synthetic_rows())
    services.version_publish(version=version, by=admin_user)
    services.version_retire(version=version, by=admin_user)
    entries = LogEntry.objects.get_for_object(version).order_by("pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.UPDATE]
    assert all(e.actor == admin_user for e in entries)
    assert [e.changes_dict["status"][1] for e in entries[1:]] == ["in_use", "retired"]


def test_a_correction_copies_the_version_in_use_as_a_draft(admin_user):
    in_use = CatalogueVersion.objects.get(audience="adult", exploitation="labour", status="in_use")
    draft = services.version_start_correction(version=in_use, by=admin_user)
    assert draft.status == "draft" and draft.indicators.count() == 67
    assert set(draft.indicators.values_list("code", "text_en", "strength")) == set(
        in_use.indicators.values_list("code", "text_en", "strength")
    )


def test_verification_needs_every_row_ticked_and_records_name_and_date(admin_user):
    version = synthetic_version(status="in_use")
    ids = set(version.indicators.values_list("pk", flat=True))
    services.indicators_check(version=version, checked=ids - {min(ids)}, by=admin_user)
    with pytest.raises(ValidationError):
        services.version_verify(version=version, by=admin_user)
    assert CatalogueVersion.objects.get(pk=version.pk).verified_at is None
    services.indicators_check(version=version, checked=ids, by=admin_user)
    services.version_verify(version=version, by=admin_user)
    version.refresh_from_db()
    assert version.verified_by == admin_user and version.verified_at is not None


def test_held_interviews_keep_answers_profile_and_report_after_a_correction(
    op_client, operator, admin_user, sexual_referral
):
    version = _import(admin_user, synthetic_rows())
    services.version_publish(version=version, by=admin_user)
    strong = version.indicators.filter(dimension="deceptive_recruitment", strength="strong").get()
    op_client.post(reverse("interviews:record", args=[sexual_referral.pk]), _held(**{f"a_{strong.pk}": "observed"}))
    interview = Interview.objects.get()
    assert list(interview.lists.values_list("version", "needed")) == [(version.pk, "sexual")]
    detail = reverse("interviews:detail", args=[interview.pk])
    before = op_client.get(detail)
    profile_before = [(lp.version.pk, lp.profile) for lp in before.context["profiles"]]

    # A correction changes the strength and the wording of that same code, and is published.
    corrected = [
        Row(**{**r.__dict__, "strength": "weak", "text_en": "SYNTHETIC corrected"}) if r.code == strong.code else r
        for r in synthetic_rows()
    ]
    services.version_publish(version=_import(admin_user, corrected, label="t2"), by=admin_user)

    after = op_client.get(detail)
    assert [(lp.version.pk, lp.profile) for lp in after.context["profiles"]] == profile_before
    assert IndicatorAnswer.objects.get(interview=interview).indicator == strong
    strong.refresh_from_db()
    assert (strong.strength, strong.text_en) == ("strong", f"SYNTHETIC test indicator {strong.code}")
    # the form of the held interview still shows the version it used
    edit = op_client.get(reverse("interviews:edit", args=[interview.pk]))
    assert {i.version_id for i in edit.context["indicator_form"].indicators} == {version.pk}
    # a new interview uses the correction
    new = op_client.get(reverse("interviews:record", args=[sexual_referral.pk]))
    assert {i.version.label for i in new.context["indicator_form"].indicators} == {"t2"}


def test_the_report_of_a_held_interview_is_unchanged_by_a_correction(op_client, operator, admin_user, sexual_referral):
    version = _import(admin_user, synthetic_rows())
    services.version_publish(version=version, by=admin_user)
    strong = version.indicators.filter(dimension="deceptive_recruitment", strength="strong").get()
    op_client.post(reverse("interviews:record", args=[sexual_referral.pk]), _held(**{f"a_{strong.pk}": "observed"}))
    report = Report.objects.create(
        referral=sexual_referral, recipient=sexual_referral.referring_body, include_profile=True
    )
    before = [(lp.version.pk, lp.profile) for lp in report_contents(report).profiles]
    corrected = [Row(**{**r.__dict__, "strength": "weak"}) if r.code == strong.code else r for r in synthetic_rows()]
    services.version_publish(version=_import(admin_user, corrected, label="t2"), by=admin_user)
    assert [(lp.version.pk, lp.profile) for lp in report_contents(report).profiles] == before
    assert before and before[0][1].dimension("deceptive_recruitment").strong == 1


def test_the_data_migration_records_the_lists_of_interviews_already_held(operator):
    interview = factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator]))
    labour = Indicator.objects.get(code="adult-labour-dr-01")
    IndicatorAnswer.objects.create(interview=interview, indicator=labour, answer="observed")
    InterviewList.objects.all().delete()
    versions_migration.forwards(apps, None)
    assert list(InterviewList.objects.values_list("interview", "version", "needed")) == [
        (interview.pk, labour.version_id, "labour")
    ]
