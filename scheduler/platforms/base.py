"""The `Platform` seam: what every adapter (X, LinkedIn, outbox) offers, and how it fails.

The publishing pipeline decides only from a `PlatformError`'s kind (`ErrorKind`, and the
flags that follow from it: permanent, outcome_unknown, needs_reauth, payment_required) and
its retry_after and duplicate_of, never from HTTP status codes. Adapters never retry a
POST themselves: a request whose outcome is unknown is reported as such and left to
reconciliation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol

import requests
import urllib3.exceptions

from scheduler.errors import SchedulerError


@dataclass(frozen=True)
class PreparedPost:
    """Everything needed to publish one post; `text` is already in the platform's format."""

    text: str
    image_png: bytes
    alt_text: str
    content_hash: str

    def __repr__(self) -> str:  # the PNG bytes would swamp every log line
        return (
            f"PreparedPost(text={self.text[:40]!r}…, image_png=<{len(self.image_png)} bytes>, "
            f"alt_text={self.alt_text[:20]!r}…, content_hash={self.content_hash[:12]!r})"
        )


@dataclass(frozen=True)
class Published:
    remote_id: str
    url: str


@dataclass(frozen=True)
class RemoteRef:
    """A post already published: its id, and when it went out if known (some metrics age out)."""

    remote_id: str
    posted_at: dt.datetime | None = None


@dataclass(frozen=True)
class Metrics:
    """Engagement of one post at one moment. `None` means the platform did not say;
    `unavailable` lists why, one reason per missing figure or group of figures."""

    remote_id: str
    impressions: int | None = None
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    quotes: int | None = None
    link_clicks: int | None = None
    bookmarks: int | None = None
    engagement_rate: float | None = None
    unavailable: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecentPost:
    """A post found on the account, for reconciling a publish whose outcome was unknown."""

    remote_id: str
    url: str
    text: str
    created_at: dt.datetime | None


@dataclass(frozen=True)
class Identity:
    """Who the credentials act as, from a read-only call."""

    platform: str
    account_id: str
    display_name: str
    detail: str = ""


class Platform(Protocol):
    """One social platform (or the outbox). Every method raises only `PlatformError`s."""

    name: str

    def publish(self, post: PreparedPost) -> Published:
        """Upload the image with its alt text, then create the post; never retried inside."""
        ...

    def metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        """Metrics for many posts, batched as the API allows; one `Metrics` per ref found."""
        ...

    def recent_posts(self, limit: int) -> list[RecentPost]:
        """The account's latest posts, newest first (raises `NotSupported` where impossible)."""
        ...

    def whoami(self) -> Identity:
        """A read-only call proving the credentials work; used by doctor and preflight."""
        ...


class ErrorKind(StrEnum):
    """What went wrong, said once: each kind is one `PlatformError` subclass, and what the
    pipeline does about it (retry, reconcile, re-authorise, give up) follows from the kind
    alone (`PlatformError.permanent` and the other flags)."""

    TRANSIENT = "transient"  # nothing was created; safe to try again later
    RATE_LIMITED = "rate_limited"
    OUTCOME_UNKNOWN = "outcome_unknown"
    DUPLICATE = "duplicate"
    NEEDS_REAUTH = "needs_reauth"
    PAYMENT_REQUIRED = "payment_required"
    CONFIGURATION = "configuration"
    REJECTED = "rejected"
    NOT_SUPPORTED = "not_supported"


# The kinds that trying again can never fix.
PERMANENT = frozenset(
    {
        ErrorKind.DUPLICATE,
        ErrorKind.NEEDS_REAUTH,
        ErrorKind.PAYMENT_REQUIRED,
        ErrorKind.CONFIGURATION,
        ErrorKind.REJECTED,
        ErrorKind.NOT_SUPPORTED,
    }
)


class PlatformError(SchedulerError):
    """A failure the pipeline can act on. Messages never carry secrets, headers or bodies
    sent; they may quote the platform's own error text. Raise a subclass: its `kind` says
    what happened, and the flags below follow from it."""

    kind: ClassVar[ErrorKind] = ErrorKind.TRANSIENT

    def __init__(
        self,
        message: str,
        *,
        retry_after: dt.datetime | None = None,
        duplicate_of: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.duplicate_of = duplicate_of
        self.status = status

    @property
    def permanent(self) -> bool:
        return self.kind in PERMANENT

    @property
    def outcome_unknown(self) -> bool:
        return self.kind is ErrorKind.OUTCOME_UNKNOWN

    @property
    def needs_reauth(self) -> bool:
        return self.kind is ErrorKind.NEEDS_REAUTH

    @property
    def payment_required(self) -> bool:
        return self.kind is ErrorKind.PAYMENT_REQUIRED

    def __repr__(self) -> str:
        flags = [
            f"{name}={value!r}"
            for name in ("retry_after", "duplicate_of", "status")
            if (value := getattr(self, name)) is not None
        ]
        return f"{type(self).__name__}({self.message!r}{', ' if flags else ''}{', '.join(flags)})"


class RateLimited(PlatformError):
    """429: try again at `retry_after` (None when the platform gave no reset time)."""

    kind = ErrorKind.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: dt.datetime | None, **kw: Any) -> None:
        super().__init__(message, retry_after=retry_after, **kw)


class OutcomeUnknown(PlatformError):
    """The request was sent and may have been acted on (read timeout, reset, 5xx on POST)."""

    kind = ErrorKind.OUTCOME_UNKNOWN


class Duplicate(PlatformError):
    """The platform says this content was already posted; `duplicate_of` when it names it."""

    kind = ErrorKind.DUPLICATE

    def __init__(self, message: str, *, duplicate_of: str | None, **kw: Any) -> None:
        super().__init__(message, duplicate_of=duplicate_of, **kw)


class NeedsReauth(PlatformError):
    """401, revoked or under-privileged token, `invalid_grant`: run `vignettes auth …`."""

    kind = ErrorKind.NEEDS_REAUTH


class PaymentRequired(PlatformError):
    """X 402 (credits depleted) or a tier/usage cap: a person must pay or upgrade."""

    kind = ErrorKind.PAYMENT_REQUIRED


class ConfigurationError(PlatformError):
    """Our configuration is wrong for the API (e.g. a sunset LinkedIn-Version); the message
    says how to fix it."""

    kind = ErrorKind.CONFIGURATION


class Rejected(PlatformError):
    """The platform validated and refused the request (text too long, bad media, …)."""

    kind = ErrorKind.REJECTED


class Transient(PlatformError):
    """Nothing was created (DNS, connection refused, connect timeout, a failed read, a
    failure before the final create call): safe to try again later."""

    kind = ErrorKind.TRANSIENT


class NotSupported(PlatformError):
    """The API offers no way to do this with these credentials."""

    kind = ErrorKind.NOT_SUPPORTED


# --- shared helpers for HTTP adapters ------------------------------------------------------


def no_retry_session(session: requests.Session | None = None) -> requests.Session:
    """A session whose transport never retries: urllib3 must not silently resend a POST."""
    session = session or requests.Session()
    for prefix in ("http://", "https://"):
        session.mount(prefix, requests.adapters.HTTPAdapter(max_retries=0))
    return session


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo.extend([item.__cause__, item.__context__])
        todo.extend(a for a in getattr(item, "args", ()) if isinstance(a, BaseException))
        todo.append(getattr(item, "reason", None))
    return seen


def was_not_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server: DNS failure, connection
    refused, connect timeout. Anything else after connecting may have been acted on."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    return any(
        isinstance(
            e,
            urllib3.exceptions.NewConnectionError
            | urllib3.exceptions.ConnectTimeoutError
            | urllib3.exceptions.NameResolutionError,
        )
        for e in _chain(exc)
    )


def transport_error(
    platform: str, what: str, exc: requests.RequestException, *, creates: bool
) -> PlatformError:
    """Map a requests exception. `creates` is True only for the call that creates the post:
    an ambiguous failure there is `OutcomeUnknown`; anywhere else nothing was published."""
    kind = type(exc).__name__
    if was_not_sent(exc):
        return Transient(f"{platform}: {what} not sent ({kind}: could not connect)")
    if creates:
        return OutcomeUnknown(
            f"{platform}: {what} sent but no answer ({kind}); the post may exist — reconcile"
        )
    return Transient(f"{platform}: {what} failed ({kind}); nothing was published")


def next_utc_midnight(now: dt.datetime) -> dt.datetime:
    day = now.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def x_rate_limit_reset(headers: Mapping[str, str]) -> dt.datetime | None:
    """The binding reset time from X's 15-minute and 24-hour rate-limit headers.

    A 429 may come from the 24-hour user or app counter while the 15-minute one is fine, so
    every family whose `-remaining` is 0 counts and the latest of those wins; with none
    exhausted (or no `-remaining` given) the latest reset of all is the safe answer."""
    lowered = {k.lower(): v for k, v in headers.items()}
    families = ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour")
    resets: list[tuple[dt.datetime, bool]] = []
    for family in families:
        raw = lowered.get(f"{family}-reset")
        if raw is None:
            continue
        try:
            when = dt.datetime.fromtimestamp(int(raw), dt.UTC)
        except (ValueError, OverflowError, OSError):
            continue
        exhausted = lowered.get(f"{family}-remaining", "0").strip() == "0"
        resets.append((when, exhausted))
    if not resets:
        return None
    binding = [when for when, exhausted in resets if exhausted]
    return max(binding or [when for when, _ in resets])


def safe_json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
