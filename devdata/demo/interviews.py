"""Fictional demo interviews, added when ``seed_demo`` has created its referrals."""

from __future__ import annotations

import datetime

from django.dispatch import receiver
from django.utils import timezone

from ceis import access
from interviews import catalogues
from interviews.models import Indicator, IndicatorAnswer, Interview, InterviewList
from referrals.models import Referral
from referrals.services import referral_advance
from referrals.signals import demo_seeded


@receiver(demo_seeded)
def seed_demo_interviews(sender, users, **kwargs):
    now = timezone.now()
    mine = list(access.assigned_to(Referral, users["operatore1"]).order_by("received_at"))
    theirs = list(access.assigned_to(Referral, users["operatore2"]).order_by("received_at"))
    if mine:
        # A completed interview with indicators: the profile shows on its page.
        done = _interview(
            mine[0],
            users["operatore1"],
            status=Interview.Status.COMPLETED,
            held_at=now - datetime.timedelta(hours=20),
            duration_minutes=80,
            personal_history="Racconto fittizio per la demo: nessuna persona reale.",
            assessment="Valutazione fittizia per la demo.",
        )
        # The lists it needs, as the form would use them: a sexual-exploitation referral is assessed with the
        # labour list, labelled as a substitute (no sexual list is shipped, and none is ever invented).
        for item in catalogues.resolve(referral=mine[0]):
            if item.version is not None:
                InterviewList.objects.get_or_create(
                    interview=done, needed=item.needed, defaults={"version": item.version}
                )
        found = Indicator.objects.filter(audience="adult", exploitation="labour", active=True, version__status="in_use")
        for dimension, strength in (("deceptive_recruitment", "strong"), ("exploitation", "medium")):
            for indicator in found.filter(dimension=dimension, strength=strength).order_by("position")[:2]:
                IndicatorAnswer.objects.create(interview=done, indicator=indicator, answer="reported")
        referral_advance(referral=mine[0], to=Referral.Status.IN_ASSESSMENT, by=users["operatore1"])
    for referral, username in ((mine[1:2], "operatore1"), (theirs[:1], "operatore2")):
        for r in referral:
            # Tomorrow at 10: on the agenda, and reminded by the daily task.
            tomorrow = timezone.localtime(now + datetime.timedelta(days=1)).replace(hour=10, minute=0, second=0)
            _interview(r, users[username], status=Interview.Status.SCHEDULED, scheduled_at=tomorrow)
            referral_advance(referral=r, to=Referral.Status.INTERVIEW_SCHEDULED, by=users[username])


def _interview(referral, operator, **fields) -> Interview:
    interview = Interview.objects.create(
        referral=referral,
        number=referral.interviews.count() + 1,
        place="Sede CeIS Lucca",
        language="English",
        mediator_name="Mediatrice demo",
        mediator_language="Pidgin English",
        created_by=operator,
        **fields,
    )
    interview.operators_present.add(operator)
    return interview
