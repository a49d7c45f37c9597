"""LinkedIn's answers, read: share statistics into `Metrics`, error responses into our
`PlatformError` classes, and the ageing `LinkedIn-Version` header."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import requests

from scheduler.platforms.base import (
    ConfigurationError,
    Duplicate,
    Metrics,
    NeedsReauth,
    OutcomeUnknown,
    PlatformError,
    RateLimited,
    Rejected,
    Transient,
    next_utc_midnight,
    safe_json,
)
from scheduler.platforms.linkedin.version import suggested_version

URN_IN_TEXT = re.compile(r"urn:li:(?:share|ugcPost):[0-9]+")


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


def share_statistics_metrics(urn: str, element: dict[str, Any]) -> Metrics:
    stats = element.get("totalShareStatistics", {}) or {}

    def count(key: str) -> int | None:
        value = stats.get(key)
        return value if isinstance(value, int) else None

    rate = stats.get("engagement")
    return Metrics(
        remote_id=urn,
        impressions=count("impressionCount"),
        likes=count("likeCount"),
        reposts=count("shareCount"),
        replies=count("commentCount"),
        link_clicks=count("clickCount"),
        engagement_rate=float(rate) if isinstance(rate, int | float) else None,
        unavailable=("quotes, bookmarks: LinkedIn has no such counts",),
        raw={"totalShareStatistics": stats},
    )


def linkedin_error(
    response: requests.Response, what: str, *, creates: bool, version: str, now: dt.datetime
) -> PlatformError:
    """Translate a LinkedIn error response. `creates` marks the call that creates the post."""
    status = response.status_code
    body = safe_json(response)
    code = str(body.get("code", ""))
    text = str(body.get("message") or body.get("error_description") or response.reason or "")
    input_codes = [
        str(e.get("code", ""))
        for e in (body.get("errorDetails", {}) or {}).get("inputErrors", []) or []
        if isinstance(e, dict)
    ]
    message = f"linkedin: {what} failed: HTTP {status} {code or ''}: {text}".replace(" :", ":")
    if status == 426 or code == "NONEXISTENT_VERSION":
        return ConfigurationError(
            f"{message} — LinkedIn-Version {version} is no longer active; set "
            f'[platforms.linkedin] version = "{suggested_version(now)}" (a recent YYYYMM) '
            "in config.toml",
            status=status,
        )
    if code == "VERSION_MISSING":
        return ConfigurationError(message, status=status)
    if status == 401:
        return NeedsReauth(f"{message} — run `vignettes auth linkedin`", status=status)
    if status == 403:
        return NeedsReauth(
            f"{message} — the token lacks a scope or the member lacks the Page role; "
            "re-authorise as a Page administrator with `vignettes auth linkedin`",
            status=status,
        )
    if status == 422 and ("DUPLICATE_POST" in input_codes or "duplicate" in text.lower()):
        match = URN_IN_TEXT.search(text)
        return Duplicate(message, duplicate_of=match[0] if match else None, status=status)
    if status == 429:
        retry_after = next_utc_midnight(now) if "DAY" in text else None
        return RateLimited(message, retry_after=retry_after, status=status)
    if status == 400 and any(c in ("MEDIA_ASSET_WAITING_UPLOAD",) for c in [code, *input_codes]):
        return Transient(f"{message}; nothing was posted", status=status)
    if status >= 500:
        if creates:
            return OutcomeUnknown(f"{message} — the post may exist; reconcile", status=status)
        return Transient(f"{message}; nothing was published", status=status)
    if creates and not 400 <= status < 500:
        return OutcomeUnknown(message, status=status)
    return Rejected(message, status=status)
