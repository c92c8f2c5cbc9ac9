"""The report to the referring body: written, printed with only what was chosen, recorded as sent."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ceis import crypto
from interviews import indicators, reports
from interviews.models import CatalogueVersion, Indicator, IndicatorAnswer, Interview, Report
from referrals.models import ExploitationForm, Referral
from tests import factories
from tests.browser.test_pages_carry_no_inline_code import inline_code

OPINION = "Parere favorevole: indicatori forti di reclutamento ingannevole"
LETTERHEAD = "CeIS Gruppo &quot;Giovani e Comunità&quot;"  # the service settings' default name


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions read English labels: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


@pytest.fixture
def referral(operator):
    person = factories.PersonFactory(
        first_name="Blessing",
        last_name="Okoro",
        date_of_birth=datetime.date(2001, 3, 4),
        birth_year=None,
        nationality="NG",
    )
    referral = factories.ReferralFactory(
        person=person,
        referring_body=factories.PartnerBodyFactory(name="Commissione Territoriale di Firenze"),
        received_at=timezone.now() - datetime.timedelta(days=60),
        outcome=Referral.Outcome.TAKEN_IN_CHARGE,
        assigned_to=[operator],
    )
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code="sexual_street"))
    # She consented to her report going to the body that referred her (the consent gate is tested in tests/consent).
    factories.ConsentFactory(person=person, purpose="referral", recipient=referral.referring_body)
    return referral


def _interview(referral, number, status, days_ago):
    held = timezone.now() - datetime.timedelta(days=days_ago)
    return Interview.objects.create(
        referral=referral,
        number=number,
        status=status,
        held_at=held if status != Interview.Status.SCHEDULED else None,
        scheduled_at=held,
        duration_minutes=60,
    )


@pytest.fixture
def interviews(referral):
    return {
        "completed": _interview(referral, 1, Interview.Status.COMPLETED, days_ago=30),
        "draft": _interview(referral, 2, Interview.Status.DRAFT, days_ago=10),
        "scheduled": _interview(referral, 3, Interview.Status.SCHEDULED, days_ago=-5),
    }


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


def _report(referral, **flags) -> Report:
    if not referral.person.consents.exists():
        factories.ConsentFactory(person=referral.person, purpose="referral", recipient=referral.referring_body)
    values = {f: False for f in reports_flags()} | flags
    return Report.objects.create(referral=referral, recipient=referral.referring_body, opinion=OPINION, **values)


def reports_flags() -> list[str]:
    return [
        "include_identity",
        "include_outcome",
        "include_forms",
        "include_interviews",
        "include_profile",
        "include_opinion",
    ]


@pytest.fixture
def fake_profile(monkeypatch):
    """Spy on interviews.indicators.indicator_profile (the real rule), recording what the report hands it."""
    calls = []
    real = indicators.indicator_profile

    def indicator_profile(present, *, child):
        calls.append((list(present), child))
        return real(present, child=child)

    monkeypatch.setattr(indicators, "indicator_profile", indicator_profile)
    return calls


def _present_answer(interview, dimension="deceptive_recruitment", strength="strong", answer="observed"):
    version = CatalogueVersion.objects.filter(name="SYNTHETIC report list").first()
    if version is None:
        version = CatalogueVersion.objects.create(
            audience="adult", exploitation="sexual", name="SYNTHETIC report list", label="t", source_title="SYNTHETIC"
        )
    indicator, _ = Indicator.objects.get_or_create(
        code=f"test-{dimension}-{strength}".replace("_", "-"),
        version=version,
        defaults={
            "audience": Indicator.Audience.ADULT,
            "exploitation": Indicator.Exploitation.SEXUAL,
            "dimension": dimension,
            "strength": strength,
            "text_en": f"Test indicator ({dimension}, {strength})",
            "text_it": f"Indicatore di prova ({dimension}, {strength})",
        },
    )
    return IndicatorAnswer.objects.create(interview=interview, indicator=indicator, answer=answer)


# What each section prints: none of it may appear unless the section was chosen.
SECTIONS = {
    "include_identity": ['id="report-identity"', "Blessing", "Okoro", "2001", "Nigeria"],
    "include_outcome": ['id="report-outcome"', "resumed victim taken in charge"],
    "include_forms": ['id="report-forms"', "exploitation (street)"],
    "include_interviews": ['id="report-interviews"', "{completed}"],
    "include_profile": ['id="report-profile"', "Deceptive recruitment"],
    "include_opinion": ['id="report-opinion"', "Parere favorevole"],
}


def _markers(flag, interviews):
    return [m.format(completed=_iso(interviews["completed"].held_at)) for m in SECTIONS[flag]]


def _print(client, report):
    response = client.get(reverse("reports:print", args=[report.pk]))
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("chosen", reports_flags())
def test_the_print_page_shows_the_chosen_section_and_nothing_else(
    op_client, referral, interviews, fake_profile, chosen
):
    _present_answer(interviews["completed"])
    html = _print(op_client, _report(referral, **{chosen: True}))
    for marker in _markers(chosen, interviews):
        assert marker in html, (chosen, marker)
    for other in set(SECTIONS) - {chosen}:
        for marker in _markers(other, interviews):
            assert marker not in html, (chosen, other, marker)


def test_with_nothing_chosen_it_prints_only_the_letter(op_client, referral, interviews, fake_profile):
    html = _print(op_client, _report(referral))
    for flag in SECTIONS:
        for marker in _markers(flag, interviews):
            assert marker not in html, marker
    assert fake_profile == []  # the profile is not even computed
    assert LETTERHEAD in html
    assert "335 6975107" in html  # the activation line
    assert referral.person.case_code in html
    assert "Commissione Territoriale di Firenze" in html
    assert f'datetime="{timezone.localdate().isoformat()}"' in html


def test_with_everything_chosen_it_prints_every_section(op_client, referral, interviews, fake_profile):
    _present_answer(interviews["completed"])
    html = _print(op_client, _report(referral, **{f: True for f in SECTIONS}))
    for flag in SECTIONS:
        for marker in _markers(flag, interviews):
            assert marker in html, marker


def test_it_lists_only_the_interviews_completed(op_client, referral, interviews):
    html = _print(op_client, _report(referral, include_interviews=True))
    assert _iso(interviews["completed"].held_at) in html
    assert _iso(interviews["draft"].held_at) not in html
    assert _iso(interviews["scheduled"].scheduled_at) not in html


def test_the_profile_is_computed_on_the_present_answers_of_completed_interviews(
    op_client, referral, interviews, fake_profile
):
    _present_answer(interviews["completed"], "deceptive_recruitment", "strong", "observed")
    _present_answer(interviews["completed"], "exploitation", "strong", "reported")
    _present_answer(interviews["completed"], "coercive_recruitment", "strong", "not_present")
    _present_answer(interviews["draft"], "coercion_at_destination", "strong", "observed")
    _print(op_client, _report(referral, include_profile=True))
    assert fake_profile == [([("deceptive_recruitment", "strong"), ("exploitation", "strong")], False)]


def test_the_profile_uses_the_ilo_rule(op_client, referral, interviews):
    _present_answer(interviews["completed"], "deceptive_recruitment", "strong")
    html = _print(op_client, _report(referral, include_profile=True))
    assert 'id="report-profile"' in html
    assert "The threshold for a presumed victim is not met." in html


def test_identity_shows_the_year_when_the_date_of_birth_is_unknown(op_client, operator):
    person = factories.PersonFactory(first_name="Joy", last_name="Esempio", birth_year=1998, age_doubtful=True)
    referral = factories.ReferralFactory(person=person, assigned_to=[operator])
    html = _print(op_client, _report(referral, include_identity=True))
    assert "Joy Esempio" in html
    assert "1998" in html
    assert "age doubtful" in html


def test_an_outcome_not_yet_given_says_so(op_client, operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    html = _print(op_client, _report(referral, include_outcome=True))
    assert "The identification process is still in progress." in html


def test_opening_the_print_page_is_audited(op_client, operator, referral):
    report = _report(referral, include_opinion=True)
    _print(op_client, report)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, content_type__model="report", object_pk=str(report.pk))
    assert entry.actor == operator


def test_the_print_page_links_the_a4_print_stylesheet(op_client, referral):
    html = _print(op_client, _report(referral))
    assert "/static/css/print.css" in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    assert re.search(r"@page\s*{\s*size:\s*A4;\s*margin:\s*2cm;?\s*}", css)
    assert "@media print" in css


def test_the_print_page_answers_get_only(op_client, referral):
    report = _report(referral)
    assert op_client.post(reverse("reports:print", args=[report.pk])).status_code == 405


# Writing the report


def _form_data(body, **overrides):
    data = {
        "recipient": body.pk,
        "include_outcome": "on",
        "include_interviews": "on",
        "include_opinion": "on",
        "opinion": OPINION,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_new_report_is_addressed_to_the_referring_body(op_client, referral):
    response = op_client.get(reverse("reports:new", args=[referral.pk]))
    assert response.status_code == 200
    assert response.context["form"]["recipient"].value() == referral.referring_body_id
    assert 'name="include_identity"' in response.text


def test_it_creates_a_report(op_client, operator, referral):
    response = op_client.post(reverse("reports:new", args=[referral.pk]), _form_data(referral.referring_body))
    report = referral.reports.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:print", args=[report.pk])
    assert report.recipient == referral.referring_body
    assert report.created_by == operator
    assert report.opinion == OPINION
    assert (report.include_outcome, report.include_interviews, report.include_opinion) == (True, True, True)
    assert not (report.include_identity or report.include_forms or report.include_profile)
    entry = LogEntry.objects.get(action=LogEntry.Action.CREATE, content_type__model="report", object_pk=str(report.pk))
    assert entry.actor == operator
    assert "opinion" not in entry.changes_dict
    assert "Parere" not in str(entry.changes)


def test_the_opinion_is_encrypted_at_rest(op_client, referral):
    op_client.post(reverse("reports:new", args=[referral.pk]), _form_data(referral.referring_body))
    with connection.cursor() as cursor:
        cursor.execute("SELECT opinion FROM interviews_report WHERE referral_id = %s", [referral.pk])
        stored = cursor.fetchone()[0]
    assert "Parere" not in stored
    assert crypto.decrypt(stored) == OPINION


def test_it_can_be_sent_to_another_body(op_client, referral):
    other = factories.PartnerBodyFactory(name="Procura della Repubblica di Lucca")
    op_client.post(reverse("reports:new", args=[referral.pk]), _form_data(other))
    assert referral.reports.get().recipient == other


def test_an_opinion_to_include_must_be_written(op_client, referral):
    response = op_client.post(
        reverse("reports:new", args=[referral.pk]), _form_data(referral.referring_body, opinion="")
    )
    assert response.status_code == 200
    assert "opinion" in response.context["form"].errors
    assert not referral.reports.exists()


def test_it_edits_what_the_report_includes(op_client, referral):
    report = _report(referral, include_opinion=True)
    url = reverse("reports:edit", args=[report.pk])
    assert op_client.get(url).status_code == 200
    response = op_client.post(url, _form_data(referral.referring_body, include_identity="on", include_opinion=None))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.include_identity
    assert not report.include_opinion


def test_the_referral_page_links_its_reports(op_client, referral):
    report = _report(referral)
    html = op_client.get(reverse("referrals:detail", args=[referral.pk])).text
    assert reverse("reports:print", args=[report.pk]) in html
    assert reverse("reports:new", args=[referral.pk]) in html


# Recording it as sent


def test_it_records_the_date_sent(op_client, operator, referral):
    report = _report(referral)
    day = timezone.localdate() - datetime.timedelta(days=2)
    response = op_client.post(reverse("reports:sent", args=[report.pk]), {"sent_at": day.isoformat()})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:print", args=[report.pk])
    report.refresh_from_db()
    referral.refresh_from_db()
    assert report.sent_at == day
    assert referral.report_returned_at == day
    entry = LogEntry.objects.get(action=LogEntry.Action.UPDATE, content_type__model="report", object_pk=str(report.pk))
    assert entry.actor == operator
    assert "sent_at" in entry.changes_dict
    html = _print(op_client, report)
    assert f'datetime="{day.isoformat()}"' in html  # the letter carries the date it was sent


def test_the_print_page_offers_to_record_it_as_sent(op_client, referral):
    report = _report(referral)
    html = _print(op_client, report)
    assert f'action="{reverse("reports:sent", args=[report.pk])}"' in html
    assert 'name="sent_at"' in html


def test_a_date_in_the_future_is_refused_and_nothing_saved(op_client, referral):
    report = _report(referral)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = op_client.post(reverse("reports:sent", args=[report.pk]), {"sent_at": tomorrow.isoformat()})
    assert response.status_code == 200
    assert "The date it was sent cannot be in the future." in response.text
    report.refresh_from_db()
    referral.refresh_from_db()
    assert report.sent_at is None
    assert referral.report_returned_at is None


def test_the_service_refuses_a_date_in_the_future(operator, referral):
    report = _report(referral)
    with pytest.raises(ValidationError):
        reports.report_mark_sent(report=report, sent_at=timezone.localdate() + datetime.timedelta(days=1), by=operator)
    report.refresh_from_db()
    assert report.sent_at is None


# Who may reach it


def _urls(report) -> list[str]:
    return [
        reverse("reports:new", args=[report.referral_id]),
        reverse("reports:edit", args=[report.pk]),
        reverse("reports:print", args=[report.pk]),
        reverse("reports:sent", args=[report.pk]),
    ]


def _post_data(report) -> dict:
    return {**_form_data(report.recipient, include_identity="on"), "sent_at": timezone.localdate().isoformat()}


def _unchanged(report) -> None:
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.sent_at, fresh.include_identity) == (None, False)
    assert Report.objects.filter(referral_id=report.referral_id).count() == 1
    assert Referral.objects.get(pk=report.referral_id).report_returned_at is None
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, content_type__model="report").exists()


def test_another_operator_gets_404_on_every_report_url(op_b_client, referral):
    report = _report(referral)
    for url in _urls(report):
        assert op_b_client.get(url).status_code == 404, url
        assert op_b_client.post(url, _post_data(report)).status_code == 404, url
    _unchanged(report)


def test_an_admin_gets_404_on_every_report_url(admin_client_role, referral):
    report = _report(referral)
    for url in _urls(report):
        assert admin_client_role.get(url).status_code == 404, url
        assert admin_client_role.post(url, _post_data(report)).status_code == 404, url
    _unchanged(report)


def test_anonymous_users_are_sent_to_login(referral):
    report = _report(referral)
    client = Client()
    for url in _urls(report):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
    _unchanged(report)


def test_a_coordinator_reaches_every_report(coord_client, referral):
    report = _report(referral)
    for url in _urls(report):
        assert coord_client.get(url).status_code == 200, url


def test_an_unknown_report_is_404(op_client, db):
    assert op_client.get(reverse("reports:print", args=[999999])).status_code == 404


# No inline code (a strict Content-Security-Policy is ahead)

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates" / "interviews").glob("report_*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_the_templates_carry_no_inline_script_or_style(template):
    source = template.read_text()
    assert "style=" not in source
    assert "<style" not in source
    assert not re.search(r"<script(?![^>]*\bsrc=)", source)
    assert not re.search(r"\son[a-z]+=", source)


def test_the_pages_as_served_carry_no_inline_code(op_client, referral, interviews, fake_profile):
    report = _report(referral, **{f: True for f in SECTIONS})
    pages = {
        "new": op_client.get(reverse("reports:new", args=[referral.pk])),
        "new, errors": op_client.post(reverse("reports:new", args=[referral.pk]), {"include_opinion": "on"}),
        "edit": op_client.get(reverse("reports:edit", args=[report.pk])),
        "print": op_client.get(reverse("reports:print", args=[report.pk])),
        "sent": op_client.get(reverse("reports:sent", args=[report.pk])),
        "sent, errors": op_client.post(reverse("reports:sent", args=[report.pk]), {"sent_at": "2999-01-01"}),
    }
    assert {name: r.status_code for name, r in pages.items()} == {name: 200 for name in pages}
    assert {name: inline_code(r.text) for name, r in pages.items()} == {name: [] for name in pages}
    assert len(TEMPLATES) == 3


def test_the_forms_of_exploitation_are_those_that_emerged_in_the_interviews(operator, referral):
    from interviews.reports import report_contents

    completed = _interview(referral, 1, Interview.Status.COMPLETED, days_ago=2)
    report = Report.objects.create(referral=referral, recipient=referral.referring_body, include_forms=True)
    contents = report_contents(report)
    assert (contents.exploitation_forms, contents.forms_from_interviews) == (["sexual exploitation (street)"], False)
    completed.exploitation_forms.set(ExploitationForm.objects.filter(code__in=["labour", "sexual_indoor"]))
    contents = report_contents(report)
    assert contents.forms_from_interviews is True
    assert sorted(contents.exploitation_forms) == ["labour exploitation", "sexual exploitation (indoor)"]


def test_saving_a_report_without_consent_says_one_true_thing(op_client, referral):
    """Saved, but neither printable nor sendable: never "Report saved" beside "nothing has been saved"."""
    other = factories.PartnerBodyFactory(name="Ente senza consenso")  # no consent for this recipient
    response = op_client.post(reverse("reports:new", args=[referral.pk]), _form_data(other), follow=True)
    report = referral.reports.get()
    assert report.recipient == other
    assert "the report is saved, but it cannot be printed or sent" in response.text
    assert "nothing has been saved" not in response.text
    assert "Report saved." not in response.text
    response = op_client.post(reverse("reports:edit", args=[report.pk]), _form_data(other), follow=True)
    assert "the report is saved, but it cannot be printed or sent" in response.text
    assert "Report saved." not in response.text and "nothing has been saved" not in response.text


def test_saving_a_report_with_consent_still_says_it_is_saved(op_client, referral):
    response = op_client.post(
        reverse("reports:new", args=[referral.pk]), _form_data(referral.referring_body), follow=True
    )
    assert "Report saved. Check it, print it, then record the date it was sent." in response.text
    assert 'id="sharing-refused"' not in response.text
