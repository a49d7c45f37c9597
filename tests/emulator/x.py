"""X API v2 as the platform notes describe it (Part A / Part C): OAuth 1.0a user context,
v2 media upload (JSON base64 and multipart), alt text, posts, metrics, timeline, PIN flow."""

from __future__ import annotations

import base64
import datetime as dt
import email.parser
import itertools
import re
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

from twitter_text import parse_tweet

from scheduler.clock import Clock
from tests.emulator.messages import Refuse, Reply, Request

MAX_IMAGE = 5 * 1024 * 1024
MAX_ALT = 1000
PROBLEMS = "https://api.twitter.com/2/problems/"
_OAUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')
_REQUIRED_OAUTH = (
    "oauth_consumer_key",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_version",
)
_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF8": "image/gif",
    b"RIFF": "image/webp",
}


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> Reply:
    body = {"title": title, "detail": detail, "type": kind, "status": status}
    return Reply(status, body, {"Content-Type": "application/problem+json"})


def invalid_request(message: str) -> Reply:
    return Reply(
        400,
        {
            "errors": [{"message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": PROBLEMS + "invalid-request",
        },
    )


UNAUTHORIZED = problem(401, "Unauthorized", "Unauthorized")


TIER_FORBIDDEN = {
    "client_id": "29000001",
    "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys "
    "and tokens from a Twitter developer App that is attached to a Project with the "
    "appropriate access level.",
    "registration_url": "https://developer.x.com/en/docs/projects/overview",
    "title": "Client Forbidden",
    "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled",
    "type": PROBLEMS + "client-forbidden",
}


def default_fault_body(status: int) -> Any:
    if status == 402:
        return {
            "title": "Payment Required",
            "detail": "credits depleted",
            "type": "https://api.x.com/2/problems/credits-depleted",
        }
    titles = {
        401: "Unauthorized",
        403: "Forbidden",
        429: "Too Many Requests",
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Unavailable",
        504: "Gateway Timeout",
    }
    title = titles.get(status, "Error")
    return {"title": title, "detail": title, "type": "about:blank", "status": status}


@dataclass
class XMedia:
    id: str
    owner: str
    size: int
    image_type: str
    alt_text: str | None = None


@dataclass
class XPost:
    id: str
    author_id: str
    text: str
    media_ids: list[str]
    created_at: dt.datetime
    returned_text: str = ""


@dataclass
class XState:
    clock: Clock
    consumers: dict[str, str] = field(
        default_factory=lambda: {"test-x-api-key": "test-x-api-secret"}
    )
    # access token → (token secret, user id)
    tokens: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {"test-x-access-token": ("test-x-access-secret", "2244994945")}
    )
    users: dict[str, str] = field(default_factory=lambda: {"2244994945": "nhslibraries"})
    app_bearers: set[str] = field(default_factory=lambda: {"test-x-app-bearer"})
    media: dict[str, XMedia] = field(default_factory=dict)
    posts: list[XPost] = field(default_factory=list)
    request_tokens: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # token → (secret, pin)
    new_names: bool = False  # emit the 2.167 spec's repost_count / edit_history_post_ids
    # The app's tier has no read access: every GET /2/tweets answers 403 client-forbidden.
    metrics_forbidden: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1880028106020515900))

    def next_id(self) -> str:
        return str(next(self._ids))

    def seed_post(self, text: str, *, age: dt.timedelta = dt.timedelta(0)) -> XPost:
        """A post made earlier by the default user, without going through the API."""
        post = XPost(self.next_id(), next(iter(self.users)), text, [], self.clock.now() - age)
        post.returned_text = text
        self.posts.append(post)
        return post

    # --- auth -----------------------------------------------------------------------------

    def caller(self, req: Request, *, user_only: bool = True) -> str | None:
        """The user id for OAuth 1.0a user context; None for an app bearer (reads only)."""
        auth = req.header("authorization")
        if auth.startswith("Bearer "):
            if auth[7:] in self.app_bearers:
                if user_only:
                    raise Refuse(
                        problem(
                            403,
                            "Unsupported Authentication",
                            "Authenticating with OAuth 2.0 Application-Only is forbidden for "
                            "this endpoint. Supported authentication types are [OAuth 1.0a "
                            "User Context, OAuth 2.0 User Context].",
                            PROBLEMS + "unsupported-authentication",
                        )
                    )
                return None
            raise Refuse(UNAUTHORIZED)
        params = self.oauth_params(req)
        token = params.get("oauth_token", "")
        if token not in self.tokens:
            raise Refuse(UNAUTHORIZED)
        return self.tokens[token][1]

    def oauth_params(self, req: Request) -> dict[str, str]:
        """Checks the OAuth 1.0a header is well formed and the consumer key is known.
        Signatures are not verified: the client signs the URL before the transport adapter
        re-points it here (platform notes A2.1)."""
        auth = req.header("authorization")
        if not auth.startswith("OAuth "):
            raise Refuse(UNAUTHORIZED)
        params = dict(_OAUTH_PARAM.findall(auth))
        if any(not params.get(k) for k in _REQUIRED_OAUTH):
            raise Refuse(UNAUTHORIZED)
        if params["oauth_signature_method"] != "HMAC-SHA1" or params["oauth_version"] != "1.0":
            raise Refuse(UNAUTHORIZED)
        if params["oauth_consumer_key"] not in self.consumers:
            raise Refuse(UNAUTHORIZED)
        return params

    def rate_headers(self, op: str) -> dict[str, str]:
        now = int(self.clock.now().timestamp())
        window_end = now - now % 900 + 900
        headers = {
            "x-rate-limit-limit": "900",
            "x-rate-limit-remaining": "899",
            "x-rate-limit-reset": str(window_end),
        }
        if op == "x.create_tweet":
            day_end = now - now % 86400 + 86400
            headers |= {
                "x-user-limit-24hour-limit": "100",
                "x-user-limit-24hour-remaining": "99",
                "x-user-limit-24hour-reset": str(day_end),
                "x-app-limit-24hour-limit": "10000",
                "x-app-limit-24hour-remaining": "9999",
                "x-app-limit-24hour-reset": str(day_end),
            }
        return headers

    # --- media ----------------------------------------------------------------------------

    def media_upload(self, req: Request) -> Reply:
        user = self.caller(req)
        assert user is not None
        ctype = req.header("content-type")
        if ctype.startswith("application/json"):
            body = req.json()
            if not isinstance(body, dict) or "media" not in body or "media_category" not in body:
                return invalid_request("The `media` and `media_category` fields are required")
            try:
                data = base64.b64decode(body["media"], validate=True)
            except (ValueError, TypeError):
                return invalid_request("The `media` field is not valid base64")
            category = body["media_category"]
        elif ctype.startswith("multipart/form-data"):
            parts = _multipart(req)
            if "media" not in parts:
                return invalid_request("The `media` field is required")
            data = parts["media"]
            category = parts.get("media_category", b"").decode()
        else:
            return invalid_request("Unsupported content type")
        if category not in (
            "tweet_image",
            "tweet_gif",
            "tweet_video",
            "dm_image",
            "dm_gif",
            "dm_video",
            "subtitles",
        ):
            return invalid_request(f"The `media_category` value [{category}] is not valid")
        if len(data) > MAX_IMAGE:
            return invalid_request("Image file size must be <= 5242880 bytes")
        image_type = next((t for magic, t in _MAGIC.items() if data.startswith(magic)), None)
        if image_type is None:
            return invalid_request("Unsupported media type")
        media = XMedia(self.next_id(), user, len(data), image_type)
        self.media[media.id] = media
        width, height = _png_size(data) if image_type == "image/png" else (0, 0)
        return Reply(
            200,
            {
                "data": {
                    "id": media.id,
                    "media_key": f"3_{media.id}",
                    "size": media.size,
                    "expires_after_secs": 86400,
                    "image": {"image_type": image_type, "w": width, "h": height},
                }
            },
        )

    def media_metadata(self, req: Request) -> Reply:
        user = self.caller(req)
        body = req.json()
        media = self.media.get(str((body or {}).get("id", "")))
        if media is None or media.owner != user:
            return invalid_request("The `id` field is not a media id you uploaded")
        text = (((body.get("metadata") or {}).get("alt_text")) or {}).get("text")
        if not isinstance(text, str):
            return invalid_request("metadata.alt_text.text is required")
        if len(text) > MAX_ALT:
            return invalid_request("alt_text.text must be at most 1000 characters")
        media.alt_text = text
        return Reply(
            200, {"data": {"id": media.id, "associated_metadata": {"alt_text": {"text": text}}}}
        )

    # --- posts ----------------------------------------------------------------------------

    def create_tweet(self, req: Request) -> Reply:
        user = self.caller(req)
        assert user is not None
        body = req.json()
        if not isinstance(body, dict):
            return invalid_request("Body must be a JSON object")
        text = body.get("text", "")
        media_ids = ((body.get("media") or {}).get("media_ids")) or []
        if not isinstance(text, str) or (not text and not media_ids):
            return invalid_request("`text` or `media` is required")
        if text and parse_tweet(text).weightedLength > 280:
            return invalid_request(
                "Your Tweet text is too long. For more information on how Twitter determines "
                "text length see https://github.com/twitter/twitter-text."
            )
        if len(media_ids) > 4:
            return invalid_request("`media.media_ids` allows at most 4 items")
        for media_id in media_ids:
            media = self.media.get(str(media_id))
            if media is None or media.owner != user:
                return invalid_request(f"Your media IDs are invalid: [{media_id}]")
        if text and any(p.author_id == user and p.text == text for p in self.posts):
            return problem(
                403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
            )
        post = XPost(self.next_id(), user, text, [str(m) for m in media_ids], self.clock.now())
        post.returned_text = (text + " " if text else "") + (
            f"https://t.co/{secrets.token_urlsafe(7)[:10]}" if media_ids else ""
        )
        self.posts.append(post)
        history = "edit_history_post_ids" if self.new_names else "edit_history_tweet_ids"
        return Reply(201, {"data": {"id": post.id, "text": post.returned_text, history: [post.id]}})

    def get_tweets(self, req: Request, single: str | None = None) -> Reply:
        user = self.caller(req, user_only=False)
        if self.metrics_forbidden:
            return Reply(403, TIER_FORBIDDEN)
        ids = [single] if single else [i for i in req.query.get("ids", "").split(",") if i]
        if not 1 <= len(ids) <= 100 or any(not re.fullmatch(r"[0-9]{1,19}", i) for i in ids):
            return Reply(
                400,
                {
                    "errors": [
                        {
                            "parameters": {"ids": ids},
                            "message": f"The `ids` query parameter value {ids} is not valid",
                        }
                    ],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": PROBLEMS + "invalid-request",
                },
            )
        fields = set(
            (req.query.get("tweet.fields") or req.query.get("post.fields") or "").split(",")
        ) - {""}
        data, errors = [], []
        by_id = {p.id: p for p in self.posts}
        for post_id in ids:
            post = by_id.get(post_id)
            if post is None:
                errors.append(
                    {
                        "value": post_id,
                        "detail": f"Could not find tweet with ids: [{post_id}].",
                        "title": "Not Found Error",
                        "resource_type": "tweet",
                        "parameter": "ids",
                        "resource_id": post_id,
                        "type": PROBLEMS + "resource-not-found",
                    }
                )
                continue
            item, refused = self.render(post, fields, user)
            data.append(item)
            errors.extend(refused)
        body: dict[str, Any] = {}
        if data:
            body["data"] = data[0] if single else data
        if errors:
            body["errors"] = errors
        return Reply(200, body)

    def render(
        self, post: XPost, fields: set[str], caller: str | None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        history = "edit_history_post_ids" if self.new_names else "edit_history_tweet_ids"
        item: dict[str, Any] = {"id": post.id, "text": post.returned_text, history: [post.id]}
        if "created_at" in fields:
            item["created_at"] = post.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        m = self.figures(post)
        if "public_metrics" in fields:
            item["public_metrics"] = {
                "repost_count" if self.new_names else "retweet_count": m["reposts"],
                "reply_count": m["replies"],
                "like_count": m["likes"],
                "quote_count": m["quotes"],
                "bookmark_count": m["bookmarks"],
                "impression_count": m["impressions"],
            }
        errors = []
        private_ok = (
            caller == post.author_id and self.clock.now() - post.created_at <= dt.timedelta(days=30)
        )
        for name in ("non_public_metrics", "organic_metrics"):
            if name not in fields:
                continue
            if not private_ok:
                errors.append(
                    {
                        "value": post.id,
                        "resource_id": post.id,
                        "resource_type": "tweet",
                        "field": name,
                        "parameter": "tweet.fields",
                        "title": "Field Authorization Error",
                        "detail": f"Sorry, you are not authorized to access '{name}' on the "
                        f"Tweet with ids: [{post.id}].",
                        "type": PROBLEMS + "not-authorized-for-field",
                    }
                )
            elif name == "non_public_metrics":
                item[name] = {
                    "impression_count": m["impressions"],
                    "url_link_clicks": m["link_clicks"],
                    "user_profile_clicks": m["profile_clicks"],
                    "engagements": m["likes"]
                    + m["reposts"]
                    + m["replies"]
                    + m["link_clicks"]
                    + m["profile_clicks"],
                }
            else:
                item[name] = {
                    "impression_count": m["impressions"],
                    "like_count": m["likes"],
                    "reply_count": m["replies"],
                    "retweet_count": m["reposts"],
                    "url_link_clicks": m["link_clicks"],
                    "user_profile_clicks": m["profile_clicks"],
                }
        return item, errors

    def figures(self, post: XPost) -> dict[str, int]:
        """Metrics that grow with the post's age on the emulator's clock."""
        hours = max(0, int((self.clock.now() - post.created_at).total_seconds() // 3600))
        impressions = 40 * min(hours, 24 * 28) + (hours > 0) * 25
        return {
            "impressions": impressions,
            "likes": impressions // 25,
            "reposts": impressions // 100,
            "replies": impressions // 200,
            "quotes": impressions // 500,
            "bookmarks": impressions // 300,
            "link_clicks": impressions // 50,
            "profile_clicks": impressions // 80,
        }

    def me(self, req: Request) -> Reply:
        user = self.caller(req)
        assert user is not None
        return Reply(
            200, {"data": {"id": user, "name": "NHS Libraries", "username": self.users[user]}}
        )

    def user_tweets(self, req: Request, user_id: str) -> Reply:
        self.caller(req, user_only=False)
        try:
            limit = int(req.query.get("max_results", "10"))
        except ValueError:
            limit = 0
        if not 5 <= limit <= 100:
            return invalid_request(
                "The `max_results` query parameter value must be between 5 and 100"
            )
        fields = set(req.query.get("tweet.fields", "").split(","))
        mine = [p for p in reversed(self.posts) if p.author_id == user_id][:limit]
        data = [self.render(p, fields & {"created_at"}, None)[0] for p in mine]
        meta: dict[str, Any] = {"result_count": len(data)}
        if data:
            meta |= {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"]}
        return Reply(200, {"data": data, "meta": meta} if data else {"meta": meta})

    # --- OAuth 1.0a PIN flow ----------------------------------------------------------------

    def request_token(self, req: Request) -> Reply:
        params = self.oauth_params(req)
        if params.get("oauth_callback") != "oob":
            return Reply(401, "Callback URL not approved for this client application.")
        token, secret = secrets.token_hex(8), secrets.token_hex(16)
        self.request_tokens[token] = (secret, f"{secrets.randbelow(10**7):07d}")
        body = f"oauth_token={token}&oauth_token_secret={secret}&oauth_callback_confirmed=true"
        return Reply(200, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def authorize_page(self, req: Request) -> Reply:
        """Stands in for the user approving in a browser: the page shows the PIN."""
        entry = self.request_tokens.get(req.query.get("oauth_token", ""))
        if entry is None:
            return Reply(404, "unknown request token")
        return Reply(200, f"PIN: {entry[1]}")

    def access_token(self, req: Request) -> Reply:
        params = self.oauth_params(req)
        entry = self.request_tokens.pop(params.get("oauth_token", ""), None)
        verifier = params.get("oauth_verifier") or req.form().get("oauth_verifier")
        if entry is None or verifier != entry[1]:
            return Reply(401, "Invalid request token.")
        user_id = next(iter(self.users))
        token, secret = f"{user_id}-{secrets.token_hex(12)}", secrets.token_hex(20)
        self.tokens[token] = (secret, user_id)
        body = (
            f"oauth_token={token}&oauth_token_secret={secret}&user_id={user_id}"
            f"&screen_name={self.users[user_id]}"
        )
        return Reply(200, body, {"Content-Type": "application/x-www-form-urlencoded"})


def _multipart(req: Request) -> dict[str, bytes]:
    raw = b"Content-Type: " + req.header("content-type").encode() + b"\r\n\r\n" + req.body
    message = email.parser.BytesParser().parsebytes(raw)
    parts: dict[str, bytes] = {}
    for part in message.get_payload() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            parts[name] = part.get_payload(decode=True) or b""
    return parts


def _png_size(data: bytes) -> tuple[int, int]:
    if len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 0, 0
