"""How the home, plan, engagement, users and audit screens show values: times in the
schedule's time zone, months by name, states as the design system's coloured tags, and
links to live posts only when they are web addresses.

Registered as Jinja filters and globals by the app factory (`FILTERS`, `GLOBALS`). Every
function returns plain text (never markup), so whatever it is given stays escaped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, url_for

from scheduler.config import format_duration
from scheduler.operations.months import Month
from scheduler.operations.showcase.engagement import PLATFORM_NAMES
from scheduler.operations.showcase.publishing import is_web_address
from scheduler.web.state import config
from scheduler.web.wording import months_in_words

# States as people read them, and the tag colour each gets: green done, blue on its way,
# orange needs a look, red failed, grey nothing to do.
STATES: dict[str, tuple[str, str]] = {
    "planned": ("Planned", "blue"),
    # planned, but its case study will not be sent as things stand (PlanEntry.blocked)
    "blocked": ("Will not be sent", "orange"),
    "due": ("Due now", "yellow"),
    "passed": ("Passed", "grey"),
    "publishing": ("Publishing", "aqua-green"),
    "published": ("Published", "green"),
    "partial": ("Partly published", "orange"),
    "missed": ("Missed", "red"),
    "skipped": ("Skipped", "grey"),
    "none": ("Nothing recorded", "grey"),
    "pending": ("Waiting to send", "blue"),
    "sending": ("Sending", "aqua-green"),
    "posted": ("Posted", "green"),
    "unknown": ("Outcome unknown", "orange"),
    "failed": ("Failed", "red"),
    "needs_reauth": ("Needs re-authorising", "red"),
    "not started": ("Not started", "grey"),
}
SOURCES = {"queued": ("Queued", "purple"), "auto-pick": ("Auto-pick", "white")}
VIA = {"web": ("Console", "blue"), "cli": ("Command line", "grey"), "daemon": ("Daemon", "purple")}


def local_time(value: dt.datetime | None, style: str = "long") -> str:
    """`value` in the schedule's time zone: "Tue 1 Dec 2026, 10:00 GMT" (`long`),
    "1 Dec 2026, 10:00" (`short`); "" for None."""
    if value is None:
        return ""
    here = value.astimezone(config().schedule.tz)
    if style == "short":
        return f"{here:%-d %b %Y, %H:%M}"
    return f"{here:%a %-d %b %Y, %H:%M %Z}"


def month_name(value: Month | str | None) -> str:
    """ "2026-12" or Month(2026, 12) → "December 2026" ("" for None; anything else as is)."""
    if value is None:
        return ""
    if isinstance(value, Month):
        return value.label
    try:
        return Month.parse(value).label
    except ValueError:
        return value


def state_tag(state: str | None) -> dict[str, str]:
    """The `tag` macro's parameters for a slot or post state."""
    text, colour = STATES.get(state or "none", ((state or "none").replace("_", " "), "grey"))
    return {"text": text, "colour": colour}


def source_tag(source: str | None) -> dict[str, str]:
    text, colour = SOURCES.get(source or "", ("", "grey"))
    return {"text": text, "colour": colour}


def via_tag(via: str | None) -> dict[str, str]:
    text, colour = VIA.get(via or "", ("Before interfaces were recorded", "white"))
    return {"text": text, "colour": colour}


def platform_name(name: str) -> str:
    return PLATFORM_NAMES.get(name, name)


def web_link(url: str | None) -> str | None:
    """`url` if a page may link to it (http or https with a host), else None: a post URL
    typed by a person must never become a `javascript:` link."""
    return url if url and is_web_address(url) else None


def engagement_text(engagement: Any) -> str:
    """A live post's latest engagement in words: "1,204 impressions, 37 likes, 5 reposts
    and 2 replies", leaving out what the platform did not say."""
    if engagement is None:
        return "Engagement not measured yet"
    figures = [
        f"{value:,} {one if value == 1 else many}"
        for one, many, value in (
            ("impression", "impressions", engagement.impressions),
            ("like", "likes", engagement.likes),
            ("repost", "reposts", engagement.reposts),
            ("reply", "replies", engagement.replies),
        )
        if value is not None
    ]
    if not figures:
        return "The platform gave no engagement figures"
    said = ", ".join(figures[:-1]) + " and " + figures[-1] if len(figures) > 1 else figures[0]
    return said[0].upper() + said[1:]


def case_study_url(ref: str | None) -> str | None:
    """The case study page of `ref`, when the console has that screen (else None, and the
    ref is shown as plain text)."""
    if not ref or "case_studies.show" not in current_app.view_functions:
        return None
    return url_for("case_studies.show", ref=ref)


def detail_text(detail: dict[str, Any]) -> str:
    """An audit event's detail as "key: value; …" (values shown as text, never markup)."""
    parts = []
    for key, value in detail.items():
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def _when(iso: str | None) -> str:
    try:
        return local_time(dt.datetime.fromisoformat(iso)) if iso else ""
    except ValueError:
        return iso or ""


def platform_notes(states: dict[str, dict[str, Any]]) -> list[str]:
    """Engagement polling's platform-level waits and refusals, for people."""
    lines = []
    for name, state in states.items():
        label = platform_name(name)
        if state.get("unavailable_reason"):
            since = _when(state.get("unavailable_since"))
            lines.append(
                f"{label}: engagement unavailable{' since ' + since if since else ''}: "
                f"{state['unavailable_reason']}"
            )
        if state.get("blocked_until"):
            lines.append(
                f"{label}: polling paused until {_when(state['blocked_until'])} "
                f"({state.get('blocked_reason') or 'rate limit'})"
            )
    return lines


def problem_text(exc: BaseException, *, keep: str = "") -> str:
    """An operation's error as one line for an error summary, starting with a capital (a
    configuration error lists its problems rather than its heading). A message starting
    with `keep` (a user name) is left as it is: names are not capitalised."""
    problems = getattr(exc, "problems", None)
    text = "; ".join(str(p) for p in problems) if problems else str(exc).strip()
    text = months_in_words(text.splitlines()[0]) if text else "Something went wrong"
    if keep and text.startswith(keep):
        return text
    return text[:1].upper() + text[1:]


def spoken_duration(duration: dt.timedelta) -> str:
    """30 minutes → '30 minutes', 90 minutes → '1 hour 30 minutes'."""
    names = {"d": "day", "h": "hour", "m": "minute", "s": "second"}
    parts = []
    number = ""
    for ch in format_duration(duration):
        if ch.isdigit():
            number += ch
            continue
        parts.append(f"{number} {names[ch]}{'' if number == '1' else 's'}")
        number = ""
    return " ".join(parts)


FILTERS = {
    "local_datetime": local_time,
    "month_name": month_name,
    "platform_name": platform_name,
    "detail_text": detail_text,
    "spoken_duration": spoken_duration,
}
GLOBALS = {
    "state_tag": state_tag,
    "source_tag": source_tag,
    "via_tag": via_tag,
    "web_link": web_link,
    "engagement_text": engagement_text,
    "case_study_url": case_study_url,
    "platform_notes": platform_notes,
}
