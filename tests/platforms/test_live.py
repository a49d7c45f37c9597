"""Optional checks against the real APIs: read-only, never in CI.

Run by hand with real credentials in the environment, e.g.
`VIGNETTES_SECRETS_FILE=~/.config/vignettes/secrets.env .venv/bin/pytest -m live tests/platforms`.
They only call `whoami` and read metrics of nothing: they never post.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from scheduler.clock import SystemClock
from scheduler.credentials.secrets import load_secrets
from scheduler.credentials.tokens import TokenStore
from scheduler.platforms.bluesky.adapter import BlueskyPlatform
from scheduler.platforms.bluesky.session import BlueskySession
from scheduler.platforms.linkedin.adapter import LinkedInPlatform, suggested_version
from scheduler.platforms.x.adapter import XPlatform

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
secrets = load_secrets() if not IN_CI else None

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(IN_CI, reason="live API tests never run in CI"),
]


def _have(*keys: str) -> bool:
    return secrets is not None and not secrets.missing(*keys)


@pytest.mark.skipif(
    not _have(
        "VIGNETTES_X_API_KEY",
        "VIGNETTES_X_API_SECRET",
        "VIGNETTES_X_ACCESS_TOKEN",
        "VIGNETTES_X_ACCESS_SECRET",
    ),
    reason="X credentials not in the environment",
)
def test_real_x_accepts_our_oauth1_tokens() -> None:
    assert secrets is not None
    x = XPlatform(
        api_base="https://api.x.com",
        username="",
        api_key=str(secrets.x_api_key),
        api_secret=str(secrets.x_api_secret),
        access_token=str(secrets.x_access_token),
        access_secret=str(secrets.x_access_secret),
        timeout=20,
        clock=SystemClock(),
    )

    assert x.whoami().account_id.isdigit()


@pytest.mark.skipif(
    not (
        _have("VIGNETTES_LINKEDIN_ACCESS_TOKEN")
        and os.environ.get("VIGNETTES_LIVE_LINKEDIN_AUTHOR")
    ),
    reason="LinkedIn token or VIGNETTES_LIVE_LINKEDIN_AUTHOR not in the environment",
)
def test_real_linkedin_accepts_our_token_and_version() -> None:
    assert secrets is not None
    token = str(secrets.linkedin_access_token)
    version = os.environ.get(
        "VIGNETTES_LIVE_LINKEDIN_VERSION", suggested_version(SystemClock().now())
    )
    linkedin = LinkedInPlatform(
        api_base="https://api.linkedin.com",
        version=version,
        author=os.environ["VIGNETTES_LIVE_LINKEDIN_AUTHOR"],
        access_token=lambda: token,
        timeout=20,
        clock=SystemClock(),
    )

    assert linkedin.whoami().account_id.startswith("urn:li:")


@pytest.mark.skipif(
    not (
        _have("VIGNETTES_BLUESKY_APP_PASSWORD") and os.environ.get("VIGNETTES_LIVE_BLUESKY_HANDLE")
    ),
    reason="VIGNETTES_BLUESKY_APP_PASSWORD or VIGNETTES_LIVE_BLUESKY_HANDLE not in the environment",
)
def test_real_bluesky_signs_in_with_the_app_password_and_reads_the_session(
    tmp_path: Path,
) -> None:
    assert secrets is not None
    session = BlueskySession(
        service=os.environ.get("VIGNETTES_LIVE_BLUESKY_SERVICE", "https://bsky.social"),
        handle=os.environ["VIGNETTES_LIVE_BLUESKY_HANDLE"],
        app_password=secrets.bluesky_app_password,
        store=TokenStore(tmp_path / "tokens.json"),
        http=requests.Session(),
        timeout=20,
        clock=SystemClock(),
    )
    bluesky = BlueskyPlatform(session=session, langs=["en-GB"], timeout=20, clock=SystemClock())

    assert bluesky.whoami().account_id.startswith("did:")
