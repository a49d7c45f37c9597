"""The Bluesky session: signing in with the app password, keeping and renewing its tokens.

`createSession` is limited to 30 per 5 minutes and 100–300 per day per account, so a session
is made once and kept in the token store (`tokens.json`, 0600, atomic) under "bluesky":
`did`, `handle`, `service`, `access_jwt`, `refresh_jwt` and when it was made or renewed.
The tokens are opaque to us (the spec says so): when the PDS answers `ExpiredToken` or
`InvalidToken`, `renew()` calls `refreshSession` and stores the new pair *before* using it
(refresh tokens rotate: the old one is revoked); if that is refused too, it signs in again
with the app password. Only a refused app password is `NeedsReauth`.
"""

from __future__ import annotations

import logging
from typing import Any

import requests

from scheduler.clock import Clock
from scheduler.config import Config
from scheduler.credentials.redact import add_secret
from scheduler.credentials.secrets import Secrets
from scheduler.credentials.tokens import TokenStore
from scheduler.platforms.base import NeedsReauth, Transient, safe_json, transport_error
from scheduler.platforms.bluesky.xrpc import bluesky_error, session_expired

log = logging.getLogger(__name__)

STORE_KEY = "bluesky"


class BlueskySession:
    """One account's session on `service`. Raises only `PlatformError`s."""

    def __init__(
        self,
        *,
        service: str,
        handle: str,
        app_password: str | None,
        store: TokenStore,
        http: requests.Session,
        timeout: float,
        clock: Clock,
    ) -> None:
        self.service = service.rstrip("/")
        self.handle = handle.lower()
        self._password = app_password
        self.store = store
        self.http = http
        self.timeout = timeout
        self.clock = clock
        self._record: dict[str, Any] | None = None

    def __repr__(self) -> str:  # never the tokens or the password
        return f"BlueskySession(handle={self.handle!r}, service={self.service!r})"

    # --- what the adapter asks for -------------------------------------------------------

    def access_jwt(self) -> str:
        return str(self._current()["access_jwt"])

    @property
    def did(self) -> str:
        return str(self._current()["did"])

    def _current(self) -> dict[str, Any]:
        if self._record is None:
            stored = self.store.get(STORE_KEY)
            if stored and self._matches(stored):
                self._record = stored
            else:
                self._record = self.sign_in()
        return self._record

    def _matches(self, record: dict[str, Any]) -> bool:
        """A stored session is ours only for the same service and handle."""
        return (
            record.get("service") == self.service
            and str(record.get("handle", "")).lower() == self.handle
            and all(record.get(k) for k in ("did", "access_jwt", "refresh_jwt"))
        )

    # --- signing in and renewing ---------------------------------------------------------

    def sign_in(self) -> dict[str, Any]:
        """`createSession` with the app password; stores and returns the new session."""
        if not self._password:
            raise NeedsReauth(
                "bluesky: no usable session and VIGNETTES_BLUESKY_APP_PASSWORD is not set; "
                "create an app password (bsky.app → Settings → Privacy and security → "
                "App passwords) and set it",
                status=401,
            )
        body = self._post(
            "com.atproto.server.createSession",
            "sign in",
            json={"identifier": self.handle, "password": self._password},
        )
        log.info("bluesky: signed in as %s", body.get("handle", self.handle))
        return self._save(body, signed_in=True)

    def renew(self) -> None:
        """After the PDS refused the access token: refresh, else sign in again."""
        mine = self._current()
        stored = self.store.get(STORE_KEY)
        if stored and self._matches(stored) and stored["access_jwt"] != mine["access_jwt"]:
            self._record = stored  # another process renewed it meanwhile: use theirs
            return
        refresh = str(mine["refresh_jwt"])
        try:
            body = self._post(
                "com.atproto.server.refreshSession",
                "refresh session",
                headers={"Authorization": f"Bearer {refresh}"},
                renewing=True,
            )
        except _RefreshRefused:
            log.info("bluesky: refresh token refused; signing in again with the app password")
            self._record = self.sign_in()
            return
        self._record = self._save(body, signed_in=False)

    def _save(self, body: dict[str, Any], *, signed_in: bool) -> dict[str, Any]:
        access, refresh, did = (body.get(k) for k in ("accessJwt", "refreshJwt", "did"))
        if not (isinstance(access, str) and isinstance(refresh, str) and isinstance(did, str)):
            raise Transient("bluesky: the session answer lacked its tokens; nothing was posted")
        add_secret(access)
        add_secret(refresh)
        now = self.clock.now().isoformat()
        previous = self._record or {}
        record = {
            "service": self.service,
            "handle": self.handle,
            "did": did,
            "access_jwt": access,
            "refresh_jwt": refresh,
            "signed_in_at": now if signed_in else previous.get("signed_in_at", now),
            "refreshed_at": now,
        }
        self.store.put(STORE_KEY, record)  # on disk before the new tokens are ever used
        return record

    def _post(
        self,
        nsid: str,
        what: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        renewing: bool = False,
    ) -> dict[str, Any]:
        try:
            response = self.http.post(
                f"{self.service}/xrpc/{nsid}", json=json, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise transport_error("bluesky", what, exc, creates=False) from exc
        if response.status_code == 200:
            return safe_json(response)
        if renewing and session_expired(response):
            raise _RefreshRefused()
        raise bluesky_error(response, what, creates=False, now=self.clock.now())


class _RefreshRefused(Exception):
    """The refresh token is spent, expired or revoked (internal: we sign in instead)."""


def sign_in_bluesky(config: Config, secrets: Secrets, store: TokenStore, clock: Clock) -> str:
    """`vignettes auth bluesky`: sign in now with the app password and store the session,
    proving the handle and password work. Returns the handle; raises PlatformError (a
    refused password is NeedsReauth) or ConfigError when the section is not usable."""
    from scheduler.errors import ConfigError
    from scheduler.platforms.base import no_retry_session

    bsky = config.platforms.bluesky
    problems = []
    if not bsky.handle:
        problems.append("platforms.bluesky.handle is not set (e.g. 'name.bsky.social')")
    if not secrets.bluesky_app_password:
        problems.append("VIGNETTES_BLUESKY_APP_PASSWORD is not set")
    if problems:
        raise ConfigError("bluesky", problems)
    session = BlueskySession(
        service=bsky.service,
        handle=bsky.handle,
        app_password=secrets.bluesky_app_password,
        store=store,
        http=no_retry_session(),
        timeout=bsky.timeout.total_seconds(),
        clock=clock,
    )
    return str(session.sign_in()["handle"])
