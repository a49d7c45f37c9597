"""LinkedIn REST (Community Management) as the platform notes describe it (Part B / Part C):
header gate, Images API with processing states, posts with little-text truncation and
duplicate detection, share statistics, socialActions, OAuth 2.0 token endpoints."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import secrets
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from scheduler.clock import Clock
from tests.emulator.littletext import visible_text
from tests.emulator.messages import Refuse, Reply, Request

ACCESS_TTL = dt.timedelta(days=60)
REFRESH_TTL = dt.timedelta(days=365)
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
MEMBER_SUB = "782bbtaQ"
INVALID_GRANT = "The provided authorization grant or refresh token is invalid, expired or revoked"
ORGANIZATION = "urn:li:organization:2414183"


def error(status: int, code: str, message: str, service_code: int = 100) -> Reply:
    return Reply(
        status,
        {"status": status, "serviceErrorCode": service_code, "code": code, "message": message},
    )


def default_fault_body(status: int) -> Any:
    bodies = {
        401: ("INVALID_ACCESS_TOKEN", "Invalid access token", 65600),
        403: (
            "ACCESS_DENIED",
            "Not enough permissions to access: partnerApiPostsExternal.CREATE.20261001",
            100,
        ),
        426: ("NONEXISTENT_VERSION", "Requested version 20251001 is not active", 0),
        429: (
            "TOO_MANY_REQUESTS",
            "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
            101,
        ),
        500: ("INTERNAL_SERVER_ERROR", "Internal Server Error", 0),
        503: ("SERVICE_UNAVAILABLE", "Service Unavailable", 0),
    }
    code, message, service = bodies.get(status, ("ERROR", "Error", 0))
    return {"status": status, "serviceErrorCode": service, "code": code, "message": message}


@dataclass
class Token:
    sub: str
    scopes: set[str]
    expires_at: dt.datetime


@dataclass
class Image:
    urn: str
    owner: str
    status: str = "WAITING_UPLOAD"
    polls_left: int = 0
    size: int = 0


@dataclass
class LinkedInPost:
    urn: str
    author: str
    commentary: str
    visible_text: str
    image: str
    alt_text: str | None
    created_at: dt.datetime
    image_ready: bool
    body: dict[str, Any]


@dataclass
class LinkedInState:
    clock: Clock
    base_url: str = ""
    clients: dict[str, str] = field(
        default_factory=lambda: {"test-li-client": "test-li-client-secret"}
    )
    tokens: dict[str, Token] = field(default_factory=dict)
    refresh_tokens: dict[str, tuple[str, set[str], dt.datetime]] = field(default_factory=dict)
    codes: dict[str, tuple[str, str, set[str]]] = field(default_factory=dict)
    admins_of: set[str] = field(default_factory=lambda: {ORGANIZATION})
    images: dict[str, Image] = field(default_factory=dict)
    posts: list[LinkedInPost] = field(default_factory=list)
    processing_polls: int = 1  # GETs that still see PROCESSING after the upload
    deny_next_authorization: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7390000000000000000))

    def __post_init__(self) -> None:
        self.issue_token(
            "test-li-access-token",
            {
                "w_organization_social",
                "r_organization_social",
                "rw_organization_admin",
                "openid",
                "profile",
                "w_member_social",
            },
        )

    def issue_token(self, token: str, scopes: set[str], ttl: dt.timedelta = ACCESS_TTL) -> str:
        self.tokens[token] = Token(MEMBER_SUB, set(scopes), self.clock.now() + ttl)
        return token

    def seed_post(
        self, commentary: str, *, author: str = ORGANIZATION, age: dt.timedelta = dt.timedelta(0)
    ) -> LinkedInPost:
        """A post made earlier, without going through the API."""
        post = LinkedInPost(
            f"urn:li:share:{next(self._ids)}",
            author,
            commentary,
            visible_text(commentary),
            "",
            None,
            self.clock.now() - age,
            True,
            {},
        )
        self.posts.append(post)
        return post

    def active_version(self, version: str) -> bool:
        """Versions are live for a year: the current month and the eleven before it."""
        match = re.fullmatch(r"(20\d{2})(0[1-9]|1[0-2])", version)
        if not match:
            return False
        now = self.clock.now()
        age = now.year * 12 + now.month - (int(match[1]) * 12 + int(match[2]))
        return 0 <= age <= 11

    # --- gate -------------------------------------------------------------------------------

    def bearer(self, req: Request) -> Token:
        auth = req.header("authorization")
        if not auth.startswith("Bearer ") or not auth[7:]:
            raise Refuse(
                error(401, "EMPTY_ACCESS_TOKEN", "Empty or missing OAuth2 access token", 65604)
            )
        token = self.tokens.get(auth[7:])
        if token is None:
            raise Refuse(error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600))
        if token.expires_at <= self.clock.now():
            raise Refuse(error(401, "EXPIRED_ACCESS_TOKEN", "Expired access token", 65601))
        return token

    def gate(self, req: Request) -> Token:
        """Every /rest/ call: token, LinkedIn-Version, Rest.li protocol 2.0.0."""
        token = self.bearer(req)
        version = req.header("linkedin-version")
        if not version:
            raise Refuse(
                error(
                    400,
                    "VERSION_MISSING",
                    "A version must be present. Please specify a version by adding the "
                    "LinkedIn-Version header.",
                )
            )
        if not self.active_version(version):
            raise Refuse(
                error(426, "NONEXISTENT_VERSION", f"Requested version {version}01 is not active", 0)
            )
        if req.header("x-restli-protocol-version") != "2.0.0":
            raise Refuse(
                error(
                    400,
                    "ILLEGAL_ARGUMENT",
                    "X-Restli-Protocol-Version 2.0.0 is required by this emulator",
                )
            )
        return token

    def may_act_as(self, token: Token, urn: str, scope_org: str, scope_member: str) -> bool:
        if urn == f"urn:li:person:{token.sub}":
            return scope_member in token.scopes
        return urn in self.admins_of and scope_org in token.scopes

    def denied(self, what: str) -> Reply:
        return error(403, "ACCESS_DENIED", f"Not enough permissions to access: {what}.20261001")

    # --- images -----------------------------------------------------------------------------

    def initialize_upload(self, req: Request) -> Reply:
        token = self.gate(req)
        if req.query.get("action") != "initializeUpload":
            return error(400, "ILLEGAL_ARGUMENT", "Unsupported action")
        owner = ((req.json() or {}).get("initializeUploadRequest") or {}).get("owner", "")
        if not self.may_act_as(token, owner, "w_organization_social", "w_member_social"):
            return self.denied("partnerApiImages.ACTION")
        image = Image(f"urn:li:image:D4E10AQ{secrets.token_hex(8)}", owner)
        self.images[image.urn] = image
        expires = int((self.clock.now() + dt.timedelta(hours=1)).timestamp() * 1000)
        encoded = urllib.parse.quote(image.urn, safe="")
        upload = f"{self.base_url}/dms-uploads/{encoded}?ut={secrets.token_hex(6)}"
        return Reply(
            200, {"value": {"uploadUrlExpiresAt": expires, "uploadUrl": upload, "image": image.urn}}
        )

    def upload(self, req: Request, encoded_urn: str) -> Reply:
        self.bearer(req)
        image = self.images.get(urllib.parse.unquote(encoded_urn))
        if image is None:
            return Reply(404, None)
        if not req.body:
            return Reply(400, "empty upload")
        image.size = len(req.body)
        image.status = "PROCESSING"
        image.polls_left = self.processing_polls
        return Reply(201, None)

    def get_image(self, req: Request, encoded_urn: str) -> Reply:
        token = self.gate(req)
        image = self.images.get(urllib.parse.unquote(encoded_urn))
        if image is None:
            return error(404, "NOT_FOUND", "Image not found")
        if not self.may_act_as(
            token, image.owner, "r_organization_social", "r_member_social"
        ) and not (image.owner in self.admins_of and "w_organization_social" in token.scopes):
            return self.denied("partnerApiAssets.GET")
        if image.status == "PROCESSING":
            if image.polls_left <= 0:
                image.status = "AVAILABLE"
            else:
                image.polls_left -= 1
        return Reply(
            200,
            {
                "id": image.urn,
                "owner": image.owner,
                "status": image.status,
                "downloadUrl": f"{self.base_url}/media/{image.urn}",
                "downloadUrlExpiresAt": int(
                    (self.clock.now() + dt.timedelta(days=1)).timestamp() * 1000
                ),
            },
        )

    # --- posts ------------------------------------------------------------------------------

    def create_post(self, req: Request) -> Reply:
        token = self.gate(req)
        body = req.json()
        if not isinstance(body, dict):
            return error(400, "ILLEGAL_ARGUMENT", "Body must be a JSON object")
        author = str(body.get("author", ""))
        if not re.fullmatch(r"urn:li:(organization|person):[A-Za-z0-9_-]+", author):
            return error(400, "INVALID_URN_TYPE", f"Invalid author URN {author}")
        if not self.may_act_as(token, author, "w_organization_social", "w_member_social"):
            return self.denied("partnerApiPostsExternal.CREATE")
        commentary = body.get("commentary")
        if not isinstance(commentary, str) or not commentary.strip():
            return error(400, "ILLEGAL_ARGUMENT", "commentary must not be blank")
        if len(commentary) > 3000:
            return error(
                400,
                "FIELD_LENGTH_TOO_LONG",
                f"/commentary :: length {len(commentary)} can't exceeded maximum 3000 length",
            )
        problems = _post_shape_problems(body)
        if problems:
            return error(400, "ILLEGAL_ARGUMENT", "; ".join(problems))
        media = body["content"]["media"]
        image = self.images.get(str(media.get("id", "")))
        if image is None or image.owner != author:
            return error(400, "INVALID_IMAGE_ID", f"Invalid image id {media.get('id')}")
        if image.status == "WAITING_UPLOAD":
            return error(
                400, "MEDIA_ASSET_WAITING_UPLOAD", f"Media asset {image.urn} is waiting for upload"
            )
        now = self.clock.now()
        for earlier in self.posts:
            if (
                earlier.author == author
                and earlier.commentary == commentary
                and now - earlier.created_at < DUPLICATE_WINDOW
            ):
                return Reply(
                    422,
                    {
                        "errorDetailType": "com.linkedin.common.error.BadRequest",
                        "message": "com.linkedin.content.common.exception."
                        "BadRequestResponseException: "
                        f"Content is a duplicate of {earlier.urn}",
                        "errorDetails": {
                            "inputErrors": [
                                {
                                    "description": "Duplicate post is detected",
                                    "input": {},
                                    "code": "DUPLICATE_POST",
                                }
                            ]
                        },
                        "status": 422,
                    },
                )
        post = LinkedInPost(
            urn=f"urn:li:share:{next(self._ids)}",
            author=author,
            commentary=commentary,
            visible_text=visible_text(commentary),
            image=image.urn,
            alt_text=media.get("altText"),
            created_at=now,
            image_ready=image.status == "AVAILABLE",
            body=body,
        )
        self.posts.append(post)
        return Reply(201, None, {"x-restli-id": post.urn})

    def find_posts(self, req: Request) -> Reply:
        token = self.gate(req)
        query = req.query
        if query.get("q") != "author":
            return error(400, "ILLEGAL_ARGUMENT", "Only q=author is supported")
        author = query.get("author", "")
        if not self.may_act_as(token, author, "r_organization_social", "r_member_social"):
            return self.denied("partnerApiPostsExternal.FINDER-author")
        count = int(query.get("count", "10"))
        mine = sorted(
            (p for p in self.posts if p.author == author), key=lambda p: p.created_at, reverse=True
        )[:count]
        elements = [
            {
                "id": p.urn,
                "author": p.author,
                "commentary": p.commentary,
                "visibility": "PUBLIC",
                "lifecycleState": "PUBLISHED",
                "createdAt": int(p.created_at.timestamp() * 1000),
                "publishedAt": int(p.created_at.timestamp() * 1000),
            }
            for p in mine
        ]
        return Reply(
            200, {"paging": {"start": 0, "count": count, "links": []}, "elements": elements}
        )

    # --- metrics ----------------------------------------------------------------------------

    def figures(self, post: LinkedInPost) -> dict[str, int]:
        hours = max(0, int((self.clock.now() - post.created_at).total_seconds() // 3600))
        impressions = 30 * min(hours, 24 * 28)
        return {
            "impressions": impressions,
            "unique": impressions * 4 // 5,
            "clicks": impressions // 30,
            "likes": impressions // 40,
            "comments": impressions // 300,
            "shares": impressions // 400,
        }

    def share_statistics(self, req: Request) -> Reply:
        token = self.gate(req)
        query = _restli_query(req.raw_query)
        org = query.get("organizationalEntity", "")
        if query.get("q") != "organizationalEntity" or not org:
            return error(
                400,
                "ILLEGAL_ARGUMENT",
                "q=organizationalEntity and organizationalEntity are required",
            )
        if org not in self.admins_of or "rw_organization_admin" not in token.scopes:
            return self.denied("organizationalEntityShareStatistics.FINDER-organizationalEntity")
        wanted = {
            "share": _restli_list(query.get("shares", "")),
            "ugcPost": _restli_list(query.get("ugcPosts", "")),
        }
        elements = []
        if not wanted["share"] and not wanted["ugcPost"]:
            totals = [self.figures(p) for p in self.posts if p.author == org]
            elements.append(
                {"organizationalEntity": org, "totalShareStatistics": _stats(_sum(totals))}
            )
        by_urn = {p.urn: p for p in self.posts if p.author == org}  # many seeded posts
        for key, urns in wanted.items():
            for urn in urns:
                post = by_urn.get(urn)
                if post is None:
                    continue
                figures = self.figures(post)
                if figures["impressions"] == 0:
                    continue  # LinkedIn omits posts with no activity
                elements.append(
                    {"organizationalEntity": org, key: urn, "totalShareStatistics": _stats(figures)}
                )
        return Reply(200, {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements})

    def social_actions(self, req: Request, encoded_urn: str) -> Reply:
        token = self.gate(req)
        urn = urllib.parse.unquote(encoded_urn)
        post = next((p for p in self.posts if p.urn == urn), None)
        if post is None:
            return error(404, "NOT_FOUND", f"{urn} not found")
        if not self.may_act_as(token, post.author, "r_organization_social", "r_member_social"):
            return self.denied("socialActions.GET")
        figures = self.figures(post)
        return Reply(
            200,
            {
                "target": urn,
                "likesSummary": {
                    "totalLikes": figures["likes"],
                    "aggregatedTotalLikes": figures["likes"],
                    "likedByCurrentUser": False,
                    "selectedLikes": [],
                },
                "commentsSummary": {
                    "totalFirstLevelComments": figures["comments"],
                    "aggregatedTotalComments": figures["comments"],
                    "commentsState": "OPEN",
                    "selectedComments": [],
                },
            },
        )

    def userinfo(self, req: Request) -> Reply:
        token = self.bearer(req)
        if not token.scopes & {"openid", "profile"}:
            return self.denied("userinfo.GET")
        return Reply(
            200,
            {
                "sub": token.sub,
                "name": "Library Comms",
                "given_name": "Library",
                "family_name": "Comms",
                "locale": {"country": "GB", "language": "en"},
            },
        )

    # --- OAuth 2.0 --------------------------------------------------------------------------

    def authorization(self, req: Request) -> Reply:
        """Stands in for the member approving in a browser: redirects straight back."""
        query = req.query
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") not in self.clients or not redirect:
            return Reply(400, "invalid client_id or redirect_uri")
        if self.deny_next_authorization:
            self.deny_next_authorization = False
            params = {
                "error": "user_cancelled_authorize",
                "error_description": "The user cancelled",
                "state": query.get("state", ""),
            }
        else:
            code = secrets.token_urlsafe(24)
            self.codes[code] = (query["client_id"], redirect, set(query.get("scope", "").split()))
            params = {"code": code, "state": query.get("state", "")}
        return Reply(302, None, {"Location": f"{redirect}?{urllib.parse.urlencode(params)}"})

    def access_token(self, req: Request) -> Reply:
        form = req.form()
        if self.clients.get(form.get("client_id", "")) != form.get("client_secret") or not form.get(
            "client_secret"
        ):
            return Reply(
                401,
                {"error": "invalid_client", "error_description": "Client authentication failed"},
            )
        grant = form.get("grant_type")
        now = self.clock.now()
        if grant == "authorization_code":
            entry = self.codes.pop(form.get("code", ""), None)
            if (
                entry is None
                or entry[0] != form["client_id"]
                or entry[1] != form.get("redirect_uri")
            ):
                return Reply(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": INVALID_GRANT,
                    },
                )
            refresh = secrets.token_urlsafe(32)
            self.refresh_tokens[refresh] = (MEMBER_SUB, entry[2], now + REFRESH_TTL)
            scopes = entry[2]
            refresh_expires = now + REFRESH_TTL
        elif grant == "refresh_token":
            refresh = form.get("refresh_token", "")
            if not refresh:
                return Reply(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": 'A required parameter "refresh_token" is missing',
                    },
                )
            entry2 = self.refresh_tokens.get(refresh)
            if entry2 is None or entry2[2] <= now:
                return Reply(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": INVALID_GRANT,
                    },
                )
            scopes, refresh_expires = entry2[1], entry2[2]
        else:
            return Reply(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant_type not supported",
                },
            )
        access = self.issue_token(secrets.token_urlsafe(32), scopes)
        return Reply(
            200,
            {
                "access_token": access,
                "expires_in": int(ACCESS_TTL.total_seconds()),
                "refresh_token": refresh,
                "refresh_token_expires_in": int((refresh_expires - now).total_seconds()),
                "scope": ",".join(sorted(scopes)),
            },
        )

    def introspect(self, req: Request) -> Reply:
        form = req.form()
        if self.clients.get(form.get("client_id", "")) != form.get("client_secret"):
            return Reply(401, {"error": "invalid_client"})
        token = self.tokens.get(form.get("token", ""))
        if token is None:
            return Reply(200, {"active": False})
        return Reply(
            200,
            {
                "active": token.expires_at > self.clock.now(),
                "client_id": form["client_id"],
                "expires_at": int(token.expires_at.timestamp()),
                "scope": ",".join(sorted(token.scopes)),
                "status": "active",
                "auth_type": "3L",
            },
        )


def _post_shape_problems(body: dict[str, Any]) -> list[str]:
    problems = []
    if body.get("visibility") not in ("PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"):
        problems.append("/visibility :: invalid value")
    if (body.get("distribution") or {}).get("feedDistribution") not in ("MAIN_FEED", "NONE"):
        problems.append("/distribution/feedDistribution :: invalid value")
    if body.get("lifecycleState") != "PUBLISHED":
        problems.append("/lifecycleState :: only PUBLISHED is accepted on create")
    media = (body.get("content") or {}).get("media")
    if not isinstance(media, dict) or not media.get("id"):
        problems.append("/content/media/id :: required")
    elif media.get("altText") is not None and len(str(media["altText"])) > 4086:
        problems.append("/content/media/altText :: length can't exceed 4086")
    return problems


def _restli_query(raw: str) -> dict[str, str]:
    """Split the query without decoding `List(...)` delimiters; scalar values are decoded."""
    out = {}
    for pair in raw.split("&"):
        key, _, value = pair.partition("=")
        out[urllib.parse.unquote(key)] = (
            value if value.startswith("List(") else urllib.parse.unquote(value)
        )
    return out


def _restli_list(value: str) -> list[str]:
    if not value:
        return []
    if not (value.startswith("List(") and value.endswith(")")):
        raise Refuse(
            error(400, "ILLEGAL_ARGUMENT", f"Expected a Rest.li List(...), got {value[:40]}")
        )
    return [urllib.parse.unquote(item) for item in value[5:-1].split(",") if item]


def _sum(figures: list[dict[str, int]]) -> dict[str, int]:
    keys = ("impressions", "unique", "clicks", "likes", "comments", "shares")
    return {k: sum(f[k] for f in figures) for k in keys}


def _stats(f: dict[str, int]) -> dict[str, Any]:
    engaged = f["clicks"] + f["likes"] + f["comments"] + f["shares"]
    return {
        "impressionCount": f["impressions"],
        "uniqueImpressionsCount": f["unique"],
        "clickCount": f["clicks"],
        "likeCount": f["likes"],
        "commentCount": f["comments"],
        "shareCount": f["shares"],
        "engagement": round(engaged / f["impressions"], 4) if f["impressions"] else 0.0,
    }
