"""The plan as an iCalendar feed (RFC 5545) that Outlook and other calendars can subscribe
to: one event per monthly slot, the last 12 months and the next 12, each with a stable UID so
a subscriber sees a moved or changed slot update in place. Built with `icalendar`, which
escapes every text (case-study fields are untrusted input)."""

from __future__ import annotations

import datetime as dt

from scheduler.operations.context import Workspace
from scheduler.operations.showcase.history import past_months
from scheduler.operations.showcase.planning import plan

SLOT_LENGTH = dt.timedelta(minutes=30)
PRODID = "-//NHS Knowledge and Library Services//impact-vignettes//EN"


def plan_calendar(ws: Workspace, *, host: str = "impact-vignettes") -> bytes:
    """The feed as bytes (`text/calendar`). `host` makes UIDs unique to this installation."""
    from icalendar import Calendar, Event

    now = ws.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Impact vignettes")
    calendar.add("x-published-ttl", "PT1H")  # Outlook: refresh hourly
    entries = [
        (m.month, m.slot.utc, m.state, m.ref, m.title, m.organisation, m.reason)
        for m in reversed(past_months(ws, 12))
    ] + [
        (e.month, e.slot.utc, e.state, e.ref, e.title, e.organisation, e.note) for e in plan(ws, 12)
    ]
    for month, start, state, ref, title, organisation, note in entries:
        event = Event()
        event.add("uid", f"slot-{month}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", start + SLOT_LENGTH)
        event.add("summary", f"Impact vignette: {title}" if title else "Impact vignette slot")
        lines = [f"Month: {month}", f"State: {state}"]
        if ref:
            lines.append(f"Case study: {ref}")
        if organisation:
            lines.append(f"Organisation: {organisation}")
        if note:
            lines.append(f"Note: {note}")
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: never "busy"
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
