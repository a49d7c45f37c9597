"""XRPC errors from a Bluesky PDS, translated into our `PlatformError` classes.

Every unsuccessful XRPC answer is `{"error": "<Name>", "message": "<text>"}` (or, behind a
proxy, HTML). The pipeline acts only on the class and its fields, so this is the one place
that knows Bluesky's names (docs/bluesky-api-notes.md §3).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Mapping

import requests

from scheduler.platforms.base import (
    NeedsReauth,
    OutcomeUnknown,
    PlatformError,
    RateLimited,
    Rejected,
    Transient,
    safe_json,
)

# The PDS says the session is over: refresh it (or sign in again) and try once more.
SESSION_ERRORS = ("ExpiredToken", "InvalidToken")
ACCOUNT_ERRORS = ("AccountTakedown", "AccountDeactivated", "AuthFactorTokenRequired")


def error_name(response: requests.Response) -> str:
    return str(safe_json(response).get("error", ""))


def session_expired(response: requests.Response) -> bool:
    """True for an access token the PDS no longer takes (expired, revoked, unverifiable)."""
    name = error_name(response)
    return name in SESSION_ERRORS or (
        response.status_code == 401 and name in ("", "AuthenticationRequired", "AuthMissing")
    )


def rate_limit_reset(headers: Mapping[str, str], now: dt.datetime) -> dt.datetime | None:
    """When to try again: `ratelimit-reset` (Unix seconds), else `Retry-After` (seconds or
    an HTTP date), else None."""
    lowered = {k.lower(): v.strip() for k, v in headers.items()}
    reset = lowered.get("ratelimit-reset", "")
    if reset.isdigit():
        try:
            return dt.datetime.fromtimestamp(int(reset), dt.UTC)
        except (OverflowError, OSError, ValueError):
            pass
    retry = lowered.get("retry-after", "")
    if retry.isdigit():
        return now + dt.timedelta(seconds=int(retry))
    if retry:
        try:
            return email.utils.parsedate_to_datetime(retry).astimezone(dt.UTC)
        except (TypeError, ValueError):
            return None
    return None


def bluesky_error(
    response: requests.Response, what: str, *, creates: bool, now: dt.datetime
) -> PlatformError:
    """Translate an XRPC error answer. `creates` marks `createRecord`, the one call whose
    failure can leave a post behind. Auth failures carry status 401 whatever the PDS sent
    (it uses 400 for expired tokens), so engagement polling keeps retrying hourly."""
    status = response.status_code
    body = safe_json(response)
    name = str(body.get("error", ""))
    text = str(body.get("message") or response.reason or "no detail")
    message = f"bluesky: {what} failed: HTTP {status}{' ' + name if name else ''}: {text}"
    if status == 429 or name == "RateLimitExceeded":
        return RateLimited(message, retry_after=rate_limit_reset(response.headers, now), status=429)
    if name in ACCOUNT_ERRORS:
        return NeedsReauth(
            f"{message} — sign in at bsky.app and check the account; use an app password",
            status=401,
        )
    if name in SESSION_ERRORS or status == 401:
        return NeedsReauth(
            f"{message} — the session could not be renewed; create a new app password "
            "and set VIGNETTES_BLUESKY_APP_PASSWORD",
            status=401,
        )
    if name == "BlobTooLarge" or status == 413:
        return Rejected(f"{message} (Bluesky takes images up to 1,000,000 bytes)", status=status)
    if status >= 500:
        if creates:
            return OutcomeUnknown(f"{message} — the post may exist; reconcile", status=status)
        return Transient(f"{message}; nothing was published", status=status)
    if creates and status not in (400, 403, 404):
        return OutcomeUnknown(message, status=status)
    return Rejected(message, status=status)
