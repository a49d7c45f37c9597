"""A Bluesky PDS (with the AppView's getPosts) as docs/bluesky-api-notes.md describes it:
app-password sessions with short access tokens and rotating refresh tokens, blobs that only
the uploading session may embed, strict post records (bluesky_lexicon), own records listed
newest first, and engagement counts that grow with a post's age."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from scheduler.clock import Clock
from tests.emulator.bluesky_lexicon import TID, Invalid, check_post
from tests.emulator.messages import Refuse, Reply, Request

HANDLE = "nhslibraries.bsky.social"
DID = "did:plc:u5cwb2mwiv2bfq53cjufe6yn"
APP_PASSWORD = "bsky-test-app0-pass"
ACCESS_TTL = dt.timedelta(hours=2)
REFRESH_TTL = dt.timedelta(days=90)
BLOB_TTL = dt.timedelta(minutes=30)  # unreferenced blobs are deleted "within minutes"
MAX_UPLOAD = 50 * 1024 * 1024
SESSIONS_PER_5_MIN = 30
COLLECTION = "app.bsky.feed.post"
_TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"


def error(status: int, name: str, message: str) -> Reply:
    return Reply(status, {"error": name, "message": message})


def default_fault_body(status: int) -> Any:
    return {
        400: {"error": "InvalidRequest", "message": "Bad request"},
        401: {"error": "AuthenticationRequired", "message": "Authentication Required"},
        429: {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        502: "<html><body>502 Bad Gateway</body></html>",
        503: {"error": "UpstreamFailure", "message": "Upstream Failure"},
    }.get(status, {"error": "InternalServerError", "message": "Internal Server Error"})


def blob_cid(data: bytes) -> str:
    """CIDv1, raw codec, sha2-256, base32 multibase: the `bafkrei…` a PDS hands back."""
    raw = bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def fake_jwt(kind: str, did: str) -> str:
    """JWT-shaped (header.payload.signature) and opaque: clients must not read it."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return ".".join(
        (
            part({"typ": kind, "alg": "ES256K"}),
            part({"sub": did, "jti": secrets.token_hex(8)}),
            secrets.token_urlsafe(32),
        )
    )


@dataclass
class Token:
    session: int  # a sign-in; refreshes keep it
    expires_at: dt.datetime
    revoked: bool = False


@dataclass
class Blob:
    cid: str
    mime: str
    size: int
    session: int
    uploaded_at: dt.datetime


@dataclass
class BlueskyPost:
    uri: str
    rkey: str
    cid: str
    record: dict[str, Any]
    created_at: dt.datetime

    @property
    def text(self) -> str:
        return str(self.record["text"])

    @property
    def alt_text(self) -> str:
        return str(self.record["embed"]["images"][0]["alt"])

    @property
    def facets(self) -> list[dict[str, Any]]:
        return list(self.record.get("facets", []))


@dataclass
class BlueskyState:
    clock: Clock
    access: dict[str, Token] = field(default_factory=dict)
    refresh: dict[str, Token] = field(default_factory=dict)
    blobs: dict[str, Blob] = field(default_factory=dict)
    posts: list[BlueskyPost] = field(default_factory=list)
    handles: dict[str, str] = field(default_factory=lambda: {HANDLE: DID})
    sign_ins: list[dt.datetime] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)  # every token handed out (leak checks)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # set by tests
    _sessions: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _last_tid: int = 0

    # --- helpers for tests ------------------------------------------------------------------

    def expire_access_tokens(self) -> None:
        """Every access token expires now (the PDS answers ExpiredToken)."""
        for token in self.access.values():
            token.expires_at = self.clock.now()

    def revoke_sessions(self) -> None:
        """Refresh tokens revoked too (e.g. the app password was deleted and re-made)."""
        self.expire_access_tokens()
        for token in self.refresh.values():
            token.revoked = True

    def seed_post(self, text: str, *, age: dt.timedelta = dt.timedelta(0)) -> BlueskyPost:
        when = self.clock.now() - age
        record = {"$type": COLLECTION, "text": text, "createdAt": when.isoformat()}
        return self._store(record, when)

    def tid(self, when: dt.datetime) -> str:
        micros = max(int(when.timestamp() * 1_000_000), self._last_tid + 1)
        self._last_tid = micros
        value = (micros << 10) | 0x2A
        return "".join(_TID_CHARS[(value >> (5 * i)) & 31] for i in reversed(range(13)))

    def _store(self, record: dict[str, Any], when: dt.datetime) -> BlueskyPost:
        rkey = self.tid(when)
        cid = (
            "bafyrei" + hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:52]
        )
        post = BlueskyPost(f"at://{DID}/{COLLECTION}/{rkey}", rkey, cid, record, when)
        self.posts.append(post)
        return post

    # --- auth -------------------------------------------------------------------------------

    def _issue(self, session: int) -> dict[str, Any]:
        now = self.clock.now()
        access, refresh = fake_jwt("at+jwt", DID), fake_jwt("refresh+jwt", DID)
        self.access[access] = Token(session, now + ACCESS_TTL)
        self.refresh[refresh] = Token(session, now + REFRESH_TTL)
        self.issued += [access, refresh]
        return {
            "did": DID,
            "handle": HANDLE,
            "accessJwt": access,
            "refreshJwt": refresh,
            "active": True,
        }

    def _token(self, req: Request, table: dict[str, Token]) -> Token:
        auth = req.header("authorization")
        if not auth.startswith("Bearer "):
            raise Refuse(error(401, "AuthenticationRequired", "Authentication Required"))
        token = table.get(auth[7:])
        if token is None:
            other = self.refresh if table is self.access else self.access
            message = "Bad token scope" if auth[7:] in other else "Token could not be verified"
            raise Refuse(error(400, "InvalidToken", message))
        if token.revoked:
            raise Refuse(error(400, "ExpiredToken", "Token has been revoked"))
        if token.expires_at <= self.clock.now():
            raise Refuse(error(400, "ExpiredToken", "Token has expired"))
        return token

    def create_session(self, req: Request) -> Reply:
        body = req.json()
        if not isinstance(body, dict) or not {"identifier", "password"} <= body.keys():
            return error(
                400, "InvalidRequest", "Input must have the properties identifier, password"
            )
        now = self.clock.now()
        recent = [t for t in self.sign_ins if now - t < dt.timedelta(minutes=5)]
        if len(recent) >= SESSIONS_PER_5_MIN:
            reset = str(int((recent[0] + dt.timedelta(minutes=5)).timestamp()))
            reply = error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            reply.headers = {
                "ratelimit-limit": "30",
                "ratelimit-remaining": "0",
                "ratelimit-reset": reset,
                "ratelimit-policy": "30;w=300",
            }
            return reply
        self.sign_ins.append(now)
        who = str(body["identifier"]).lower().lstrip("@")
        if who not in (HANDLE, DID) or body["password"] != APP_PASSWORD:
            return error(401, "AuthenticationRequired", "Invalid identifier or password")
        return Reply(200, self._issue(next(self._sessions)))

    def refresh_session(self, req: Request) -> Reply:
        token = self._token(req, self.refresh)
        token.revoked = True  # rotation: a refresh token works once
        return Reply(200, self._issue(token.session))

    def get_session(self, req: Request) -> Reply:
        self._token(req, self.access)
        return Reply(
            200,
            {
                "did": DID,
                "handle": HANDLE,
                "active": True,
                "email": "comms@library.example",
                "emailConfirmed": True,
            },
        )

    def resolve_handle(self, req: Request) -> Reply:
        did = self.handles.get(req.query.get("handle", "").lower())
        if did is None:
            return error(400, "InvalidRequest", "Unable to resolve handle")
        return Reply(200, {"did": did})

    # --- repository -------------------------------------------------------------------------

    def upload_blob(self, req: Request) -> Reply:
        token = self._token(req, self.access)
        if not req.header("content-type"):
            return error(400, "InvalidRequest", "A Content-Type header is required")
        if len(req.body) > MAX_UPLOAD:
            return error(413, "PayloadTooLarge", "request entity too large")
        mime = _sniff(req.body) or req.header("content-type")
        blob = Blob(blob_cid(req.body), mime, len(req.body), token.session, self.clock.now())
        self.blobs[blob.cid] = blob
        return Reply(
            200,
            {
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": blob.cid},
                    "mimeType": mime,
                    "size": blob.size,
                }
            },
        )

    def create_record(self, req: Request) -> Reply:
        token = self._token(req, self.access)
        body = req.json()
        if not isinstance(body, dict) or not {"repo", "collection", "record"} <= body.keys():
            return error(
                400, "InvalidRequest", "Input must have the properties repo, collection, record"
            )
        if body["repo"] not in (DID, HANDLE):
            return error(400, "InvalidRequest", "Invalid repo: not this session's account")
        if body["collection"] != COLLECTION:
            return error(400, "InvalidRequest", "This emulator only stores app.bsky.feed.post")
        rkey = body.get("rkey")
        if rkey is not None and not (isinstance(rkey, str) and TID.fullmatch(rkey)):
            return error(400, "InvalidRequest", "Invalid record key: a post's key must be a TID")
        if rkey is not None and any(p.rkey == rkey for p in self.posts):
            # The reference PDS serves a 500 here (atproto#4725): not a documented refusal.
            return error(500, "InternalServerError", "Internal Server Error")

        def lookup(cid: str) -> tuple[str, int] | None:
            blob = self.blobs.get(cid)
            fresh = blob and self.clock.now() - blob.uploaded_at <= BLOB_TTL
            return (
                (blob.mime, blob.size) if blob and fresh and blob.session == token.session else None
            )

        try:
            check_post(body["record"], lookup)
        except Invalid as exc:
            message = (
                str(exc)
                if exc.name != "InvalidRequest"
                else f"Invalid app.bsky.feed.post record: {exc}"
            )
            return error(400, exc.name, message)
        post = self._store(dict(body["record"], **{"$type": COLLECTION}), self.clock.now())
        return Reply(
            200,
            {
                "uri": post.uri,
                "cid": post.cid,
                "validationStatus": "valid",
                "commit": {"cid": "bafyreicommit", "rev": post.rkey},
            },
        )

    def list_records(self, req: Request) -> Reply:
        query = req.query
        if query.get("repo") not in (DID, HANDLE) or query.get("collection") is None:
            return error(400, "InvalidRequest", f"Could not find repo: {query.get('repo')}")
        limit = int(query.get("limit", "50"))
        if not 1 <= limit <= 100:
            return error(400, "InvalidRequest", "limit must be between 1 and 100")
        mine = sorted(
            (p for p in self.posts if query["collection"] == COLLECTION),
            key=lambda p: p.rkey,
            reverse=query.get("reverse") != "true",
        )
        if "cursor" in query:
            mine = [p for p in mine if p.rkey < query["cursor"]]
        page = mine[:limit]
        out: dict[str, Any] = {
            "records": [{"uri": p.uri, "cid": p.cid, "value": p.record} for p in page]
        }
        if len(mine) > limit:
            out["cursor"] = page[-1].rkey
        return Reply(200, out)

    # --- AppView ----------------------------------------------------------------------------

    def get_posts(self, req: Request) -> Reply:
        self._token(req, self.access)
        uris = [v for k, v in req.query_list() if k == "uris"]
        if not uris or len(uris) > 25:
            return error(400, "InvalidRequest", "uris must have 1 to 25 elements")
        views = []
        for post in self.posts:
            if post.uri in uris:
                views.append(self.view(post))
        return Reply(200, {"posts": views})

    def view(self, post: BlueskyPost) -> dict[str, Any]:
        hours = int((self.clock.now() - post.created_at).total_seconds() // 3600)
        grown = {
            "likeCount": hours // 2,
            "repostCount": hours // 8,
            "replyCount": hours // 12,
            "quoteCount": hours // 24,
        }
        return {
            "uri": post.uri,
            "cid": post.cid,
            "record": post.record,
            "author": {"did": DID, "handle": HANDLE},
            "indexedAt": post.created_at.isoformat(),
            **grown,
            **self.counts.get(post.uri, {}),
        }

    def rate_headers(self) -> dict[str, str]:
        reset = int(self.clock.now().timestamp()) // 300 * 300 + 300
        return {
            "ratelimit-limit": "3000",
            "ratelimit-remaining": "2999",
            "ratelimit-reset": str(reset),
            "ratelimit-policy": "3000;w=300",
        }


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None
