from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ceis import crypto
from referrals import services
from referrals.models import Referral
from tests import factories

# The direct closure (as coordinators close, or operators when the service turned approval off): the
# closure requests that operators send otherwise are tested in tests/approvals.
pytestmark = pytest.mark.usefixtures("closure_approval_off")

NOTE = "Accolta in casa di fuga, debito con la madame"


def _url(referral) -> str:
    return reverse("referrals:close", args=[referral.pk])


def _data(**overrides) -> dict:
    return {"outcome": Referral.Outcome.TAKEN_IN_CHARGE, "closure_note": NOTE, **overrides}


def _raw_closure_note(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT closure_note FROM referrals_referral WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def english(operator, coordinator):
    for user in (operator, coordinator):
        user.language = "en"
        user.save(update_fields=["language"])


def test_it_shows_the_form(op_client, english, referral_a):
    response = op_client.get(_url(referral_a))
    assert response.status_code == 200
    assert 'name="outcome"' in response.text
    assert 'name="closure_note"' in response.text
    for value, _label in Referral.Outcome.choices:
        assert f'value="{value}"' in response.text


def test_it_closes_with_an_outcome(op_client, referral_a):
    before = timezone.now()
    response = op_client.post(_url(referral_a), _data())
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral_a.pk])
    referral_a.refresh_from_db()
    assert referral_a.status == Referral.Status.CLOSED
    assert referral_a.outcome == Referral.Outcome.TAKEN_IN_CHARGE
    assert before <= referral_a.closed_at <= timezone.now()
    assert referral_a.closure_note == NOTE


def test_the_closure_note_is_encrypted_at_rest(op_client, referral_a):
    op_client.post(_url(referral_a), _data())
    stored = _raw_closure_note(referral_a.pk)
    assert "madame" not in stored
    assert stored.startswith("gAAAA")
    assert crypto.decrypt(stored) == NOTE


def test_it_refuses_without_an_outcome_and_saves_nothing(op_client, english, referral_a):
    response = op_client.post(_url(referral_a), _data(outcome=""))
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    assert "Choose the outcome of identification: it is required to close the referral." in response.text
    referral_a.refresh_from_db()
    assert referral_a.status == Referral.Status.ASSIGNED
    assert referral_a.outcome == ""
    assert referral_a.closed_at is None
    assert referral_a.closure_note == ""


def test_it_refuses_an_unknown_outcome(op_client, referral_a):
    response = op_client.post(_url(referral_a), _data(outcome="verdict"))
    assert response.status_code == 200
    referral_a.refresh_from_db()
    assert referral_a.is_open


def test_a_closed_referral_cannot_be_closed_again(op_client, english, referral_a):
    op_client.post(_url(referral_a), _data())
    referral_a.refresh_from_db()
    closed_at = referral_a.closed_at

    response = op_client.post(
        _url(referral_a), _data(outcome=Referral.Outcome.DECLINED, closure_note="altro"), follow=True
    )
    assert "This referral is already closed." in response.text
    assert op_client.get(_url(referral_a)).status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.outcome == Referral.Outcome.TAKEN_IN_CHARGE
    assert referral_a.closed_at == closed_at
    assert referral_a.closure_note == NOTE


def test_the_detail_page_offers_the_button_only_while_open_to_who_can_change(op_client, referral_a):
    detail = reverse("referrals:detail", args=[referral_a.pk])
    assert _url(referral_a) in op_client.get(detail).text
    op_client.post(_url(referral_a), _data())
    page = op_client.get(detail).text
    assert _url(referral_a) not in page
    assert 'id="referral-outcome"' in page


def test_another_operator_gets_404(op_b_client, referral_a):
    assert op_b_client.get(_url(referral_a)).status_code == 404
    assert op_b_client.post(_url(referral_a), _data()).status_code == 404
    referral_a.refresh_from_db()
    assert referral_a.is_open


def test_a_coordinator_can_close_any_referral(coord_client):
    referral = factories.ReferralFactory()
    response = coord_client.post(_url(referral), _data(outcome=Referral.Outcome.UNREACHABLE, closure_note=""))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert referral.outcome == Referral.Outcome.UNREACHABLE


def test_an_admin_gets_404(admin_client_role, referral_a):
    assert admin_client_role.get(_url(referral_a)).status_code == 404
    assert admin_client_role.post(_url(referral_a), _data()).status_code == 404
    referral_a.refresh_from_db()
    assert referral_a.is_open


def test_the_audit_entry_names_the_actor_and_holds_no_closure_note(op_client, operator, referral_a):
    op_client.post(_url(referral_a), _data())
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.UPDATE, content_type__model="referral", object_pk=str(referral_a.pk)
    ).latest("timestamp")
    assert entry.actor == operator
    assert entry.changes_dict["status"] == [Referral.Status.ASSIGNED, Referral.Status.CLOSED]
    assert "outcome" in entry.changes_dict
    assert "closure_note" not in entry.changes_dict
    everything = " ".join(str(e.changes) + str(e.serialized_data or "") for e in LogEntry.objects.all())
    assert "madame" not in everything
    assert "gAAAA" not in everything


def test_the_service_requires_an_outcome(operator, referral_a):
    with pytest.raises(ValidationError):
        services.referral_close(referral=referral_a, outcome="", closure_note="", by=operator)
    referral_a.refresh_from_db()
    assert referral_a.is_open


def test_the_service_refuses_a_closed_referral(operator, referral_a):
    services.referral_close(referral=referral_a, outcome=Referral.Outcome.AT_RISK, closure_note="", by=operator)
    stale = Referral.objects.get(pk=referral_a.pk)
    stale.status = Referral.Status.ASSIGNED  # a copy loaded before the first close
    with pytest.raises(ValidationError):
        services.referral_close(referral=stale, outcome=Referral.Outcome.DECLINED, closure_note="", by=operator)
    referral_a.refresh_from_db()
    assert referral_a.outcome == Referral.Outcome.AT_RISK
