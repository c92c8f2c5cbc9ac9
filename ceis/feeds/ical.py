"""The feed as iCalendar (RFC 5545), written with the maintained ``icalendar`` library."""

from __future__ import annotations

from django.utils import timezone
from icalendar import Calendar, Event

from .selectors import FeedEvent

PRODID = "-//CeIS Lucca//ceis calendar feed//IT"


def to_ical(events: list[FeedEvent], *, name: str, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for e in events:
        event = Event()
        event.add("uid", f"{e.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", e.start)
        event.add("dtend", e.end)
        event.add("summary", e.summary)
        if e.location:
            event.add("location", e.location)
        calendar.add_component(event)
    return calendar.to_ical()
