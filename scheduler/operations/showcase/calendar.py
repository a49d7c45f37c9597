"""The plan as an iCalendar feed (RFC 5545) that Outlook and other calendars can subscribe
to: one event per monthly slot, the last 12 months and the next 12, each with a UID that
never changes (not even with the address the console is reached at, which differs behind
a proxy, by VPN or after a move), so a subscriber sees a moved or changed slot update in
place. Past months say what really happened; states are written in words. Built with
`icalendar`, which escapes every text (case-study fields are untrusted input)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduler.operations.context import Workspace
from scheduler.operations.showcase.history import PastMonth, past_months
from scheduler.operations.showcase.planning import plan
from scheduler.platforms.registry import INFO
from vignettes.planning.plan import PlanEntry
from vignettes.planning.slots import Month, SlotTime

SLOT_LENGTH = dt.timedelta(minutes=30)
PRODID = "-//NHS Knowledge and Library Services//impact-vignettes//EN"
# The UIDs' domain: the same wherever the console is reached from.
UID_DOMAIN = "impact-vignettes"
# Slot and post states as a calendar's reader reads them.
STATE_WORDS = {
    "planned": "Planned",
    "due": "Due now",
    "blocked": "Will not be sent as planned",
    "passed": "Passed, nothing published",
    "publishing": "Publishing",
    "published": "Published",
    "partial": "Partly published",
    "missed": "Missed",
    "skipped": "Skipped",
    "none": "Nothing recorded",
    "posted": "posted",
    "pending": "waiting to send",
    "sending": "sending",
    "unknown": "outcome unknown",
    "failed": "failed",
    "needs_reauth": "needs re-authorising",
}


@dataclass(frozen=True)
class _Event:
    month: Month
    slot: SlotTime
    state: str
    ref: str | None
    title: str | None
    organisation: str | None
    note: str
    posts: tuple[str, ...] = ()


def _past(month: PastMonth, now: dt.datetime, grace: dt.timedelta) -> _Event:
    state = month.state
    # A slot still "planned" once its grace has ended was never published: the daemon
    # did not run then (it marks such a month missed when it does).
    if state == "planned" and now >= month.slot.utc + grace:
        state = "passed"
    posts = tuple(
        f"{_label(p.platform)}: {STATE_WORDS.get(p.state, p.state)}"
        + (f" {p.url}" if p.url else "")
        for p in month.posts
    )
    return _Event(
        month.month, month.slot, state, month.ref, month.title, month.organisation,
        month.reason, posts,
    )  # fmt: skip


def _label(platform: str) -> str:
    return INFO[platform].label if platform in INFO else platform


def _coming(entry: PlanEntry) -> _Event:
    state = "blocked" if entry.blocked and entry.state in ("planned", "due") else entry.state
    return _Event(
        entry.month, entry.slot, state, entry.ref, entry.title, entry.organisation, entry.note
    )


def plan_calendar(ws: Workspace) -> bytes:
    """The feed as bytes (`text/calendar`)."""
    from icalendar import Calendar, Event

    now = ws.now()
    grace = ws.config.schedule.grace
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Impact vignettes")
    calendar.add("x-published-ttl", "PT1H")  # Outlook: refresh hourly
    months = [_past(m, now, grace) for m in reversed(past_months(ws, 12))]
    months += [_coming(e) for e in plan(ws, 12)]
    for m in months:
        event = Event()
        event.add("uid", f"slot-{m.month}@{UID_DOMAIN}")
        event.add("dtstamp", now)
        event.add("dtstart", m.slot.utc)
        event.add("dtend", m.slot.utc + SLOT_LENGTH)
        event.add("summary", f"Impact vignette: {m.title}" if m.title else "Impact vignette slot")
        lines = [f"Month: {m.month.label}", f"State: {STATE_WORDS.get(m.state, m.state)}"]
        if m.ref:
            lines.append(f"Case study: {m.ref}")
        if m.organisation:
            lines.append(f"Organisation: {m.organisation}")
        if m.note:
            lines.append(f"Note: {m.note}")
        lines += [f"Post on {post}" for post in m.posts]
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: never "busy"
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
