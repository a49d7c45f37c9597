"""Setting Bluesky up: the config section, the factory, `auth bluesky`, doctor, and a card
that must be made to fit Bluesky's 1,000,000-byte image limit."""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from cards.errors import CardTooLargeError
from cards.shrink import fit_png
from scheduler.cli.main import main
from scheduler.clock import FakeClock
from scheduler.config import parse_config
from scheduler.credentials.secrets import Secrets
from scheduler.credentials.tokens import TokenStore
from scheduler.errors import ConfigError
from scheduler.platforms.bluesky.adapter import BlueskyPlatform
from scheduler.platforms.checks import platform_checks
from scheduler.platforms.factory import make_platform
from scheduler.platforms.outbox import OutboxPlatform
from tests.conftest import START
from tests.emulator import Emulator
from tests.emulator.bluesky import HANDLE


def config(tmp_path: Path, **bluesky: Any) -> Any:
    data = {"platforms": {"bluesky": bluesky}, "daemon": {"var_dir": str(tmp_path / "var")}}
    return parse_config(data, tmp_path / "config.toml")


def live(tmp_path: Path, emulator: Emulator) -> Any:
    return config(tmp_path, enabled=True, mode="live", service=emulator.base_url, handle=HANDLE)


def test_bluesky_is_off_by_default_and_outbox_when_switched_on(tmp_path: Path) -> None:
    assert config(tmp_path).platforms.enabled() == ["x", "linkedin"]
    on = config(tmp_path, enabled=True)
    assert on.platforms.enabled() == ["x", "linkedin", "bluesky"]
    assert isinstance(make_platform("bluesky", on, Secrets({}), FakeClock(START)), OutboxPlatform)


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"enabled": True, "mode": "live"}, "platforms.bluesky.handle: is required"),
        ({"handle": "not a handle"}, "platforms.bluesky.handle: 'not a handle' is not"),
        ({"langs": ["en-GB", "klingon!"]}, "platforms.bluesky.langs: 'klingon!'"),
        ({"service": "http://pds.example"}, "platforms.bluesky.service"),
        ({"app_password": "x"}, "secrets are never read from config.toml"),
        ({"mentions": ["@[Org](urn:li:organization:1)"]}, "@name.bsky.social"),
    ],
)
def test_a_wrong_bluesky_section_is_a_clear_config_error(
    section: dict[str, Any], problem: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as raised:
        config(tmp_path, **section)

    assert any(p.startswith(problem) or problem in p for p in raised.value.problems)


def test_live_bluesky_without_an_app_password_or_session_is_refused_before_any_call(
    tmp_path: Path, emulator: Emulator
) -> None:
    with pytest.raises(ConfigError) as raised:
        make_platform("bluesky", live(tmp_path, emulator), Secrets({}), emulator.clock)

    assert "VIGNETTES_BLUESKY_APP_PASSWORD" in raised.value.problems[0]
    assert emulator.requests == []


def test_doctor_reads_the_session_without_posting(
    tmp_path: Path, emulator: Emulator, secrets: Secrets
) -> None:
    platform = make_platform("bluesky", live(tmp_path, emulator), secrets, emulator.clock)
    assert isinstance(platform, BlueskyPlatform)

    checks = platform_checks(live(tmp_path, emulator), secrets, emulator.clock)

    [check] = [c for c in checks if c.name == "bluesky: account"]
    assert check.ok and f"@{HANDLE}" in check.message
    assert {r.op for r in emulator.requests} <= {
        "bluesky.create_session",
        "bluesky.get_session",
        "x.get_me",
        "linkedin.userinfo",
        "linkedin.share_statistics",
    }
    assert emulator.bluesky_posts == []


def test_auth_bluesky_signs_in_once_and_stores_the_session_privately(
    tmp_path: Path,
    emulator: Emulator,
    secrets: Secrets,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[platforms.bluesky]\nenabled = true\nmode = "live"\nservice = "{emulator.base_url}"\n'
        f'handle = "{HANDLE}"\n[daemon]\nvar_dir = "var"\n'
    )
    for key, value in secrets.items():
        monkeypatch.setenv(key, value)

    code = main(["--config", str(path), "auth", "bluesky"])

    out = capsys.readouterr().out
    assert code == 0 and f"@{HANDLE}" in out
    assert TokenStore(tmp_path / "var" / "tokens.json").get("bluesky")
    assert not [t for t in emulator.bluesky.issued if t in out]


def noise_png(width: int, height: int) -> bytes:
    rng = random.Random(7)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_card_over_a_million_bytes_is_re_encoded_as_a_png_that_fits() -> None:
    big = noise_png(1200, 675)  # photographic noise: about 2.4 MB as PNG
    assert len(big) > 1_000_000

    small = fit_png(big, 1_000_000)

    assert len(small) <= 1_000_000 and small.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(small)) as image:
        assert abs(image.width / image.height - 1200 / 675) < 0.01 and image.width >= 600


def test_a_card_that_cannot_fit_fails_instead_of_being_sent_too_big() -> None:
    with pytest.raises(CardTooLargeError):
        fit_png(noise_png(1200, 675), 20_000)
