"""Obtaining, storing and refreshing the tokens the daemon lives on.

- LinkedIn: 3-legged OAuth 2.0 with a loopback redirect server (state checked), code
  exchange at `oauth_base/oauth/v2/accessToken`, refresh with the refresh token where the
  app has one (Community Management / MDP apps), warnings 14 days before either expires.
- X: OAuth 1.0a PIN flow via tweepy's `OAuth1UserHandler`; those tokens never expire.

Tokens live in `var_dir/tokens.json`, a 0600 file written atomically (temp file created with
O_EXCL and mode 0600, fsync, rename, fsync of the folder), so a crash never leaves half a
file and a refreshed token is on disk before it is used.

The browser step is a callback (`open_browser(url)`, `ask_pin(url)`), so the CLI can print
or open the URL and tests can drive the redirect themselves.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import logging
import os
import secrets as pysecrets
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from scheduler.clock import Clock
from scheduler.config import LinkedInConfig
from scheduler.errors import ConfigError, SchedulerError
from scheduler.platforms.base import NeedsReauth, Transient, no_retry_session, safe_json
from scheduler.redact import add_secret
from scheduler.secrets import Secrets, check_private_file

log = logging.getLogger(__name__)

TOKENS_FILE = "tokens.json"
WARN_BEFORE = dt.timedelta(days=14)
REFRESH_WITHIN = dt.timedelta(days=7)
ORGANIZATION_SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")
MEMBER_SCOPES = ("openid", "profile", "w_member_social")


class AuthError(SchedulerError):
    """The authorisation flow could not complete (denied, state mismatch, timed out)."""


# --- the token store --------------------------------------------------------------------


class TokenStore:
    """`tokens.json`: one JSON object per platform. Reads refuse a file others can read."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def in_var_dir(cls, var_dir: Path) -> TokenStore:
        return cls(Path(var_dir) / TOKENS_FILE)

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    def load(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        check_private_file(self.path, "token store")
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ConfigError(str(self.path), ["token store is not readable JSON"]) from None
        if not isinstance(data, dict):
            raise ConfigError(str(self.path), ["token store must hold a JSON object"])
        for record in data.values():
            for key in (
                "access_token",
                "refresh_token",
                "access_secret",
                "access_jwt",
                "refresh_jwt",
            ):
                if isinstance(record, dict) and record.get(key):
                    add_secret(str(record[key]))
        return data

    def get(self, platform: str) -> dict[str, Any] | None:
        record = self.load().get(platform)
        return record if isinstance(record, dict) else None

    def put(self, platform: str, record: dict[str, Any]) -> None:
        data = self.load()
        data[platform] = record
        self.save(data)

    def save(self, data: dict[str, dict[str, Any]]) -> None:
        """Atomic replace: O_EXCL 0600 temp file, fsync, rename, fsync the folder."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = folder / f".{self.path.name}.{pysecrets.token_hex(6)}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _iso(when: dt.datetime | None) -> str | None:
    return when.astimezone(dt.UTC).isoformat() if when else None


def _from_iso(text: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if isinstance(text, str) and text else None


# --- LinkedIn -------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedInTokens:
    access_token: str
    access_expires_at: dt.datetime
    refresh_token: str | None
    refresh_expires_at: dt.datetime | None
    scope: str

    def __repr__(self) -> str:
        return (
            f"LinkedInTokens(access_expires_at={self.access_expires_at.isoformat()}, "
            f"refresh={'yes' if self.refresh_token else 'no'}, scope={self.scope!r})"
        )

    def to_record(self, now: dt.datetime) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "access_expires_at": _iso(self.access_expires_at),
            "refresh_token": self.refresh_token,
            "refresh_expires_at": _iso(self.refresh_expires_at),
            "scope": self.scope,
            "obtained_at": _iso(now),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> LinkedInTokens:
        expires = _from_iso(record.get("access_expires_at"))
        if not record.get("access_token") or expires is None:
            raise ConfigError("token store", ["linkedin entry lacks access_token/expiry"])
        return cls(
            access_token=str(record["access_token"]),
            access_expires_at=expires,
            refresh_token=record.get("refresh_token") or None,
            refresh_expires_at=_from_iso(record.get("refresh_expires_at")),
            scope=str(record.get("scope", "")),
        )


def _client_credentials(secrets: Secrets) -> tuple[str, str]:
    missing = secrets.missing("VIGNETTES_LINKEDIN_CLIENT_ID", "VIGNETTES_LINKEDIN_CLIENT_SECRET")
    if missing:
        raise ConfigError("secrets", [f"{key} is not set" for key in missing])
    return str(secrets.linkedin_client_id), str(secrets.linkedin_client_secret)


def linkedin_authorization_url(
    config: LinkedInConfig, client_id: str, redirect_uri: str, state: str, scopes: Sequence[str]
) -> str:
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": " ".join(scopes),
        },
        quote_via=urllib.parse.quote,
    )
    return f"{config.oauth_base}/oauth/v2/authorization?{query}"


def default_linkedin_scopes(config: LinkedInConfig) -> tuple[str, ...]:
    return ORGANIZATION_SCOPES if ":organization:" in config.author else MEMBER_SCOPES


class _RedirectCatcher:
    """A one-shot loopback HTTP server that waits for `/callback?code=…&state=…`."""

    def __init__(self, host: str, port: int, state: str) -> None:
        self.state = state
        self.result: dict[str, str] = {}
        self.done = threading.Event()
        catcher = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                if parts.path != "/callback":
                    self.send_error(404)
                    return
                query = dict(urllib.parse.parse_qsl(parts.query))
                if query.get("state") != catcher.state:
                    catcher.result = {"error": "state_mismatch"}
                elif "error" in query:
                    catcher.result = {"error": query["error"]}
                else:
                    catcher.result = {"code": query.get("code", "")}
                ok = "code" in catcher.result
                page = (
                    "Authorised. You can close this window."
                    if ok
                    else "Authorisation failed; see the terminal."
                ).encode()
                self.send_response(200 if ok else 400)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                catcher.done.set()

            def log_message(self, format: str, *args: Any) -> None:  # the query holds the code
                return

        self.server = http.server.HTTPServer((host, port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> _RedirectCatcher:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def authorize_linkedin(
    config: LinkedInConfig,
    secrets: Secrets,
    store: TokenStore,
    clock: Clock,
    *,
    open_browser: Callable[[str], None],
    port: int = 8765,
    redirect_host: str = "localhost",
    scopes: Sequence[str] | None = None,
    wait_seconds: float = 300.0,
    session: requests.Session | None = None,
) -> LinkedInTokens:
    """Run the 3-legged flow: start the redirect server, hand the authorisation URL to
    `open_browser`, wait for the redirect, check `state`, exchange the code, store the tokens.

    The redirect URL `http://<redirect_host>:<port>/callback` must be registered on the
    LinkedIn app. Raises AuthError (denied, state mismatch, timeout), ConfigError (client
    id/secret missing), or a PlatformError from the token endpoint."""
    client_id, client_secret = _client_credentials(secrets)
    state = pysecrets.token_urlsafe(24)
    with _RedirectCatcher("127.0.0.1", port, state) as catcher:
        redirect_uri = f"http://{redirect_host}:{catcher.port}/callback"
        open_browser(
            linkedin_authorization_url(
                config, client_id, redirect_uri, state, scopes or default_linkedin_scopes(config)
            )
        )
        if not catcher.done.wait(wait_seconds):
            raise AuthError(f"linkedin: no redirect to {redirect_uri} within {wait_seconds:.0f}s")
    if "error" in catcher.result:
        raise AuthError(f"linkedin: authorisation failed: {catcher.result['error']}")
    tokens = _token_request(
        config,
        clock,
        session,
        {
            "grant_type": "authorization_code",
            "code": catcher.result["code"],
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
        },
        previous=None,
    )
    store.put("linkedin", tokens.to_record(clock.now()))
    log.info("linkedin: authorised; access token valid until %s", tokens.access_expires_at)
    return tokens


def refresh_linkedin(
    config: LinkedInConfig,
    secrets: Secrets,
    store: TokenStore,
    clock: Clock,
    session: requests.Session | None = None,
) -> LinkedInTokens:
    """Exchange the refresh token for a new access token and store it before returning.
    Raises NeedsReauth when there is no refresh token or LinkedIn refuses it."""
    client_id, client_secret = _client_credentials(secrets)
    record = store.get("linkedin")
    previous = LinkedInTokens.from_record(record) if record else None
    refresh_token = (previous.refresh_token if previous else None) or secrets.linkedin_refresh_token
    if not refresh_token:
        raise NeedsReauth(
            "linkedin: no refresh token (the app is not approved for programmatic refresh); "
            "run `vignettes auth linkedin`"
        )
    tokens = _token_request(
        config,
        clock,
        session,
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        },
        previous=previous,
    )
    store.put("linkedin", tokens.to_record(clock.now()))
    log.info("linkedin: access token refreshed; valid until %s", tokens.access_expires_at)
    return tokens


def _token_request(
    config: LinkedInConfig,
    clock: Clock,
    session: requests.Session | None,
    form: dict[str, str],
    previous: LinkedInTokens | None,
) -> LinkedInTokens:
    url = f"{config.oauth_base}/oauth/v2/accessToken"
    http = no_retry_session(session)
    try:
        response = http.post(url, data=form, timeout=config.timeout.total_seconds())
    except requests.RequestException as exc:
        raise Transient(f"linkedin: token endpoint unreachable ({type(exc).__name__})") from None
    body = safe_json(response)
    if response.status_code != 200 or not body.get("access_token"):
        error = str(body.get("error", "")) or f"HTTP {response.status_code}"
        description = str(body.get("error_description", ""))
        if response.status_code >= 500:
            raise Transient(
                f"linkedin: token endpoint failed: {error}", status=response.status_code
            )
        raise NeedsReauth(
            f"linkedin: token request refused: {error} {description}".strip()
            + " — run `vignettes auth linkedin`",
            status=response.status_code,
        )
    now = clock.now()
    access = str(body["access_token"])
    add_secret(access)
    refresh = body.get("refresh_token") or (previous.refresh_token if previous else None)
    if refresh:
        add_secret(str(refresh))
    refresh_in = body.get("refresh_token_expires_in")
    refresh_expires = (
        now + dt.timedelta(seconds=int(refresh_in))
        if isinstance(refresh_in, int)
        else (previous.refresh_expires_at if previous else None)
    )
    return LinkedInTokens(
        access_token=access,
        access_expires_at=now + dt.timedelta(seconds=int(body.get("expires_in", 0))),
        refresh_token=str(refresh) if refresh else None,
        refresh_expires_at=refresh_expires,
        scope=str(body.get("scope", previous.scope if previous else "")),
    )


class LinkedInTokenSource:
    """The access token for each LinkedIn call: from the token store (refreshed when it is
    within 7 days of expiry and a refresh token exists), else `VIGNETTES_LINKEDIN_ACCESS_TOKEN`.
    Raises NeedsReauth when none is usable."""

    def __init__(
        self,
        config: LinkedInConfig,
        secrets: Secrets,
        store: TokenStore,
        clock: Clock,
        session: requests.Session | None = None,
    ) -> None:
        self.config, self.secrets, self.store, self.clock = config, secrets, store, clock
        self.session = session

    def __call__(self) -> str:
        record = self.store.get("linkedin")
        if record is None:
            if self.secrets.linkedin_access_token:
                return self.secrets.linkedin_access_token
            raise NeedsReauth(
                "linkedin: no access token; run `vignettes auth linkedin` or set "
                "VIGNETTES_LINKEDIN_ACCESS_TOKEN"
            )
        tokens = LinkedInTokens.from_record(record)
        now = self.clock.now()
        refreshable = tokens.refresh_token and (
            tokens.refresh_expires_at is None or tokens.refresh_expires_at > now
        )
        if tokens.access_expires_at - now <= REFRESH_WITHIN and refreshable:
            tokens = refresh_linkedin(
                self.config, self.secrets, self.store, self.clock, self.session
            )
        if tokens.access_expires_at <= now:
            raise NeedsReauth(
                f"linkedin: access token expired at {tokens.access_expires_at:%Y-%m-%d %H:%M} "
                "UTC; run `vignettes auth linkedin`"
            )
        return tokens.access_token


@dataclass(frozen=True)
class ExpiryWarning:
    platform: str
    token: str  # "access" or "refresh"
    expires_at: dt.datetime
    expired: bool
    message: str


def expiry_warnings(store: TokenStore, now: dt.datetime) -> list[ExpiryWarning]:
    """Tokens that expire within 14 days (or already have), for status, doctor and alerts.
    X OAuth 1.0a tokens never expire, so only LinkedIn appears here."""
    record = store.get("linkedin")
    if record is None:
        return []
    tokens = LinkedInTokens.from_record(record)
    warnings = []
    refreshable = bool(tokens.refresh_token) and (
        tokens.refresh_expires_at is None or tokens.refresh_expires_at > now
    )
    for which, expires in (
        ("access", tokens.access_expires_at),
        ("refresh", tokens.refresh_expires_at),
    ):
        if expires is None or expires - now > WARN_BEFORE:
            continue
        if which == "access" and refreshable:
            continue  # it will be refreshed automatically before it runs out
        expired = expires <= now
        when = f"{expires:%Y-%m-%d %H:%M} UTC"
        verb = "expired on" if expired else f"expires in {max((expires - now).days, 0)} days, on"
        warnings.append(
            ExpiryWarning(
                "linkedin",
                which,
                expires,
                expired,
                f"LinkedIn {which} token {verb} {when}; run `vignettes auth linkedin`",
            )
        )
    return warnings
