"""`make_platform`: the one place that chooses between the outbox and a live adapter."""

from __future__ import annotations

import requests

from scheduler.clock import Clock
from scheduler.config import PLATFORM_NAMES, Config
from scheduler.credentials.secrets import Secrets
from scheduler.credentials.tokens import TokenStore
from scheduler.errors import ConfigError
from scheduler.platforms.base import Platform, no_retry_session
from scheduler.platforms.linkedin.oauth import LinkedInTokenSource
from scheduler.platforms.outbox import OutboxPlatform

PLATFORMS = PLATFORM_NAMES


def make_platform(
    name: str,
    config: Config,
    secrets: Secrets,
    clock: Clock,
    session: requests.Session | None = None,
) -> Platform:
    """The adapter for `name` (one of `PLATFORMS`) in its configured mode.

    Outbox mode needs no credentials. Live X needs the API key/secret from the secrets and
    user tokens from the secrets or, failing that, the token store (`vignettes auth x`).
    Live LinkedIn takes its access token from the token store (refreshing it), else from
    `VIGNETTES_LINKEDIN_ACCESS_TOKEN`. Live Bluesky signs in with
    `VIGNETTES_BLUESKY_APP_PASSWORD` and keeps its session in the token store. Raises
    ConfigError for an unknown name or missing credentials (no network call is made here)."""
    if name not in PLATFORMS:
        known = ", ".join(PLATFORMS)
        raise ConfigError("platforms", [f"unknown platform {name!r} (known: {known})"])
    store = TokenStore.in_var_dir(config.daemon.var_dir)
    if name == "bluesky":
        return _bluesky(config, secrets, clock, store, session)
    if name == "x":
        x = config.platforms.x
        if x.mode == "outbox":
            return OutboxPlatform("x", config.outbox_dir, clock)
        missing = secrets.missing("VIGNETTES_X_API_KEY", "VIGNETTES_X_API_SECRET")
        token, secret = secrets.x_access_token, secrets.x_access_secret
        if not (token and secret):
            stored = store.get("x") or {}
            token, secret = stored.get("access_token"), stored.get("access_secret")
        if not (token and secret):
            missing.append(
                "VIGNETTES_X_ACCESS_TOKEN/VIGNETTES_X_ACCESS_SECRET (or run `vignettes auth x`)"
            )
        if missing:
            raise ConfigError(
                "secrets", [f"platforms.x is live but {m} is not set" for m in missing]
            )
        # Imported here: tweepy costs memory a daemon in outbox mode never needs.
        from scheduler.platforms.x.adapter import XPlatform

        return XPlatform(
            api_base=x.api_base,
            username=x.username,
            api_key=str(secrets.x_api_key),
            api_secret=str(secrets.x_api_secret),
            access_token=str(token),
            access_secret=str(secret),
            timeout=x.timeout.total_seconds(),
            clock=clock,
            session=session,
        )
    li = config.platforms.linkedin
    if li.mode == "outbox":
        return OutboxPlatform("linkedin", config.outbox_dir, clock)
    if store.get("linkedin") is None and not secrets.linkedin_access_token:
        raise ConfigError(
            "secrets",
            [
                "platforms.linkedin is live but there is no token: run `vignettes auth "
                "linkedin` or set VIGNETTES_LINKEDIN_ACCESS_TOKEN"
            ],
        )
    from scheduler.platforms.linkedin.adapter import LinkedInPlatform

    return LinkedInPlatform(
        api_base=li.api_base,
        version=li.version,
        author=li.author,
        access_token=LinkedInTokenSource(li, secrets, store, clock, session),
        timeout=li.timeout.total_seconds(),
        clock=clock,
        session=session,
    )


def _bluesky(
    config: Config,
    secrets: Secrets,
    clock: Clock,
    store: TokenStore,
    session: requests.Session | None,
) -> Platform:
    bsky = config.platforms.bluesky
    if bsky.mode == "outbox":
        return OutboxPlatform("bluesky", config.outbox_dir, clock)
    if not secrets.bluesky_app_password and store.get("bluesky") is None:
        raise ConfigError(
            "secrets",
            [
                "platforms.bluesky is live but VIGNETTES_BLUESKY_APP_PASSWORD is not set "
                "(create an app password: bsky.app → Settings → Privacy and security → "
                "App passwords)"
            ],
        )
    from scheduler.platforms.bluesky.adapter import BlueskyPlatform
    from scheduler.platforms.bluesky.session import BlueskySession

    http = no_retry_session(session)
    timeout = bsky.timeout.total_seconds()
    account = BlueskySession(
        service=bsky.service,
        handle=bsky.handle,
        app_password=secrets.bluesky_app_password,
        store=store,
        http=http,
        timeout=timeout,
        clock=clock,
    )
    return BlueskyPlatform(session=account, langs=bsky.langs, timeout=timeout, clock=clock)
