"""Fictional demo consents, added when ``seed_demo`` has created its referrals.

Every person referred in the demo consented to case management and to being referred on, or reported,
to the body that referred her, so the demo's report and closing flows work; one consent to statistics
has been withdrawn, to show what a withdrawal looks like. The person waiting for triage has none yet.
"""

from __future__ import annotations

import datetime

from django.dispatch import receiver
from django.utils import timezone

from ceis.consent import services
from ceis.consent.models import InformationNotice, Purpose
from referrals.models import Referral
from referrals.signals import demo_seeded


@receiver(demo_seeded)
def seed_demo_consents(sender, users, **kwargs):
    notice = InformationNotice.objects.filter(active=True).order_by("-published_on", "pk").first()
    if notice is None:
        return
    referrals = Referral.objects.exclude(status=Referral.Status.NEW).select_related("person", "referring_body")
    for i, referral in enumerate(referrals.order_by("received_at", "pk")):
        operator = referral.created_by or users["operatore1"]
        given_on = min(timezone.localdate(referral.received_at) + datetime.timedelta(days=1), timezone.localdate())
        common = {
            "person": referral.person,
            "notice": notice,
            "language": "English" if i % 2 else "Pidgin English",
            "interpreter": "Mediatrice demo" if i % 2 == 0 else "",
            "given_on": given_on,
            "by": operator,
        }
        services.consent_record(purpose=Purpose.CASE_MANAGEMENT, **common)
        services.consent_record(purpose=Purpose.REFERRAL, recipient=referral.referring_body, **common)
        if i == 0:
            statistics = services.consent_record(purpose=Purpose.STATISTICS, **common)
            services.consent_withdraw(consent=statistics, withdrawn_on=timezone.localdate(), by=operator)
