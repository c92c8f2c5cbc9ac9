"""The same rendered form sent twice saves one row; the second answer leads to the record, "Già registrato".

Each form is taken from its page as a user gets it (the token is the one the page rendered), then sent twice.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.consent.models import Consent, InformationNotice
from ceis.submissions.models import Submission
from groups.models import AttendanceRow
from interviews.models import Report
from protection.models import DiaryEntry
from referrals.models import ExploitationForm, Referral
from tests import factories
from tests.groups.test_record_session import session_data
from tests.groups.test_session_access import _post as session_post
from tests.interviews.test_report import _form_data as report_data
from tests.referrals.test_record_phone_referral import _data as intake_data

pytestmark = pytest.mark.real_submission_tokens

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')
ALREADY = "Già registrato"


def token_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    found = TOKEN.findall(response.text)
    assert found, f"no submission token on {url}"
    return found[0]


def twice(client, page: str, target: str, data: dict, count):
    """Send the form of ``page`` to ``target`` twice with the page's token; the rows counted after each."""
    token = token_of(client, page)
    before = count()
    first = client.post(target, {**data, "submission_token": token})
    assert first.status_code == 302, getattr(first, "context", None) and first.context.get("form").errors
    after_first = count()
    second = client.post(target, {**data, "submission_token": token})
    assert after_first == before + 1
    assert count() == after_first  # never a second row
    assert second.status_code == 302 and second["Location"] == first["Location"]
    page_after = client.get(second["Location"])
    assert page_after.status_code == 200 and ALREADY in page_after.text
    assert Submission.objects.filter(consumed_at__isnull=False).count() == 1
    return first


@pytest.fixture(autouse=True)
def _italian(request):
    for name in ("operator", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "it"
            user.save(update_fields=["language"])


def test_intake(op_client, operator):
    body = factories.PartnerBodyFactory(name="CAS Esempio")
    url = reverse("referrals:intake")
    first = twice(op_client, url, url, intake_data(body), Referral.objects.count)
    assert first["Location"] == reverse("referrals:detail", args=[Referral.objects.get().pk])


def test_diary_entry(op_client, operator):
    pathway = factories.PathwayFactory(assigned_to=[operator])
    url = reverse("pathway_parts:add", kwargs={"pathway_pk": pathway.pk, "part": "diary"})
    data = {"written_on": timezone.localdate().isoformat(), "text": "Ha ripreso la scuola serale."}
    twice(op_client, url, url, data, DiaryEntry.objects.count)


def test_group_session(op_client, operator):
    from groups.models import GroupSession

    centre = factories.PartnerBodyFactory(name="CAS Il Ponte")
    url = reverse("groups:new")
    data = session_data(centre=centre, facilitators=[operator], rows=[("NG", "female", "en", 6)])
    twice(op_client, url, url, data, GroupSession.objects.count)
    assert AttendanceRow.objects.count() == 1


def test_attendance_rows_added_to_a_session(op_client, operator):
    session = factories.GroupSessionFactory(facilitators=[operator], place="Sala riservata")
    url = reverse("groups:edit", args=[session.pk])
    data = {k: v for k, v in session_post(session, operator).items() if not k.startswith("requests-")}
    twice(op_client, url, url, data, AttendanceRow.objects.filter(session=session, nationality="ER").count)


def test_follow_up_requests_of_a_session(op_client, operator):
    session = factories.GroupSessionFactory(facilitators=[operator])
    data = {k: v for k, v in session_post(session, operator).items() if k.startswith("requests-")}
    twice(
        op_client,
        reverse("groups:detail", args=[session.pk]),
        reverse("groups:follow_ups", args=[session.pk]),
        data,
        Referral.objects.count,
    )


def test_consent(op_client, operator):
    person = factories.ReferralFactory(assigned_to=[operator]).person
    notice = InformationNotice.objects.get(version="2026.1", language="English")
    url = reverse("consent:new", args=[person.pk])
    data = {
        "purpose": "case_management",
        "notice": notice.pk,
        "language": "Pidgin English",
        "interpreter": "Mediatrice",
        "given_on": timezone.localdate().isoformat(),
    }
    twice(op_client, url, url, data, Consent.objects.count)


def test_report(op_client, operator):
    person = factories.PersonFactory(nationality="NG")
    referral = factories.ReferralFactory(
        person=person,
        referring_body=factories.PartnerBodyFactory(name="Commissione Territoriale di Firenze"),
        received_at=timezone.now() - datetime.timedelta(days=60),
        outcome=Referral.Outcome.TAKEN_IN_CHARGE,
        assigned_to=[operator],
    )
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code="sexual_street"))
    factories.ConsentFactory(person=person, purpose="referral", recipient=referral.referring_body)
    url = reverse("reports:new", args=[referral.pk])
    twice(op_client, url, url, report_data(referral.referring_body), Report.objects.count)


def test_a_form_with_errors_keeps_its_token_for_the_corrected_post(op_client, operator):
    body = factories.PartnerBodyFactory(name="CAS Esempio")
    url = reverse("referrals:intake")
    token = token_of(op_client, url)
    shown_again = op_client.post(url, {**intake_data(body, reason=""), "submission_token": token})
    assert shown_again.status_code == 200 and not Referral.objects.exists()
    assert TOKEN.search(shown_again.text)  # the page shown again carries a token too
    assert op_client.post(url, {**intake_data(body), "submission_token": token}).status_code == 302
    assert Referral.objects.count() == 1


def test_a_post_without_the_token_saves_nothing_and_says_why(op_client, operator):
    body = factories.PartnerBodyFactory(name="CAS Esempio")
    response = op_client.post(reverse("referrals:intake"), intake_data(body))
    assert response.status_code == 400
    assert "Non è stato salvato nulla" in response.text and "senza il suo codice monouso" in response.text
    assert not Referral.objects.exists()


def test_another_users_token_is_refused(op_client, operator, coord_client):
    body = factories.PartnerBodyFactory(name="CAS Esempio")
    url = reverse("referrals:intake")
    token = token_of(coord_client, url)
    response = op_client.post(url, {**intake_data(body), "submission_token": token})
    assert response.status_code == 400 and not Referral.objects.exists()
