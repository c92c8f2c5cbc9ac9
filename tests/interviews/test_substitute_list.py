"""When the list an interview needs is not loaded (today: the sexual-exploitation lists), the labour list of the
same audience stands in and says so on the form, the profile and the report; the service can turn that off."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.service.services import service_settings_update
from interviews.models import Indicator, Interview, InterviewList, Report
from interviews.reports import report_contents
from referrals.models import ExploitationForm
from tests import factories
from tests.interviews.synthetic import synthetic_version

SUBSTITUTE = "Assessed with the list for labour exploitation: the list for sexual exploitation is not loaded."
NOT_VERIFIED = "List not verified against its source"


@pytest.fixture
def sexual_referral(operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code="sexual_street"))
    return referral


def _held(**extra):
    held = timezone.localtime(timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    return {"held_at": held, "duration_minutes": "60", "action": "complete", **extra}


def test_the_form_uses_the_labour_list_and_says_so(op_client, sexual_referral):
    response = op_client.get(reverse("interviews:record", args=[sexual_referral.pk]))
    shown = {(i.audience, i.exploitation) for i in response.context["indicator_form"].indicators}
    assert shown == {("adult", "labour")}
    assert 'id="substitute-list"' in response.text and SUBSTITUTE in response.text
    assert 'id="missing-lists"' not in response.text
    assert NOT_VERIFIED in response.text
    assert "The indicator catalogue is empty" not in response.text


def test_the_interview_records_the_substitute_and_the_profile_and_report_say_so(op_client, sexual_referral):
    strong = Indicator.objects.get(code="adult-labour-dr-01")
    op_client.post(reverse("interviews:record", args=[sexual_referral.pk]), _held(**{f"a_{strong.pk}": "reported"}))
    interview = Interview.objects.get()
    used = InterviewList.objects.get(interview=interview)
    assert (used.needed, used.version.exploitation, used.substitute) == ("sexual", "labour", True)

    detail = op_client.get(reverse("interviews:detail", args=[interview.pk]))
    assert SUBSTITUTE in detail.text and NOT_VERIFIED in detail.text
    assert [lp.substitute for lp in detail.context["profiles"]] == [True]

    report = Report.objects.create(
        referral=sexual_referral, recipient=sexual_referral.referring_body, include_profile=True
    )
    assert [lp.substitute for lp in report_contents(report).profiles] == [True]


def test_with_substitution_off_the_form_says_the_list_is_missing_and_who_loads_it(op_client, operator, sexual_referral):
    service_settings_update(by=operator, catalogue_substitution=False)
    response = op_client.get(reverse("interviews:record", args=[sexual_referral.pk]))
    assert response.context["indicator_form"].indicators == []
    assert 'id="missing-lists"' in response.text
    assert "An administrator loads a list" in response.text
    assert SUBSTITUTE not in response.text


def test_once_the_list_is_loaded_it_is_used_and_nothing_is_substituted(op_client, sexual_referral):
    version = synthetic_version("adult", "sexual", status="in_use")
    response = op_client.get(reverse("interviews:record", args=[sexual_referral.pk]))
    assert {i.version_id for i in response.context["indicator_form"].indicators} == {version.pk}
    assert SUBSTITUTE not in response.text


def test_labour_and_sexual_forms_show_the_labour_list_once(op_client, operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code__in=["sexual_street", "labour"]))
    response = op_client.get(reverse("interviews:record", args=[referral.pk]))
    assert len(response.context["indicator_form"].indicators) == 67
    assert SUBSTITUTE in response.text


def test_a_verified_list_has_no_not_verified_line(op_client, admin_user, sexual_referral):
    from interviews.versions import services

    version = synthetic_version("adult", "sexual", status="in_use")
    services.indicators_check(
        version=version, checked=set(version.indicators.values_list("pk", flat=True)), by=admin_user
    )
    services.version_verify(version=version, by=admin_user)
    response = op_client.get(reverse("interviews:record", args=[sexual_referral.pk]))
    assert NOT_VERIFIED not in response.text


def test_the_statistics_count_the_interviews_assessed_with_a_substitute(op_client, operator, sexual_referral):
    from interviews.figures import completed_interviews

    labour = factories.ReferralFactory(assigned_to=[operator])
    labour.exploitation_forms.set(ExploitationForm.objects.filter(code="labour"))
    op_client.post(reverse("interviews:record", args=[sexual_referral.pk]), _held())
    op_client.post(reverse("interviews:record", args=[labour.pk]), _held())
    op_client.post(reverse("interviews:record", args=[labour.pk]), _held(action="draft"))
    now = timezone.now()
    assert completed_interviews(now - datetime.timedelta(days=1), now) == (2, 1)


def test_coordinators_turn_the_substitution_off_and_on_audited(coord_client, coordinator):
    from auditlog.models import LogEntry

    from ceis.service.selectors import service_settings

    url = reverse("interviews:substitution")
    assert coord_client.get(url).status_code == 200
    coord_client.post(url, {})
    assert service_settings().catalogue_substitution is False
    entry = LogEntry.objects.get_for_object(service_settings()).latest("pk")
    assert entry.actor == coordinator and "catalogue_substitution" in entry.changes_dict
    coord_client.post(url, {"catalogue_substitution": "on"})
    assert service_settings().catalogue_substitution is True


def test_operators_and_admins_cannot_switch_it(op_client, admin_client_role):
    from ceis.service.selectors import service_settings

    url = reverse("interviews:substitution")
    for c in (op_client, admin_client_role):
        assert c.get(url).status_code == 404
        assert c.post(url, {}).status_code == 404
    assert service_settings().catalogue_substitution is True
