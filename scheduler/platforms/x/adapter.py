"""X (Twitter) API v2 adapter on tweepy, OAuth 1.0a user context.

tweepy 4.17 has no v2 media helpers, so the image goes up through tweepy's generic
`Client.request` (`POST /2/media/upload`, JSON base64 form) and the alt text through
`POST /2/media/metadata`; the post itself is `Client.create_tweet`. All calls share tweepy's
`requests.Session`, on which we mount one transport adapter that (a) points tweepy's
hard-coded host at `api_base`, (b) applies our timeout (tweepy passes none), and (c) never
retries. tweepy's own rate-limit wait is off: we report `retry_after` and return.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import requests
import tweepy

from scheduler.clock import Clock
from scheduler.platforms.base import (
    Identity,
    Metrics,
    OutcomeUnknown,
    PreparedPost,
    Published,
    RecentPost,
    Rejected,
    RemoteRef,
    Transient,
    safe_json,
    transport_error,
)
from scheduler.platforms.x.responses import parse_time, parse_tweets_metrics, x_error

log = logging.getLogger(__name__)

TWEEPY_HOST = "https://api.twitter.com"
# Hosts tweepy may talk to unchanged: X still answers the legacy name, and the OAuth 1.0a
# signature covers the host, so re-pointing a signed request at another production name
# would be an unverified gamble.
PRODUCTION_HOSTS = ("https://api.x.com", "https://api.twitter.com")
METRICS_BATCH = 100
TWEET_FIELDS = ["public_metrics", "non_public_metrics", "organic_metrics", "created_at"]
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_ALT_TEXT = 1000

T = TypeVar("T")


class HostRewriteAdapter(requests.adapters.HTTPAdapter):
    """Sends tweepy's `https://api.twitter.com/...` requests to `target` instead.

    Why: tweepy builds every URL from a host string hard-coded inside `BaseClient.request`,
    with no parameter to change it, and our `api_base` (the local emulator in tests, or a
    proxy) must be honoured. Rewriting at the transport keeps every other tweepy behaviour.
    The OAuth 1.0a signature was computed over the original URL; the emulator only checks
    the header's form, which is why production hosts are left untouched (see above).
    """

    def __init__(self, target: str | None, timeout: float) -> None:
        super().__init__(max_retries=0)
        self.target = target.rstrip("/") if target else None
        self.timeout = timeout

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if self.target and request.url and request.url.startswith(TWEEPY_HOST):
            request.url = self.target + request.url[len(TWEEPY_HOST) :]
        return super().send(
            request, stream, timeout if timeout is not None else self.timeout, verify, cert, proxies
        )


def mount_x_host(session: requests.Session, api_base: str, timeout: float) -> None:
    target = None if api_base.rstrip("/") in PRODUCTION_HOSTS else api_base
    session.mount(TWEEPY_HOST, HostRewriteAdapter(target, timeout))


class XPlatform:
    """Publishes to and reads from one X account. Raises only `PlatformError`s."""

    name = "x"

    def __init__(
        self,
        *,
        api_base: str,
        username: str,
        api_key: str,
        api_secret: str,
        access_token: str,
        access_secret: str,
        timeout: float,
        clock: Clock,
        session: requests.Session | None = None,
    ) -> None:
        self.username = username
        self.clock = clock
        self.client = tweepy.Client(
            consumer_key=api_key,
            consumer_secret=api_secret,
            access_token=access_token,
            access_token_secret=access_secret,
            return_type=requests.Response,
            wait_on_rate_limit=False,
        )
        self.client.session = session or requests.Session()
        mount_x_host(self.client.session, api_base, timeout)
        self._user_id: str | None = None

    def __repr__(self) -> str:
        return f"XPlatform(username={self.username!r})"

    # --- publishing ---------------------------------------------------------------------

    def publish(self, post: PreparedPost) -> Published:
        """Upload, set alt text, create the post. Failures before the create call mean no
        post exists (`Transient`, or a permanent class); the create call alone can end in
        `OutcomeUnknown`."""
        if len(post.image_png) > MAX_IMAGE_BYTES:
            raise Rejected(f"x: image is {len(post.image_png)} bytes, X allows 5 MB")
        if len(post.alt_text) > MAX_ALT_TEXT:
            raise Rejected(f"x: alt text is {len(post.alt_text)} characters, X allows 1000")
        media_id = self._upload(post.image_png)
        self._call(
            "alt text",
            creates=False,
            fn=lambda: self.client.request(
                "POST",
                "/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": post.alt_text}}},
                user_auth=True,
            ),
        )
        response = self._call(
            "create post",
            creates=True,
            fn=lambda: self.client.create_tweet(
                text=post.text, media_ids=[media_id], user_auth=True
            ),
        )
        post_id = str(safe_json(response).get("data", {}).get("id", ""))
        if not re.fullmatch(r"[0-9]{1,19}", post_id):
            raise OutcomeUnknown(
                f"x: create post answered HTTP {response.status_code} without a post id"
            )
        log.info("x: published post %s", post_id)
        return Published(remote_id=post_id, url=self.post_url(post_id))

    def _upload(self, png: bytes) -> str:
        response = self._call(
            "media upload",
            creates=False,
            fn=lambda: self.client.request(
                "POST",
                "/2/media/upload",
                json={
                    "media": base64.b64encode(png).decode("ascii"),
                    "media_category": "tweet_image",
                },
                user_auth=True,
            ),
        )
        media_id = str(safe_json(response).get("data", {}).get("id", ""))
        if not media_id:
            raise Transient("x: media upload answered without a media id; nothing was posted")
        return media_id

    def post_url(self, post_id: str) -> str:
        if self.username:
            return f"https://x.com/{self.username}/status/{post_id}"
        return f"https://x.com/i/web/status/{post_id}"

    # --- reading ------------------------------------------------------------------------

    def metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        """`GET /2/tweets` in batches of 100. Fields X refuses for a post (non-public metrics
        after 30 days, or not the author) come back as `unavailable`, not as an error."""
        found: dict[str, Metrics] = {}
        ids = list(dict.fromkeys(ref.remote_id for ref in refs))
        for start in range(0, len(ids), METRICS_BATCH):
            batch = ids[start : start + METRICS_BATCH]
            response = self._call(
                "read metrics",
                creates=False,
                fn=lambda batch=batch: self.client.get_tweets(  # type: ignore[misc]
                    ids=batch, tweet_fields=TWEET_FIELDS, user_auth=True
                ),
            )
            found.update(parse_tweets_metrics(safe_json(response)))
        return [
            found.get(
                ref.remote_id,
                Metrics(remote_id=ref.remote_id, unavailable=("post not returned by X",)),
            )
            for ref in refs
        ]

    def recent_posts(self, limit: int) -> list[RecentPost]:
        """The account's timeline (`GET /2/users/{id}/tweets`), newest first."""
        user_id = self._me().account_id
        response = self._call(
            "read timeline",
            creates=False,
            fn=lambda: self.client.get_users_tweets(
                id=user_id,
                max_results=max(5, min(limit, 100)),
                tweet_fields=["created_at"],
                user_auth=True,
            ),
        )
        posts = []
        for item in safe_json(response).get("data", []) or []:
            post_id = str(item.get("id", ""))
            posts.append(
                RecentPost(
                    remote_id=post_id,
                    url=self.post_url(post_id),
                    text=str(item.get("text", "")),
                    created_at=parse_time(item.get("created_at")),
                )
            )
        return posts[:limit]

    def whoami(self) -> Identity:
        """`GET /2/users/me`: proves the OAuth 1.0a user tokens work (read-only)."""
        return self._me()

    def _me(self) -> Identity:
        response = self._call(
            "read account", creates=False, fn=lambda: self.client.get_me(user_auth=True)
        )
        data = safe_json(response).get("data", {})
        identity = Identity(
            platform="x",
            account_id=str(data.get("id", "")),
            display_name="@" + str(data.get("username", "")),
            detail=str(data.get("name", "")),
        )
        self._user_id = identity.account_id
        return identity

    # --- errors -------------------------------------------------------------------------

    def _call(self, what: str, *, creates: bool, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except tweepy.HTTPException as exc:
            raise x_error(exc.response, what, creates=creates, now=self.clock.now()) from None
        except requests.RequestException as exc:
            raise transport_error("x", what, exc, creates=creates) from exc
        except tweepy.TweepyException as exc:
            raise Transient(f"x: {what} failed: {type(exc).__name__}") from None
