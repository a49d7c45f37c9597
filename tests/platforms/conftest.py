"""The emulator fixture and small builders for the platform suites.

Every adapter here talks real HTTP to a loopback emulator; the emulator and the adapters
share one `FakeClock`, so tests move time instead of sleeping."""

from __future__ import annotations

import socket
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from scheduler.clock import FakeClock
from scheduler.config import Config, parse_config
from scheduler.credentials.secrets import Secrets
from scheduler.credentials.tokens import LinkedInTokens, TokenStore
from scheduler.platforms.base import Platform, PreparedPost
from scheduler.platforms.bluesky.adapter import BlueskyPlatform
from scheduler.platforms.bluesky.session import BlueskySession
from scheduler.platforms.linkedin.adapter import LinkedInPlatform
from scheduler.platforms.linkedin.oauth import authorize_linkedin
from scheduler.platforms.outbox import OutboxPlatform
from scheduler.platforms.x.adapter import XPlatform
from tests.conftest import SECRET_VALUES, START  # noqa: F401  (re-exported)
from tests.emulator import Emulator
from tests.emulator.bluesky import APP_PASSWORD, HANDLE
from tests.emulator.linkedin import ORGANIZATION

TIMEOUT = 1.0  # seconds: short, so accept-then-timeout cases (stall 2 s) stay fast, yet
# long enough that a loaded CI machine answering slowly is not taken for a stall


def png(width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def prepared(text: str = "November: 42 new members at the library", **kw: Any) -> PreparedPost:
    fields = {
        "image_png": png(),
        "alt_text": "A bar chart of sign-ups",
        "content_hash": "ab12cd34ef56" * 4,
    }
    return PreparedPost(text=text, **(fields | kw))


def x_adapter(base_url: str, clock: FakeClock, **overrides: Any) -> XPlatform:
    kw: dict[str, Any] = {
        "api_base": base_url,
        "username": "nhslibraries",
        "api_key": "test-x-api-key",
        "api_secret": "test-x-api-secret",
        "access_token": "test-x-access-token",
        "access_secret": "test-x-access-secret",
        "timeout": TIMEOUT,
        "clock": clock,
    }
    return XPlatform(**(kw | overrides))


def linkedin_adapter(base_url: str, clock: FakeClock, **overrides: Any) -> LinkedInPlatform:
    token = overrides.pop("token", "test-li-access-token")
    kw: dict[str, Any] = {
        "api_base": base_url,
        "version": "202610",
        "author": ORGANIZATION,
        "access_token": lambda: token,
        "timeout": TIMEOUT,
        "clock": clock,
    }
    return LinkedInPlatform(**(kw | overrides))


def bluesky_adapter(
    base_url: str, clock: FakeClock, tmp_path: Path, **overrides: Any
) -> BlueskyPlatform:
    """A Bluesky adapter whose session lives in `tmp_path/var/tokens.json`."""
    http = requests.Session()
    session = BlueskySession(
        service=overrides.pop("api_base", base_url),
        handle=overrides.pop("handle", HANDLE),
        app_password=overrides.pop("app_password", APP_PASSWORD),
        store=TokenStore.in_var_dir(tmp_path / "var"),
        http=http,
        timeout=TIMEOUT,
        clock=clock,
    )
    kw: dict[str, Any] = {
        "session": session,
        "langs": ["en-GB"],
        "timeout": TIMEOUT,
        "clock": clock,
    }
    return BlueskyPlatform(**(kw | overrides))


def adapter_for(name: str, emulator: Emulator, tmp_path: Path, **overrides: Any) -> Platform:
    if name == "x":
        return x_adapter(emulator.base_url, emulator.clock, **overrides)
    if name == "linkedin":
        return linkedin_adapter(emulator.base_url, emulator.clock, **overrides)
    if name == "bluesky":
        return bluesky_adapter(emulator.base_url, emulator.clock, tmp_path, **overrides)
    return OutboxPlatform("x", tmp_path / "outbox", emulator.clock)


CREATE_OP = {
    "x": "x.create_tweet",
    "linkedin": "linkedin.create_post",
    "bluesky": "bluesky.create_record",
}
UPLOAD_OP = {
    "x": "x.media_upload",
    "linkedin": "linkedin.initialize_upload",
    "bluesky": "bluesky.upload_blob",
}


def created(emulator: Emulator, name: str) -> list[Any]:
    posts: dict[str, list[Any]] = {
        "x": emulator.x_posts,
        "linkedin": emulator.linkedin_posts,
        "bluesky": emulator.bluesky_posts,
    }
    return posts[name]


def closed_port() -> int:
    """A loopback port with nothing listening (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def live_config(tmp_path: Path, emulator: Emulator, **linkedin: Any) -> Config:
    data = {
        "platforms": {
            "x": {
                "mode": "live",
                "api_base": emulator.base_url,
                "username": "nhslibraries",
                "timeout": "2s",
            },
            "linkedin": {
                "mode": "live",
                "api_base": emulator.base_url,
                "oauth_base": emulator.base_url,
                "author": ORGANIZATION,
                "timeout": "2s",
            }
            | linkedin,
        },
        "daemon": {"var_dir": str(tmp_path / "var")},
    }
    return parse_config(data, tmp_path / "config.toml")


def authorize_against(
    emulator: Emulator,
    config: Config,
    store: TokenStore,
    secrets: Secrets,
    open_browser: Callable[[str], None] | None = None,
) -> LinkedInTokens:
    """Run the LinkedIn authorisation against the emulator on a free loopback port; the
    default browser just follows the redirect."""
    return authorize_linkedin(
        config.platforms.linkedin,
        secrets,
        store,
        emulator.clock,
        open_browser=open_browser or (lambda url: requests.get(url, timeout=5) and None),
        port=0,
        redirect_host="127.0.0.1",
    )
