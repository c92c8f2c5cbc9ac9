"""What the agenda shows beside interviews: the group sessions planned.

``ceis/`` is the floor below the activities (tests/test_layout.py): it names the groups' model by label, so
that the interviews' agenda can list the sessions without one activity importing another.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone

from ceis import access


def planned_sessions(user, *, mine: bool, days: int = 60) -> QuerySet:
    """Group sessions planned from the start of today for ``days`` days, soonest first: those she facilitates
    (``mine``) or all she may see. One query."""
    GroupSession = apps.get_model("groups", "GroupSession")
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    qs = access.mine(GroupSession, user) if mine else access.visible(GroupSession, user)
    return (
        qs.filter(status="planned", held_at__gte=start, held_at__lt=start + datetime.timedelta(days=days))
        .select_related("host_centre")
        .order_by("held_at", "pk")
    )
