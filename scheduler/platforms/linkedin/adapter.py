"""LinkedIn Community Management REST adapter on `requests`.

Publishing is three calls and a wait: Images API `initializeUpload` → `PUT` the bytes to the
upload URL the API returns (only to allow-listed hosts: it carries our bearer token) → poll
the image until `AVAILABLE` (bounded, sleeping on the Clock) → `POST /rest/posts`; the post
URN comes back in the `x-restli-id` header. The commentary arrives already escaped in
LinkedIn's little-text format (`scheduler/publishing/compose.py`) and is sent untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

import requests

from scheduler.clock import Clock
from scheduler.platforms.base import (
    ConfigurationError,
    Identity,
    Metrics,
    NeedsReauth,
    NotSupported,
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
from scheduler.platforms.linkedin.responses import (
    URN_IN_TEXT,
    linkedin_error,
    post_url,
    share_statistics_metrics,
)
from scheduler.platforms.linkedin.version import linkedin_version_age_warning, suggested_version

__all__ = ["LinkedInPlatform", "linkedin_version_age_warning", "suggested_version"]

log = logging.getLogger(__name__)

RESTLI_PROTOCOL = "2.0.0"
MAX_COMMENTARY = 3000
STATS_BATCH = 20  # URNs per share-statistics call: keeps the URL well under 8 KB


def allowed_upload_hosts(api_base: str) -> set[str]:
    host = urllib.parse.urlsplit(api_base).hostname or ""
    hosts = {host}
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        hosts |= {"api.linkedin.com", "www.linkedin.com"}  # production hands out www URLs
    return hosts


def restli_list(urns: Sequence[str]) -> str:
    """Rest.li 2.0 `List(a,b)`: values percent-encoded, delimiters left alone."""
    return "List(" + ",".join(urllib.parse.quote(u, safe="") for u in urns) + ")"


class LinkedInPlatform:
    """Publishes as `author` (organization or member URN). Raises only `PlatformError`s."""

    name = "linkedin"

    def __init__(
        self,
        *,
        api_base: str,
        version: str,
        author: str,
        access_token: Callable[[], str],
        timeout: float,
        clock: Clock,
        session: requests.Session | None = None,
        image_polls: int = 6,
        first_poll_wait: float = 1.0,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.version = version
        self.author = author
        self._token = access_token
        self.timeout = timeout
        self.clock = clock
        self.session = no_retry_session(session)
        self.image_polls = image_polls
        self.first_poll_wait = first_poll_wait
        self._upload_hosts = allowed_upload_hosts(api_base)

    def __repr__(self) -> str:
        return f"LinkedInPlatform(author={self.author!r}, version={self.version!r})"

    @property
    def is_organization(self) -> bool:
        return self.author.startswith("urn:li:organization:")

    # --- HTTP ---------------------------------------------------------------------------

    def _headers(self, versioned: bool = True) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._token()}"}
        if versioned:
            headers["LinkedIn-Version"] = self.version
            headers["X-Restli-Protocol-Version"] = RESTLI_PROTOCOL
        return headers

    def _request(
        self,
        method: str,
        url: str,
        what: str,
        *,
        creates: bool = False,
        versioned: bool = True,
        ok: tuple[int, ...] = (200, 201),
        **kwargs: Any,
    ) -> requests.Response:
        try:
            response = self.session.request(
                method, url, headers=self._headers(versioned), timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise transport_error("linkedin", what, exc, creates=creates) from exc
        if response.status_code not in ok:
            raise linkedin_error(
                response, what, creates=creates, version=self.version, now=self.clock.now()
            )
        return response

    # --- publishing ---------------------------------------------------------------------

    def publish(self, post: PreparedPost) -> Published:
        """Upload the image, wait until LinkedIn has processed it, create the post."""
        if len(post.text) > MAX_COMMENTARY:
            raise Rejected(f"linkedin: commentary is {len(post.text)} characters, max 3000")
        image = self._upload_image(post.image_png)
        self._wait_until_available(image)
        body = {
            "author": self.author,
            "commentary": post.text,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "content": {"media": {"id": image, "altText": post.alt_text}},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        response = self._request(
            "POST", f"{self.api_base}/rest/posts", "create post", creates=True, json=body
        )
        urn = response.headers.get("x-restli-id", "")
        if not URN_IN_TEXT.fullmatch(urn):
            raise OutcomeUnknown(
                f"linkedin: create post answered HTTP {response.status_code} without a post "
                "URN in x-restli-id"
            )
        log.info("linkedin: published %s", urn)
        return Published(remote_id=urn, url=post_url(urn))

    def _upload_image(self, png: bytes) -> str:
        response = self._request(
            "POST",
            f"{self.api_base}/rest/images?action=initializeUpload",
            "image upload (initialize)",
            json={"initializeUploadRequest": {"owner": self.author}},
        )
        value = safe_json(response).get("value", {})
        upload_url, image = str(value.get("uploadUrl", "")), str(value.get("image", ""))
        if not upload_url or not image.startswith("urn:li:image:"):
            raise Transient("linkedin: initializeUpload gave no upload URL or image URN")
        parts = urllib.parse.urlsplit(upload_url)
        own_host = urllib.parse.urlsplit(self.api_base).hostname
        if parts.hostname not in self._upload_hosts or (
            parts.scheme != "https" and parts.hostname != own_host
        ):
            raise ConfigurationError(
                f"linkedin: refusing to send the token to upload host {parts.hostname!r}; "
                f"allowed: {', '.join(sorted(self._upload_hosts))}"
            )
        self._put_bytes(upload_url, png)
        return image

    def _put_bytes(self, url: str, png: bytes) -> None:
        headers = {"Authorization": f"Bearer {self._token()}", "Content-Type": "image/png"}
        try:
            response = self.session.put(url, data=png, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise transport_error("linkedin", "image upload (bytes)", exc, creates=False) from exc
        if not 200 <= response.status_code < 300:
            raise linkedin_error(
                response,
                "image upload (bytes)",
                creates=False,
                version=self.version,
                now=self.clock.now(),
            )

    def _wait_until_available(self, image: str) -> None:
        url = f"{self.api_base}/rest/images/{urllib.parse.quote(image, safe='')}"
        wait = self.first_poll_wait
        status = "unknown"
        for attempt in range(self.image_polls):
            if attempt:
                self.clock.sleep(wait)
                wait *= 2
            try:
                response = self._request("GET", url, "image status")
            except NeedsReauth as exc:
                if exc.status == 403:
                    # Member tokens (w_member_social only) may not read images: wait once
                    # and let the post call report if the image is still not ready.
                    log.info("linkedin: cannot read image status (403); waiting once")
                    self.clock.sleep(wait)
                    return
                raise
            status = str(safe_json(response).get("status", ""))
            if status == "AVAILABLE":
                return
            if status == "PROCESSING_FAILED":
                raise Rejected(f"linkedin: image {image} failed processing")
        raise Transient(
            f"linkedin: image {image} still {status} after {self.image_polls} checks; "
            "nothing was posted"
        )

    # --- reading ------------------------------------------------------------------------

    def metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        """Organisation posts: `organizationalEntityShareStatistics`, 20 URNs a call.
        Member posts: `socialActions` (likes, comments) per post; LinkedIn offers a member
        app no impressions or clicks without `r_member_postAnalytics`, so those are
        reported as unavailable."""
        if self.is_organization:
            return self._org_metrics(refs)
        return [self._social_actions(ref.remote_id) for ref in refs]

    def _org_metrics(self, refs: Sequence[RemoteRef]) -> list[Metrics]:
        urns = list(dict.fromkeys(ref.remote_id for ref in refs))
        found: dict[str, Metrics] = {}
        for start in range(0, len(urns), STATS_BATCH):
            batch = urns[start : start + STATS_BATCH]
            shares = [u for u in batch if u.startswith("urn:li:share:")]
            ugc = [u for u in batch if not u.startswith("urn:li:share:")]
            query = (
                "q=organizationalEntity&organizationalEntity="
                + urllib.parse.quote(self.author, safe="")
                + (f"&shares={restli_list(shares)}" if shares else "")
                + (f"&ugcPosts={restli_list(ugc)}" if ugc else "")
            )
            response = self._request(
                "GET",
                f"{self.api_base}/rest/organizationalEntityShareStatistics?{query}",
                "read share statistics",
            )
            for element in safe_json(response).get("elements", []) or []:
                urn = str(element.get("share") or element.get("ugcPost") or "")
                found[urn] = share_statistics_metrics(urn, element)
        missing = ("not in share statistics yet (no activity, or older than 12 months)",)
        return [found.get(r.remote_id, Metrics(r.remote_id, unavailable=missing)) for r in refs]

    def _social_actions(self, urn: str) -> Metrics:
        url = f"{self.api_base}/rest/socialActions/{urllib.parse.quote(urn, safe='')}"
        member_gap = (
            "impressions, reposts, link_clicks: member posts need r_member_postAnalytics "
            "(not used)",
            "quotes, bookmarks: LinkedIn has no such counts",
        )
        try:
            body = safe_json(self._request("GET", url, "read social actions"))
        except NeedsReauth as exc:
            if exc.status != 403:
                raise
            return Metrics(
                urn, unavailable=(*member_gap, "likes, replies: socialActions refused (403)")
            )
        likes = body.get("likesSummary", {}).get("totalLikes")
        comments = body.get("commentsSummary", {})
        replies = comments.get("aggregatedTotalComments", comments.get("totalFirstLevelComments"))
        return Metrics(
            remote_id=urn,
            likes=likes if isinstance(likes, int) else None,
            replies=replies if isinstance(replies, int) else None,
            unavailable=member_gap,
            raw={"socialActions": body},
        )

    def recent_posts(self, limit: int) -> list[RecentPost]:
        """The organisation's latest posts (`GET /rest/posts?q=author`). A member's own
        posts need `r_member_social`, which LinkedIn grants only to select partners."""
        if not self.is_organization:
            raise NotSupported(
                "linkedin: reading a member's posts needs r_member_social (partners only); "
                "reconcile from the 422 DUPLICATE_POST URN instead"
            )
        query = (
            f"q=author&author={urllib.parse.quote(self.author, safe='')}"
            f"&count={max(1, min(limit, 100))}&sortBy=LAST_MODIFIED"
        )
        response = self._request("GET", f"{self.api_base}/rest/posts?{query}", "read posts")
        posts = []
        for element in safe_json(response).get("elements", []) or []:
            urn = str(element.get("id", ""))
            millis = element.get("publishedAt") or element.get("createdAt")
            created = (
                dt.datetime.fromtimestamp(millis / 1000, dt.UTC)
                if isinstance(millis, int)
                else None
            )
            posts.append(
                RecentPost(urn, post_url(urn), str(element.get("commentary", "")), created)
            )
        return posts[:limit]

    def whoami(self) -> Identity:
        """Read-only: `/v2/userinfo` names the member; for an organisation author, the
        lifetime share statistics also prove the version is active and the member is an
        administrator."""
        name, detail = "", ""
        try:
            info = safe_json(
                self._request("GET", f"{self.api_base}/v2/userinfo", "read member", versioned=False)
            )
            name = str(info.get("name", ""))
            detail = f"member urn:li:person:{info.get('sub', '?')}"
        except NeedsReauth as exc:
            if exc.status != 403:
                raise
            detail = "member name not readable (token has no openid/profile scope)"
        if self.is_organization:
            query = "q=organizationalEntity&organizationalEntity=" + urllib.parse.quote(
                self.author, safe=""
            )
            self._request(
                "GET",
                f"{self.api_base}/rest/organizationalEntityShareStatistics?{query}",
                "read organisation statistics",
            )
        return Identity("linkedin", self.author, name or self.author, detail)
