"""Bluesky (AT Protocol) adapter: plain XRPC over `requests`, signed in with an app password.

Publishing is `uploadBlob` (the card, ≤ 1,000,000 bytes) then one `createRecord` of an
`app.bsky.feed.post` with an `app.bsky.embed.images` embed (alt text, aspect ratio),
`createdAt`, `langs` and facets for links, hashtags and mentions (UTF-8 byte offsets,
found in the final text by `scheduler.platforms.bluesky.text`). Only `createRecord` can
leave a post behind, so only its ambiguous failures are `OutcomeUnknown`; they are settled
by listing the account's own records straight from the PDS (`listRecords`: no app-view
lag). No client-chosen record key is used: a PDS is not documented to refuse a second
record with the same key (docs/bluesky-api-notes.md §4). Engagement is
`app.bsky.feed.getPosts`, 25 URIs a call; Bluesky has no impressions or link clicks,
recorded as "not offered", never as 0.

Why not the `atproto` SDK: see docs/bluesky-api-notes.md §5.
"""

from __future__ import annotations

import datetime as dt
import logging
import struct
from collections.abc import Sequence
from typing import Any

import requests

from scheduler.clock import Clock
from scheduler.platforms.base import (
    ConfigurationError,
    Identity,
    Metrics,
    OutcomeUnknown,
    PreparedPost,
    Published,
    RecentPost,
    Rejected,
    RemoteRef,
    Transient,
    no_retry_session,
    safe_json,
    transport_error,
)
from scheduler.platforms.bluesky.session import BlueskySession
from scheduler.platforms.bluesky.text import (
    BLUESKY_LIMIT,
    MAX_TEXT_BYTES,
    find_facets,
    graphemes,
    post_uri_parts,
    post_url,
    utf8_len,
)
from scheduler.platforms.bluesky.xrpc import bluesky_error, session_expired
from scheduler.platforms.registry import not_offered_reason

log = logging.getLogger(__name__)

POST_COLLECTION = "app.bsky.feed.post"
MAX_IMAGE_BYTES = 1_000_000  # app.bsky.embed.images#image maxSize
METRICS_BATCH = 25  # app.bsky.feed.getPosts uris maxLength
MAX_REMOTE_ID = 120  # posts.remote_id is VARCHAR(120)
RKEY_LENGTH = 13  # a TID
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk, or None if `data` is not a PNG."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if width and height else None


def created_at(now: dt.datetime) -> str:
    """RFC 3339 in UTC with milliseconds and a `Z`, as the Bluesky docs prefer."""
    return now.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BlueskyPlatform:
    """Publishes to and reads from one Bluesky account. Raises only `PlatformError`s."""

    name = "bluesky"

    def __init__(
        self,
        *,
        session: BlueskySession,
        langs: Sequence[str],
        timeout: float,
        clock: Clock,
        http: requests.Session | None = None,
    ) -> None:
        self.session = session
        self.service = session.service
        self.langs = list(langs)
        self.timeout = timeout
        self.clock = clock
        self.http = no_retry_session(http or session.http)

    def __repr__(self) -> str:
        return f"BlueskyPlatform(handle={self.session.handle!r}, service={self.service!r})"

    # --- XRPC ---------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        nsid: str,
        what: str,
        *,
        creates: bool = False,
        auth: bool = True,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """One XRPC call. An access token the PDS calls expired is renewed and the call made
        once more: the PDS refused it at the door, so even `createRecord` did nothing."""
        for attempt in (1, 2):
            headers = dict(kwargs.pop("headers", None) or {})
            if auth:
                headers["Authorization"] = f"Bearer {self.session.access_jwt()}"
            try:
                response = self.http.request(
                    method,
                    f"{self.service}/xrpc/{nsid}",
                    headers=headers,
                    timeout=self.timeout,
                    **kwargs,
                )
            except requests.RequestException as exc:
                raise transport_error("bluesky", what, exc, creates=creates) from exc
            if response.status_code == 200:
                return safe_json(response)
            if auth and attempt == 1 and session_expired(response):
                self.session.renew()
                kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
                continue
            raise bluesky_error(response, what, creates=creates, now=self.clock.now())
        raise AssertionError("unreachable")  # pragma: no cover

    # --- publishing ---------------------------------------------------------------------

    def publish(self, post: PreparedPost) -> Published:
        """Check locally, upload the card, create the post record. Everything before
        `createRecord` leaves no post (`Transient` or a permanent class)."""
        size = png_size(post.image_png)
        if size is None:
            raise Rejected("bluesky: the card is not a PNG; nothing was sent")
        if len(post.image_png) > MAX_IMAGE_BYTES:
            raise Rejected(
                f"bluesky: image is {len(post.image_png)} bytes, Bluesky takes "
                f"{MAX_IMAGE_BYTES:,}; nothing was sent"
            )
        length, octets = graphemes(post.text), utf8_len(post.text)
        if length > BLUESKY_LIMIT or octets > MAX_TEXT_BYTES:
            raise Rejected(
                f"bluesky: text is {length} graphemes ({octets} bytes); Bluesky allows "
                f"{BLUESKY_LIMIT} graphemes and {MAX_TEXT_BYTES} bytes"
            )
        did = self.session.did
        if len(f"at://{did}/{POST_COLLECTION}/") + RKEY_LENGTH > MAX_REMOTE_ID:
            raise ConfigurationError(
                f"bluesky: the account's DID {did} is too long for the posts table "
                f"({MAX_REMOTE_ID} characters for the post URI); nothing was sent"
            )
        facets = self._facets(post.text)
        blob = self._upload(post.image_png)
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": post.text,
            "createdAt": created_at(self.clock.now()),
            "langs": self.langs,
            "embed": {
                "$type": "app.bsky.embed.images",
                "images": [
                    {
                        "alt": post.alt_text,
                        "image": blob,
                        "aspectRatio": {"width": size[0], "height": size[1]},
                    }
                ],
            },
        }
        if facets:
            record["facets"] = facets
        body = self._call(
            "POST",
            "com.atproto.repo.createRecord",
            "create post",
            creates=True,
            json={"repo": did, "collection": POST_COLLECTION, "record": record},
        )
        uri = str(body.get("uri", ""))
        if post_uri_parts(uri) is None or len(uri) > MAX_REMOTE_ID:
            raise OutcomeUnknown("bluesky: create post answered 200 without a post URI")
        log.info("bluesky: published %s", uri)
        return Published(remote_id=uri, url=post_url(uri))

    def _upload(self, png: bytes) -> dict[str, Any]:
        body = self._call(
            "POST",
            "com.atproto.repo.uploadBlob",
            "image upload",
            data=png,
            headers={"Content-Type": "image/png"},
        )
        blob = body.get("blob")
        if not (isinstance(blob, dict) and isinstance(blob.get("ref"), dict)):
            raise Transient("bluesky: image upload answered without a blob; nothing was posted")
        return blob

    def _facets(self, text: str) -> list[dict[str, Any]]:
        """Facets for the final text; a mention whose handle does not resolve stays text."""
        out = []
        for facet in find_facets(text):
            did = None
            if facet.kind == "mention":
                did = self._resolve(facet.value)
                if did is None:
                    log.warning("bluesky: @%s does not resolve; sent as plain text", facet.value)
                    continue
            out.append(facet.to_record(did))
        return out

    def _resolve(self, handle: str) -> str | None:
        try:
            body = self._call(
                "GET",
                "com.atproto.identity.resolveHandle",
                f"resolve @{handle}",
                auth=False,
                params={"handle": handle},
            )
        except Rejected:
            return None
        did = body.get("did")
        return did if isinstance(did, str) and did.startswith("did:") else None

    # --- reading ------------------------------------------------------------------------

    def metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        """`app.bsky.feed.getPosts`, 25 URIs a call: likes, reposts, replies, quotes (and
        bookmarks where the AppView gives them). Impressions and link clicks do not exist
        on Bluesky: they stay None with the reason "not offered"."""
        uris = list(dict.fromkeys(ref.remote_id for ref in refs))
        found: dict[str, Metrics] = {}
        for start in range(0, len(uris), METRICS_BATCH):
            batch = uris[start : start + METRICS_BATCH]
            body = self._call(
                "GET", "app.bsky.feed.getPosts", "read metrics", params={"uris": batch}
            )
            for view in body.get("posts", []) or []:
                if isinstance(view, dict) and view.get("uri") in batch:
                    found[str(view["uri"])] = post_view_metrics(view)
        gone = ("post not returned by Bluesky (deleted?)", not_offered_reason("bluesky"))
        return [found.get(r.remote_id, Metrics(r.remote_id, unavailable=gone)) for r in refs]

    def recent_posts(self, limit: int) -> list[RecentPost]:
        """The account's own post records, newest first, read from its repository."""
        body = self._call(
            "GET",
            "com.atproto.repo.listRecords",
            "list own posts",
            auth=False,
            params={
                "repo": self.session.did,
                "collection": POST_COLLECTION,
                "limit": max(1, min(limit, 100)),
            },
        )
        posts = []
        for item in body.get("records", []) or []:
            if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
                continue
            uri, value = str(item.get("uri", "")), item["value"]
            posts.append(RecentPost(uri, post_url(uri), str(value.get("text", "")), _time(value)))
        return posts[:limit]

    def whoami(self) -> Identity:
        """`com.atproto.server.getSession`: read-only proof the session works."""
        body = self._call("GET", "com.atproto.server.getSession", "read session")
        active = body.get("active", True)
        detail = f"{body.get('did', '')} on {self.service}"
        if active is False:
            detail += f"; account not active ({body.get('status', 'no reason given')})"
        return Identity("bluesky", str(body.get("did", "")), f"@{body.get('handle', '')}", detail)


def post_view_metrics(view: dict[str, Any]) -> Metrics:
    """One `app.bsky.feed.defs#postView` → Metrics (counts the AppView leaves out are None)."""

    def count(key: str) -> int | None:
        value = view.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    reasons = [not_offered_reason("bluesky")]
    bookmarks = count("bookmarkCount")
    if bookmarks is None:
        reasons.append("bookmarks: not returned by this Bluesky AppView")
    return Metrics(
        remote_id=str(view.get("uri", "")),
        likes=count("likeCount"),
        reposts=count("repostCount"),
        replies=count("replyCount"),
        quotes=count("quoteCount"),
        bookmarks=bookmarks,
        unavailable=tuple(reasons),
        raw={k: view[k] for k in view if k.endswith("Count")},
    )


def _time(value: dict[str, Any]) -> dt.datetime | None:
    text = value.get("createdAt")
    if not isinstance(text, str):
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(dt.UTC) if when.tzinfo else None
