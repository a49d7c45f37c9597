"""X's answers, read: error responses into our `PlatformError` classes, and tweets'
public, non-public and organic metrics into `Metrics` (with the reason for each figure the
tier or token cannot read)."""

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
    PaymentRequired,
    PlatformError,
    RateLimited,
    Rejected,
    Transient,
    safe_json,
    x_rate_limit_reset,
)


def _problem_kind(body: dict[str, Any]) -> str:
    """The last path segment of an X problem `type` (hosts vary: api.x.com/api.twitter.com)."""
    return str(body.get("type", "")).rstrip("/").rsplit("/", 1)[-1]


def x_error(
    response: requests.Response, what: str, *, creates: bool, now: dt.datetime
) -> PlatformError:
    """Translate an X error response. `creates` marks the call that creates the post."""
    status = response.status_code
    body = safe_json(response)
    messages = [str(e.get("message", "")) for e in body.get("errors", []) if isinstance(e, dict)]
    # Validation errors carry the specific reason in errors[].message; detail is generic.
    text = str("; ".join(m for m in messages if m) or body.get("detail") or body.get("title") or "")
    text = text or response.reason or "no detail"
    kind = _problem_kind(body)
    message = f"x: {what} failed: HTTP {status}: {text}"
    if status == 401:
        return NeedsReauth(
            f"{message} — tokens wrong or revoked; run `vignettes auth x`", status=status
        )
    if status == 402:
        return PaymentRequired(f"{message} — add credits in the X developer console", status=status)
    if status == 403:
        if "duplicate content" in text.lower():
            return Duplicate(message, duplicate_of=None, status=status)
        if kind == "oauth1-permissions":
            return NeedsReauth(
                f"{message} — set the app to 'Read and write', then regenerate the access "
                "token (run `vignettes auth x`)",
                status=status,
            )
        if kind == "client-forbidden":
            return PaymentRequired(
                f"{message} — the app lacks API access for this tier", status=status
            )
        if kind == "unsupported-authentication":
            return ConfigurationError(message, status=status)
        return Rejected(message, status=status)
    if status == 429:
        retry_after = x_rate_limit_reset(response.headers)
        if kind == "usage-capped":
            return PaymentRequired(
                f"{message} — usage cap reached", retry_after=retry_after, status=status
            )
        return RateLimited(message, retry_after=retry_after, status=status)
    if status >= 500:
        if creates:
            return OutcomeUnknown(f"{message} — the post may exist; reconcile", status=status)
        return Transient(f"{message}; nothing was published", status=status)
    if creates and status not in (400, 404, 409, 413, 422):
        return OutcomeUnknown(message, status=status)
    return Rejected(message, status=status)


_FIELD_IN_DETAIL = re.compile(r"access '([a-z_.]+)'")


def parse_tweets_metrics(body: dict[str, Any]) -> dict[str, Metrics]:
    """`GET /2/tweets` body → Metrics by post id; partial `errors[]` become `unavailable`."""
    reasons: dict[str, list[str]] = {}
    for err in body.get("errors", []) or []:
        if not isinstance(err, dict):
            continue
        post_id = str(err.get("resource_id") or err.get("value") or "")
        kind = _problem_kind(err)
        if kind == "resource-not-found":
            reasons.setdefault(post_id, []).append("post not found (deleted?)")
            continue
        field = (
            err.get("field") or (_FIELD_IN_DETAIL.search(str(err.get("detail", ""))) or [""])[-1]
        )
        title = err.get("title") or kind or "error"
        reasons.setdefault(post_id, []).append(
            f"{field or 'some fields'}: {title} (X gives non-public metrics only to the "
            "author's user context, for posts up to 30 days old)"
        )
    out: dict[str, Metrics] = {}
    for tweet in body.get("data", []) or []:
        post_id = str(tweet.get("id", ""))
        out[post_id] = tweet_metrics(tweet, tuple(reasons.pop(post_id, [])))
    for post_id, why in reasons.items():
        if post_id:
            out[post_id] = Metrics(remote_id=post_id, unavailable=tuple(why))
    return out


def tweet_metrics(tweet: dict[str, Any], reasons: tuple[str, ...] = ()) -> Metrics:
    """One post's metrics; accepts both `retweet_count` and the 2.167 spec's `repost_count`."""
    public = tweet.get("public_metrics") or {}
    private = tweet.get("non_public_metrics") or {}
    organic = tweet.get("organic_metrics") or {}

    def pick(*sources: tuple[dict[str, Any], str]) -> int | None:
        for source, key in sources:
            if isinstance(source.get(key), int):
                return int(source[key])
        return None

    impressions = pick((private, "impression_count"), (public, "impression_count"))
    likes = pick((public, "like_count"), (organic, "like_count"))
    reposts = pick((public, "retweet_count"), (public, "repost_count"), (organic, "retweet_count"))
    replies = pick((public, "reply_count"), (organic, "reply_count"))
    quotes = pick((public, "quote_count"))
    bookmarks = pick((public, "bookmark_count"))
    link_clicks = pick((private, "url_link_clicks"), (organic, "url_link_clicks"))
    unavailable = list(reasons)
    if link_clicks is None and not reasons:
        unavailable.append("link_clicks: non_public_metrics not returned")
    engagements = pick((private, "engagements"))
    if engagements is None:
        engagements = sum(v or 0 for v in (likes, reposts, replies, quotes, bookmarks, link_clicks))
    rate = engagements / impressions if impressions else None
    return Metrics(
        remote_id=str(tweet.get("id", "")),
        impressions=impressions,
        likes=likes,
        reposts=reposts,
        replies=replies,
        quotes=quotes,
        link_clicks=link_clicks,
        bookmarks=bookmarks,
        engagement_rate=rate,
        unavailable=tuple(unavailable),
        raw={
            k: tweet[k]
            for k in ("public_metrics", "non_public_metrics", "organic_metrics")
            if k in tweet
        },
    )


def parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
    except ValueError:
        return None
