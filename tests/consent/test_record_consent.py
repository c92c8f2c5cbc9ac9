"""An operator records the consent a person gave, on the person's page."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ceis.consent.models import Consent
from tests import factories

INTERPRETER = "Mediatrice Joy Esempio"


def _url(person, query: str = "") -> str:
    return reverse("consent:new", args=[person.pk]) + query


def _data(the_notice, **overrides) -> dict:
    return {
        "purpose": "referral",
        "recipient": "",
        "recipient_note": "",
        "notice": the_notice.pk,
        "language": "Pidgin English",
        "interpreter": INTERPRETER,
        "given_on": timezone.localdate().isoformat(),
        **overrides,
    }


def test_it_shows_the_form_with_the_purposes(op_client, person_a):
    response = op_client.get(_url(person_a))
    assert response.status_code == 200
    for value in ("case_management", "referral", "police_judicial", "statistics"):
        assert f'value="{value}"' in response.text
    assert 'name="notice"' in response.text and 'name="interpreter"' in response.text


def test_it_records_a_consent(op_client, operator, person_a, notice):
    body = factories.PartnerBodyFactory(name="Progetto di destinazione")
    response = op_client.post(_url(person_a), _data(notice, recipient=body.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:person", args=[person_a.pk])
    consent = Consent.objects.get()
    assert (consent.person, consent.purpose, consent.recipient, consent.notice) == (person_a, "referral", body, notice)
    assert (consent.language, consent.interpreter, consent.recorded_by) == ("Pidgin English", INTERPRETER, operator)
    assert consent.given_on == timezone.localdate()


def test_the_interpreter_is_encrypted_at_rest(op_client, person_a, notice):
    op_client.post(_url(person_a), _data(notice))
    with connection.cursor() as cursor:
        cursor.execute("SELECT interpreter FROM consent_consent")
        raw = cursor.fetchone()[0]
    assert INTERPRETER not in raw and raw


def test_recording_is_audited_with_ids_and_no_text(op_client, operator, person_a, notice):
    op_client.post(_url(person_a), _data(notice, recipient_note="Ufficio minori, dott.ssa Rossi"))
    consent = Consent.objects.get()
    entry = LogEntry.objects.get_for_object(consent).get(action=LogEntry.Action.CREATE)
    assert entry.actor == operator
    assert entry.changes_dict["person"][1] == str(person_a.pk)
    assert entry.changes_dict["purpose"][1] == "referral"
    text = str(entry.changes) + entry.object_repr
    for secret in (INTERPRETER, "Rossi", "Pidgin", person_a.first_name):
        assert secret not in text


def test_the_refused_sharing_prefills_purpose_and_recipient(op_client, person_a):
    body = factories.PartnerBodyFactory(name="Ente suggerito")
    response = op_client.get(_url(person_a, f"?purpose=police_judicial&recipient={body.pk}"))
    form = response.context["form"]
    assert (form["purpose"].value(), form["recipient"].value()) == ("police_judicial", body.pk)


def test_it_goes_back_where_it_was_sent_from(op_client, person_a, referral_a, notice):
    back = reverse("referrals:close", args=[referral_a.pk])
    response = op_client.post(_url(person_a), {**_data(notice), "next": back})
    assert response["Location"] == back


def test_it_never_goes_back_to_another_site(op_client, person_a, notice):
    response = op_client.post(_url(person_a), {**_data(notice), "next": "https://evil.example/steal"})
    assert response["Location"] == reverse("consent:person", args=[person_a.pk])
    response = op_client.post(_url(person_a), {**_data(notice), "next": "//evil.example/"})
    assert response["Location"] == reverse("consent:person", args=[person_a.pk])


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"purpose": ""}, "purpose", "This field is required."),
        ({"notice": ""}, "notice", "This field is required."),
        ({"language": ""}, "language", "This field is required."),
        (
            {"given_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "given_on",
            "The date cannot be in the future.",
        ),
        (
            {"purpose": "statistics", "recipient": "RECIPIENT"},
            "recipient",
            "A recipient applies only to referral or to sharing with police or judicial authority.",
        ),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(op_client, person_a, notice, overrides, field, message):
    if overrides.get("recipient") == "RECIPIENT":
        overrides["recipient"] = factories.PartnerBodyFactory().pk
    response = op_client.post(_url(person_a), _data(notice, **overrides))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert "Nothing has been saved yet." in response.text
    assert not Consent.objects.exists()


def test_a_notice_no_longer_in_use_cannot_be_chosen(op_client, person_a, notice):
    from ceis.consent.models import InformationNotice

    old = InformationNotice.objects.create(version="2020.1", language="English", active=False)
    response = op_client.post(_url(person_a), _data(notice, notice=old.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["notice"]
    assert not Consent.objects.exists()


def test_a_coordinator_records_for_anyone(coord_client, coordinator, person_a, notice):
    assert coord_client.post(_url(person_a), _data(notice)).status_code == 302
    assert Consent.objects.get().recorded_by == coordinator


def test_operator_b_gets_404_and_nothing_is_saved(op_b_client, person_a, notice):
    assert op_b_client.get(_url(person_a)).status_code == 404
    assert op_b_client.post(_url(person_a), _data(notice)).status_code == 404
    assert not Consent.objects.exists()


def test_an_admin_gets_404(admin_client_role, person_a, notice):
    assert admin_client_role.get(_url(person_a)).status_code == 404
    assert admin_client_role.post(_url(person_a), _data(notice)).status_code == 404
    assert not Consent.objects.exists()
