from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from tests import factories


def _data(referral, **overrides):
    data = {
        "referring_body": referral.referring_body_id,
        "channel": referral.channel,
        "received_at": timezone.localtime(referral.received_at).strftime("%Y-%m-%dT%H:%M"),
        "urgency": Referral.Urgency.IMMEDIATE,
        "reason": "Testo completato dopo la telefonata",
    }
    data.update(overrides)
    return data


def test_it_completes_a_referral(op_client, referral_a):
    response = op_client.post(reverse("referrals:edit", args=[referral_a.pk]), _data(referral_a))
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.urgency == Referral.Urgency.IMMEDIATE
    assert referral_a.reason == "Testo completato dopo la telefonata"


def test_the_change_is_audited_without_the_encrypted_text(op_client, operator, referral_a):
    op_client.post(reverse("referrals:edit", args=[referral_a.pk]), _data(referral_a))
    entry = LogEntry.objects.filter(action=LogEntry.Action.UPDATE, object_pk=str(referral_a.pk)).latest("timestamp")
    assert entry.actor == operator
    assert "urgency" in entry.changes_dict
    assert "reason" not in entry.changes_dict
    assert "Testo completato" not in str(entry.changes)


def test_invalid_input_saves_nothing(op_client, referral_a):
    before = referral_a.reason
    response = op_client.post(
        reverse("referrals:edit", args=[referral_a.pk]), _data(referral_a, reason="", urgency="x")
    )
    assert response.status_code == 200
    assert {"reason", "urgency"} <= set(response.context["form"].errors)
    referral_a.refresh_from_db()
    assert referral_a.reason == before


def test_another_operator_cannot_edit(op_b_client, referral_a):
    url = reverse("referrals:edit", args=[referral_a.pk])
    assert op_b_client.get(url).status_code == 404
    assert op_b_client.post(url, _data(referral_a)).status_code == 404
    referral_a.refresh_from_db()
    assert referral_a.urgency == Referral.Urgency.ROUTINE


def test_a_coordinator_can_edit_any_referral(coord_client):
    referral = factories.ReferralFactory()
    assert coord_client.post(reverse("referrals:edit", args=[referral.pk]), _data(referral)).status_code == 302
