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
    waiting = Referral.objects.get(status=Referral.Status.NEW)
    assert not waiting.person.consents.exists()
    assert ConsentWithdrawal.objects.count() == 1
