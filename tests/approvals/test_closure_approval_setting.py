"""The service turns closure approval off from its settings page; each change is in the audit log."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.urls import reverse

from ceis.approvals.models import ClosureRequest
from ceis.service.models import ServiceSettings
from ceis.service.selectors import service_settings
from referrals.models import Referral


def _settings_form(**changes) -> dict:
    row = service_settings()
    data = {
        "letterhead_name": row.letterhead_name,
        "letterhead_unit": row.letterhead_unit,
        "letterhead_address": row.letterhead_address,
        "phone": row.phone,
        "activation_line": row.activation_line,
        "email": row.email,
        "pec": row.pec,
        "catalogue_substitution": "on",
        "closure_approval": "on",
        "service_answer_days": row.service_answer_days,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_is_on_by_default(db):
    assert service_settings().closure_approval is True


def test_a_coordinator_turns_it_off_audited(coord_client, coordinator):
    response = coord_client.post(reverse("service:settings"), _settings_form(closure_approval=None))
    assert response.status_code == 302
    assert service_settings().closure_approval is False
    entry = LogEntry.objects.get_for_model(ServiceSettings).latest("timestamp")
    assert entry.actor == coordinator
    assert entry.changes_dict["closure_approval"] == ["True", "False"]


def test_with_it_off_an_operator_closes_directly(op_client, closure_approval_off, referral_a):
    response = op_client.post(
        reverse("referrals:close", args=[referral_a.pk]), {"outcome": Referral.Outcome.UNREACHABLE}
    )
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.status == Referral.Status.CLOSED
    assert not ClosureRequest.objects.exists()


def test_an_operator_cannot_change_it(op_client):
    assert op_client.post(reverse("service:settings"), _settings_form(closure_approval=None)).status_code == 404
    assert service_settings().closure_approval is True
