"""Authorising the platform accounts: the X PIN flow and LinkedIn's 3-legged OAuth. The
interface shows the address and asks for the PIN; tokens go to the 0600 token store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scheduler.credentials.secrets import load_secrets
from scheduler.credentials.tokens import TokenStore
from scheduler.operations.context import Workspace

__all__ = ["Authorised", "authorise_bluesky", "authorise_linkedin", "authorise_x"]


@dataclass(frozen=True)
class Authorised:
    """Where the tokens were stored and, when they expire, when (never a token itself)."""

    platform: str
    stored_in: Path
    access_expires_at: dt.datetime | None = None
    account: str = ""


def authorise_x(ws: Workspace, ask_pin: Callable[[str], str]) -> Authorised:
    """Run the X PIN flow: `ask_pin(url)` shows the address and returns the PIN the person
    typed. Raises AuthError or ConfigError."""
    from scheduler.platforms.x.pin import authorize_x_pin

    store = TokenStore.in_var_dir(ws.config.daemon.var_dir)
    authorize_x_pin(ws.config.platforms.x, load_secrets(), store, ws.clock, ask_pin=ask_pin)
    return Authorised("x", store.path)


def authorise_bluesky(ws: Workspace) -> Authorised:
    """Sign in to Bluesky with the app password and store the session, proving the handle
    and password work. Raises PlatformError (a refused password is NeedsReauth) or
    ConfigError."""
    from scheduler.platforms.bluesky.session import sign_in_bluesky

    store = TokenStore.in_var_dir(ws.config.daemon.var_dir)
    handle = sign_in_bluesky(ws.config, load_secrets(), store, ws.clock)
    return Authorised("bluesky", store.path, account=handle)


def authorise_linkedin(
    ws: Workspace, open_browser: Callable[[str], None], *, port: int
) -> Authorised:
    """Run LinkedIn's OAuth with a redirect to localhost:`port`. Raises AuthError or
    ConfigError."""
    from scheduler.platforms.linkedin.oauth import authorize_linkedin

    store = TokenStore.in_var_dir(ws.config.daemon.var_dir)
    tokens = authorize_linkedin(
        ws.config.platforms.linkedin,
        load_secrets(),
        store,
        ws.clock,
        open_browser=open_browser,
        port=port,
    )
    return Authorised("linkedin", store.path, tokens.access_expires_at)
