"""What a user's calendar feed holds: her interviews, next appointments and group sessions, by case code."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ceis import access

PAST = datetime.timedelta(days=60)
LIMIT = 500
DEFAULT_LENGTH = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    start: datetime.datetime
    end: datetime.datetime
    summary: str
    location: str


def feed_events(user, *, now: datetime.datetime | None = None) -> list[FeedEvent]:
    """Interviews of the referrals assigned to her, their next appointments and the group sessions she
    facilitates, from 60 days ago on: case codes, places and times only, never a name (two queries)."""
    # ceis/ is the floor below the activities: it names their models by label (tests/test_layout.py).
    GroupSession = apps.get_model("groups", "GroupSession")
    Interview = apps.get_model("interviews", "Interview")
    Referral = apps.get_model("referrals", "Referral")

    since = (now or timezone.now()) - PAST
    interviews = (
        Interview.objects.filter(referral__in=access.mine(Referral, user).values("pk"))
        .filter(Q(scheduled_at__gte=since) | Q(held_at__gte=since) | Q(next_appointment__gte=since))
        .select_related("referral__person")
        .only(
            "number",
            "scheduled_at",
            "held_at",
            "duration_minutes",
            "place",
            "next_appointment",
            "status",
            "referral__person__case_code",
        )
        .order_by("pk")[:LIMIT]
    )
    events = []
    for i in interviews:
        code = i.referral.person.case_code
        at = i.held_at or i.scheduled_at
        if at and at >= since:
            length = datetime.timedelta(minutes=i.duration_minutes) if i.duration_minutes else DEFAULT_LENGTH
            events.append(
                FeedEvent(
                    uid=f"interview-{i.pk}",
                    start=at,
                    end=at + length,
                    summary=_("Interview no. %(number)s, %(code)s") % {"number": i.number, "code": code},
                    location=i.place,
                )
            )
        if i.next_appointment and i.next_appointment >= since:
            events.append(
                FeedEvent(
                    uid=f"appointment-{i.pk}",
                    start=i.next_appointment,
                    end=i.next_appointment + DEFAULT_LENGTH,
                    summary=_("Next appointment, %(code)s") % {"code": code},
                    location="",
                )
            )
    sessions = (
        access.mine(GroupSession, user)
        .filter(held_at__gte=since)
        .exclude(status="cancelled")
        .select_related("host_centre")
        .only("held_at", "place", "host_centre__name")
        .order_by("held_at")[:LIMIT]
    )
    for s in sessions:
        events.append(
            FeedEvent(
                uid=f"session-{s.pk}",
                start=s.held_at,
                end=s.held_at + DEFAULT_LENGTH * 2,
                summary=_("Group information session, %(centre)s") % {"centre": s.host_centre.name},
                location=s.place or s.host_centre.name,
            )
        )
    return sorted(events, key=lambda e: (e.start, e.uid))
