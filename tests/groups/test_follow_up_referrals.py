"""From session to interview: participants' requests become referrals in one step, linked to the session."""

from __future__ import annotations

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ceis import access
from ceis.partners.models import PartnerBody
from groups import services
from groups.models import SessionReferral
from referrals.models import Person, Referral
from tests import factories


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions below read English messages: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


@pytest.fixture
def session(operator):
    centre = factories.PartnerBodyFactory(name="CAS La Rondine", kind=PartnerBody.Kind.CAS)
    return factories.GroupSessionFactory(host_centre=centre, facilitators=[operator])


def _url(session):
    return reverse("groups:follow_ups", args=[session.pk])


def requests_data(*requests: dict, extra: int = 1) -> dict:
    data = {
        "requests-TOTAL_FORMS": str(len(requests) + extra),
        "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "1",
        "requests-MAX_NUM_FORMS": "1000",
    }
    blank = {"name": "", "gender": "not_stated", "nationality": "", "phone": "", "reason": "", "urgency": "routine"}
    for i, request in enumerate([*requests, *[{}] * extra]):  # empty rows post their defaults, as a browser does
        row = {**blank, **request}
        for key, value in row.items():
            if key == "is_alias":
                if value:
                    data[f"requests-{i}-is_alias"] = "on"
                continue
            data[f"requests-{i}-{key}"] = value
    return data


JOY = {
    "name": "Joy Osagie",
    "gender": "female",
    "nationality": "NG",
    "phone": "+39 333 000 1111",
    "reason": "Dice di dover restituire un debito alla madame.",
    "urgency": "priority",
}
MIMI = {"name": "Mimi", "is_alias": True, "gender": "female", "reason": "Ha chiesto di parlare da sola con noi."}


def test_it_turns_two_requests_into_two_linked_referrals(op_client, operator, session):
    before = timezone.now()
    response = op_client.post(_url(session), requests_data(JOY, MIMI))
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", args=[session.pk])

    referrals = list(Referral.objects.order_by("pk"))
    assert len(referrals) == 2
    for referral in referrals:
        assert referral.channel == Referral.Channel.GROUP_SESSION
        assert referral.referring_body == session.host_centre
        assert before <= referral.received_at <= timezone.now()
        assert referral.group_session_link.session == session
        assert access.is_assigned(referral, operator)
        assert referral.status == Referral.Status.ASSIGNED
        assert referral.created_by == operator
        assert referral.person.reception_centre == session.host_centre

    joy, mimi = (r.person for r in referrals)
    assert (joy.first_name, joy.aliases, joy.gender, str(joy.nationality), joy.phone) == (
        "Joy Osagie",
        "",
        "female",
        "NG",
        "+39 333 000 1111",
    )
    assert (mimi.first_name, mimi.aliases) == ("", "Mimi")
    assert referrals[0].reason == JOY["reason"]
    assert (referrals[0].urgency, referrals[1].urgency) == ("priority", "routine")


def test_it_lists_the_referrals_on_the_session_page(op_client, session):
    page = op_client.post(_url(session), requests_data(JOY, MIMI), follow=True)
    codes = [r.person.case_code for r in Referral.objects.order_by("received_at", "pk")]
    block = re.search(r'id="follow-ups">(.*?)</ul>', page.text, re.S).group(1)
    for referral, code in zip(Referral.objects.order_by("received_at", "pk"), codes, strict=True):
        assert f'<a class="case-code" href="{reverse("referrals:detail", args=[referral.pk])}">{code}</a>' in block
    assert f"Referrals {codes[0]}, {codes[1]} recorded." in page.text
    assert "Joy Osagie" not in page.text  # the name stays on the referral


def test_it_shows_a_case_code_without_a_link_when_the_referral_is_not_mine(op_client, operator_b, session):
    theirs = factories.ReferralFactory(assigned_to=[operator_b], channel=Referral.Channel.GROUP_SESSION)
    SessionReferral.objects.create(session=session, referral=theirs)
    html = op_client.get(reverse("groups:detail", args=[session.pk])).text
    block = re.search(r'id="follow-ups">(.*?)</ul>', html, re.S).group(1)
    assert f'<span class="case-code">{theirs.person.case_code}</span>' in block
    assert reverse("referrals:detail", args=[theirs.pk]) not in html


def test_it_saves_none_when_one_request_is_incomplete(op_client, session):
    response = op_client.post(_url(session), requests_data(JOY, {"name": "Precious", "reason": ""}))
    assert response.status_code == 200
    assert 'id="requests-errors"' in response.text
    assert response.context["requests"].forms[1].errors["reason"]
    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0
    assert SessionReferral.objects.count() == 0


def test_it_requires_a_name_or_an_alias(op_client, session):
    response = op_client.post(_url(session), requests_data({"name": "", "reason": "Vuole parlare con noi."}))
    assert response.status_code == 200
    assert "name" in response.context["requests"].forms[0].errors
    assert Referral.objects.count() == 0


def test_it_asks_for_at_least_one_request(op_client, session):
    response = op_client.post(_url(session), requests_data(extra=3))
    assert response.status_code == 200
    assert Referral.objects.count() == 0
    assert "Enter at least one request: the name or alias and what the person said." in response.text


def test_it_still_works_when_the_host_centre_has_closed(op_client, session):
    PartnerBody.objects.filter(pk=session.host_centre_id).update(active=False)
    assert op_client.post(_url(session), requests_data(JOY)).status_code == 302
    assert Referral.objects.get().referring_body_id == session.host_centre_id


def test_it_leaves_a_coordinator_s_requests_to_triage(coord_client, session):
    response = coord_client.post(_url(session), requests_data(MIMI))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.status == Referral.Status.NEW
    assert access.assignees([referral]) == {}
    assert referral.group_session_link.session == session


def test_it_leaves_the_reception_centre_empty_when_the_host_is_not_a_reception_centre(op_client, operator):
    town_hall = factories.PartnerBodyFactory(name="Comune di Capannori", kind=PartnerBody.Kind.COMUNE)
    session = factories.GroupSessionFactory(host_centre=town_hall, facilitators=[operator])
    op_client.post(_url(session), requests_data(JOY))
    person = Referral.objects.get().person
    assert person.reception_centre is None


def test_it_audits_each_creation_without_the_reason_in_clear(op_client, operator, session):
    op_client.post(_url(session), requests_data(JOY))
    entry = LogEntry.objects.get(content_type__model="referral", action=LogEntry.Action.CREATE)
    assert entry.actor == operator
    assert "madame" not in str(entry.changes)


def test_it_rolls_back_every_request_when_one_fails_in_the_service(operator, session):
    nameless = {"name": "   ", "reason": "Vuole parlare con noi."}  # blank once stripped: the person is invalid
    with pytest.raises(ValidationError):
        services.session_follow_ups_create(session=session, requests=[JOY, nameless], by=operator)
    assert Referral.objects.count() == 0
    assert Person.objects.count() == 0
    assert SessionReferral.objects.count() == 0


def test_it_sends_a_get_back_to_the_session_page(op_client, session):
    response = op_client.get(_url(session))
    assert response["Location"] == reverse("groups:detail", args=[session.pk])


def test_it_offers_the_form_only_to_those_who_may_change_the_session(op_client, coord_client, session):
    assert 'id="record-requests"' in op_client.get(reverse("groups:detail", args=[session.pk])).text
    assert 'id="record-requests"' in coord_client.get(reverse("groups:detail", args=[session.pk])).text


def test_it_keeps_the_session_page_to_a_query_budget_whatever_the_follow_ups(
    op_client, operator, session, django_assert_max_num_queries
):
    for _ in range(8):
        referral = factories.ReferralFactory(
            assigned_to=[operator], received_at=timezone.now() - datetime.timedelta(hours=1)
        )
        SessionReferral.objects.create(session=session, referral=referral)
    with django_assert_max_num_queries(20):
        response = op_client.get(reverse("groups:detail", args=[session.pk]))
    assert len(response.context["follow_ups"]) == 8


def test_it_refuses_a_forged_number_of_rows_without_building_them(op_client, session):
    """A POST claiming a million rows is answered with a form error, building no more than the cap allows."""
    from groups.forms import MAX_FORMSET_ROWS

    data = requests_data({"name": "Joy", "reason": "Vuole parlare"})
    data["requests-TOTAL_FORMS"] = "1000000"
    response = op_client.post(_url(session), data)
    assert response.status_code == 200
    formset = response.context["requests"]
    assert len(formset.forms) == MAX_FORMSET_ROWS
    assert formset.non_form_errors()
    assert not SessionReferral.objects.exists() and not Referral.objects.exists()


def test_it_refuses_a_forged_number_of_attendance_rows(op_client, session):
    from groups.forms import MAX_FORMSET_ROWS

    url = reverse("groups:edit", args=[session.pk])
    data = {
        "held_at": timezone.localtime(session.held_at).strftime("%Y-%m-%dT%H:%M"),
        "attendance-TOTAL_FORMS": "1000000",
        "attendance-INITIAL_FORMS": "0",
    }
    response = op_client.post(url, data)
    assert response.status_code == 200
    assert len(response.context["attendance"].forms) <= MAX_FORMSET_ROWS
