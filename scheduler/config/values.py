"""The value types of `config.toml`: durations, times, zones, sizes, colours, URLs, schedule
days and post templates. Each parser takes text and returns the value or raises ValueError
with a message that completes `KEY: `."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SECRET_LIKE = re.compile(r"(token|secret|password|api_key|client_id)", re.IGNORECASE)
_DURATION = re.compile(r"^(?:\d+[smhdw])+$")
_DURATION_PART = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SIZE = re.compile(r"^(\d{2,5})x(\d{2,5})$")


# What a configured mention must look like on each platform (compose.py uses these too).
X_MENTION = re.compile(r"@?([A-Za-z0-9_]{1,15})")
LINKEDIN_MENTION = re.compile(
    r"@\[(?P<name>[^|{}@\[\]()<>#\\*_~\n]+)\]"
    r"\((?P<urn>urn:li:(?:organization|person):[A-Za-z0-9_-]+)\)"
)
# An atproto handle (a domain name): https://atproto.com/specs/handle
BLUESKY_HANDLE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
)
BLUESKY_MENTION = re.compile(r"@?(" + BLUESKY_HANDLE.pattern + r")")
# BCP-47, as `@atproto/common-web` checks `langs` (simplified: language[-script][-region]).
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?")
MAX_AVOID_MONTHS = 60
MAX_TIMEOUT = dt.timedelta(minutes=2)


def parse_duration(text: str) -> dt.timedelta:
    """`"3d"`, `"1h"`, `"1d12h"` → timedelta; raises ValueError on anything else."""
    text = text.strip()
    if not _DURATION.match(text):
        raise ValueError(f"{text!r} is not a duration like '90s', '15m', '1h', '3d' or '1d12h'")
    total = dt.timedelta()
    try:
        for amount, unit in _DURATION_PART.findall(text):
            total += dt.timedelta(**{_UNITS[unit]: int(amount)})
    except OverflowError:
        raise ValueError(f"{text!r} is far too long a duration") from None
    return total


def format_duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def parse_time(text: str) -> dt.time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{text!r} is not a 24-hour time like '10:00'")
    return dt.time(int(match[1]), int(match[2]))


def parse_zone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {text!r} (use an IANA name like 'Europe/London')"
        ) from None
    return text


def parse_size(text: str) -> tuple[int, int]:
    match = _SIZE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a size like '1200x675'")
    return int(match[1]), int(match[2])


def parse_colour(text: str) -> str:
    if not _HEX.match(text):
        raise ValueError(f"{text!r} is not a colour like '#005EB8'")
    return text.upper()


_LOOPBACK = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])([:/]|$)")


def parse_https(text: str) -> str:
    """An API base: https only, so tokens never cross the network in clear; http:// is
    accepted for this machine alone (emulators, local relays)."""
    if not (re.match(r"^https://[^\s/]+", text) or _LOOPBACK.match(text)):
        raise ValueError(f"{text!r} is not an https:// URL (http:// only on this machine)")
    return text.rstrip("/")


def check_schedule_day(day: str, problems: list[str]) -> None:
    """A slot day must fall exactly once in every month, or months go missing."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        trigger = CronTrigger(day=day, hour=12, timezone=dt.UTC)
    except ValueError as exc:
        problems.append(f"schedule.day: {day!r} is not an APScheduler cron day ({exc})")
        return
    # 2027 is a common year and 2028 a leap year: between them every month length occurs.
    for year, month in [(2027, m) for m in range(1, 13)] + [(2028, 2)]:
        start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
        end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
        fires = 0
        at: dt.datetime | None = trigger.get_next_fire_time(None, start)
        while at is not None and at < end:
            fires += 1
            at = trigger.get_next_fire_time(at, at + dt.timedelta(seconds=1))
        if fires != 1:
            what = "no day" if fires == 0 else f"{fires} days"
            problems.append(
                f"schedule.day: {day!r} gives {what} in {start:%B %Y}; a slot needs exactly "
                "one day in every month (e.g. '1st tue', 'last fri', '15')"
            )
            return


def template_problems(template: str) -> list[str]:
    """Placeholders must be plain names from TEMPLATE_FIELDS: no attribute or index access,
    conversions or format specs (a template must never reach into Python objects)."""
    import string

    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return [f"bad placeholder: {exc}"]
    problems = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS:
            problems.append(f"{{{name}}} is not one of {', '.join(TEMPLATE_FIELDS)}")
        elif spec or conversion:
            problems.append(f"{{{name}}} must be a plain placeholder, without ! or :")
    return problems


TEMPLATE_FIELDS = (
    "headline",
    "summary",
    "link",
    "hashtags",
    "mentions",
    "quote",
    "organisation",
    "title",
    "region",
    "month",
)


def resolve(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def resolve_db_url(base: Path, url: str) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        return prefix + str(resolve(base, url[len(prefix) :]))
    return url
