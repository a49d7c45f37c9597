"""X (OAuth 1.0a) user tokens: the PIN flow that obtains them for `vignettes auth x`.

Kept apart from `scheduler.platforms.linkedin.oauth` so that only this command and a live X
adapter load tweepy; X OAuth 1.0a tokens never expire, so there is no refresh here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import tweepy

from scheduler.clock import Clock
from scheduler.config import XConfig
from scheduler.credentials.redact import add_secret
from scheduler.credentials.secrets import Secrets
from scheduler.credentials.tokens import TokenStore, iso
from scheduler.errors import ConfigError
from scheduler.platforms.linkedin.oauth import AuthError
from scheduler.platforms.x.adapter import PRODUCTION_HOSTS, XPlatform

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class XTokens:
    access_token: str
    access_secret: str
    user_id: str
    username: str

    def __repr__(self) -> str:
        return f"XTokens(user_id={self.user_id!r}, username={self.username!r})"


class _PinHandler(tweepy.OAuth1UserHandler):  # type: ignore[misc]
    """tweepy's handler, pointed at `api_base` when it is not a production host (tweepy
    hard-codes `https://api.twitter.com/oauth/`)."""

    def __init__(self, api_base: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = api_base.rstrip("/")
        self._base = "https://api.twitter.com" if base in PRODUCTION_HOSTS else base

    def _get_oauth_url(self, endpoint: str) -> str:
        return f"{self._base}/oauth/{endpoint}"


def authorize_x_pin(
    config: XConfig,
    secrets: Secrets,
    store: TokenStore,
    clock: Clock,
    *,
    ask_pin: Callable[[str], str],
    session: requests.Session | None = None,
) -> XTokens:
    """OAuth 1.0a PIN flow: `ask_pin(url)` shows the authorisation URL and returns the PIN
    the user typed; the user tokens are checked with `GET /2/users/me` and stored.
    Raises ConfigError (no API key/secret), AuthError (PIN refused) or a PlatformError."""
    missing = secrets.missing("VIGNETTES_X_API_KEY", "VIGNETTES_X_API_SECRET")
    if missing:
        raise ConfigError("secrets", [f"{key} is not set" for key in missing])
    handler = _PinHandler(
        config.api_base, str(secrets.x_api_key), str(secrets.x_api_secret), callback="oob"
    )
    try:
        url = handler.get_authorization_url()
    except tweepy.TweepyException as exc:
        raise AuthError(
            f"x: could not start authorisation ({type(exc.__cause__ or exc).__name__})"
        ) from None
    pin = ask_pin(url).strip()
    try:
        token, secret = handler.get_access_token(pin)
    except tweepy.TweepyException:
        raise AuthError("x: the PIN was refused (typed wrong, or too late); try again") from None
    add_secret(token)
    add_secret(secret)
    me = XPlatform(
        api_base=config.api_base,
        username=config.username,
        api_key=str(secrets.x_api_key),
        api_secret=str(secrets.x_api_secret),
        access_token=token,
        access_secret=secret,
        timeout=config.timeout.total_seconds(),
        clock=clock,
        session=session,
    ).whoami()
    tokens = XTokens(token, secret, me.account_id, me.display_name.lstrip("@"))
    store.put(
        "x",
        {
            "access_token": token,
            "access_secret": secret,
            "user_id": tokens.user_id,
            "username": tokens.username,
            "obtained_at": iso(clock.now()),
        },
    )
    return tokens
