"""Erasure (art. 17) reaches the notes of closure requests, on a referral or on a pathway."""

from __future__ import annotations

from django.utils import timezone

from ceis.approvals.models import ClosureRequest
from ceis.approvals.services import closure_request, closure_send_back
from privacy import services as privacy
from privacy.scrub import PLACEHOLDER
from referrals.models import Referral
from tests import factories


def test_erasing_her_anonymises_the_notes_of_her_closure_requests(operator, coordinator, referral_a):
    pathway_request = closure_request(
        record=factories.PathwayFactory(person=referral_a.person, assigned_to=[operator]),
        outcome="left",
        ended_on=timezone.localdate(),
        note="Se n'è andata con il compagno",
        by=operator,
    )
    request = closure_request(
        record=referral_a, outcome=Referral.Outcome.UNREACHABLE, note="Vive a Firenze da una zia", by=operator
    )
    closure_send_back(request=request, note="Prova a chiamare la zia a Firenze", by=coordinator)
    privacy.person_erase(person=referral_a.person, by=coordinator)
    request = ClosureRequest.objects.get(pk=request.pk)
    assert (request.note, request.decision_note) == (PLACEHOLDER, PLACEHOLDER)
    assert request.outcome == Referral.Outcome.UNREACHABLE and request.status == "sent_back"
    assert ClosureRequest.objects.get(pk=pathway_request.pk).note == PLACEHOLDER
