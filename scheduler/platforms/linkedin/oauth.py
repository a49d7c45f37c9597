"""Obtaining and refreshing LinkedIn tokens.

- LinkedIn: 3-legged OAuth 2.0 with a loopback redirect server (state checked), code
  exchange at `oauth_base/oauth/v2/accessToken`, refresh with the refresh token where the
  app has one (Community Management / MDP apps), warnings 14 days before either expires.
  (The X PIN flow is `scheduler.platforms.x.pin`.) Tokens are kept in the token store,
  `scheduler.credentials.tokens`.

The browser step is a callback (`open_browser(url)`, `ask_pin(url)`), so the CLI can print
or open the URL and tests can drive the redirect themselves.
"""

from __future__ import annotations

import datetime as dt
import errno
import http.server
import logging
import secrets as pysecrets
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

import requests

from scheduler.clock import Clock
from scheduler.config import LinkedInConfig
from scheduler.credentials.redact import add_secret
from scheduler.credentials.secrets import Secrets
from scheduler.credentials.tokens import LinkedInTokens, TokenStore
from scheduler.errors import ConfigError, SchedulerError
from scheduler.platforms.base import NeedsReauth, Transient, no_retry_session, safe_json

log = logging.getLogger(__name__)

REFRESH_WITHIN = dt.timedelta(days=7)
ORGANIZATION_SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")
MEMBER_SCOPES = ("openid", "profile", "w_member_social")


class AuthError(SchedulerError):
    """The authorisation flow could not complete (denied, state mismatch, timed out)."""


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

        try:
            self.server = http.server.HTTPServer((host, port), Handler)
        except OSError as exc:
            raise AuthError(_cannot_listen(host, port, exc)) from exc
        except OverflowError as exc:  # a port beyond 65535 (the CLI refuses it first)
            raise AuthError(f"linkedin: {port} is not a port number (1-65535)") from exc
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


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        why = "another program is already listening there"
        fix = "stop it, or register a redirect URL with another port and pass --port"
    elif exc.errno == errno.EACCES:
        why = "this user may not listen on it (ports below 1024 need privileges)"
        fix = "register a redirect URL with a port above 1024 and pass --port"
    else:
        why = exc.strerror or str(exc)
        fix = "pass another --port (it must match the app's registered redirect URL)"
    return f"linkedin: cannot wait for the redirect on {host}:{port}: {why}; {fix}"


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
