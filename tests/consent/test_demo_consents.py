"""The demo's people carry plausible consents, so its report and closing flows work."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ceis.consent import selectors
from ceis.consent.models import Consent, ConsentWithdrawal
from referrals.models import Referral


@pytest.mark.django_db
def test_every_referred_demo_person_consented_to_her_report_going_back(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assigned = Referral.objects.exclude(status=Referral.Status.NEW).select_related("person", "referring_body")
    assert assigned.exists()
    for referral in assigned:
        basis = selectors.may_share(
            referral.person, selectors.purpose_for(referral.referring_body), referral.referring_body
        )
        assert isinstance(basis, Consent), referral.person.case_code
        assert selectors.valid_consents(referral.person).filter(purpose="case_management").exists()
    # Waiting for triage: the one the coordinator recorded, and the one a CAS sent through the portal.
    waiting = Referral.objects.filter(status=Referral.Status.NEW)
    assert sorted(waiting.values_list("channel", flat=True)) == [Referral.Channel.PHONE, Referral.Channel.PORTAL]
    assert not any(r.person.consents.exists() for r in waiting)
    assert ConsentWithdrawal.objects.count() == 1
