from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from ceis.audit.models import Event
from referrals.models import Person, Referral
from tests import factories


def test_recording_a_referral_audits_both_creations_with_actor_and_ip(op_client, operator):
    body = factories.PartnerBodyFactory()
    op_client.post(
        reverse("referrals:intake"),
        {
            "referring_body": body.pk,
            "channel": "phone",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "urgency": "routine",
            "reason": "Racconto riservato",
            "last_name": "Riservata",
            "gender": "female",
        },
    )
    for model in (Person, Referral):
        entry = LogEntry.objects.get(
            content_type=ContentType.objects.get_for_model(model), action=LogEntry.Action.CREATE
        )
        assert entry.actor == operator
        assert entry.remote_addr == "127.0.0.1"
        assert "Riservat" not in str(entry.changes) and "Racconto" not in str(entry.changes)


def test_audit_entries_cannot_be_changed_through_the_app(db):
    event = Event.objects.create(kind=Event.Kind.LOGIN)
    event.kind = Event.Kind.EXPORT
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert Event.objects.get(pk=event.pk).kind == Event.Kind.LOGIN
