"""`make_platform` picks the right adapter; doctor checks are read-only and say what's wrong."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from scheduler.credentials.secrets import Secrets
from scheduler.errors import ConfigError
from scheduler.platforms.checks import platform_checks
from scheduler.platforms.factory import make_platform
from scheduler.platforms.linkedin.adapter import LinkedInPlatform, linkedin_version_age_warning
from scheduler.platforms.outbox import OutboxPlatform
from scheduler.platforms.x.adapter import XPlatform
from tests.emulator import Emulator
from tests.platforms.conftest import live_config


def test_outbox_mode_needs_no_credentials(emulator: Emulator, tmp_path: Path) -> None:
    config = live_config(tmp_path, emulator)
    x_outbox = dataclasses.replace(config.platforms.x, mode="outbox")
    config = dataclasses.replace(
        config, platforms=dataclasses.replace(config.platforms, x=x_outbox)
    )

    outbox = make_platform("x", config, Secrets({}), emulator.clock)

    assert isinstance(outbox, OutboxPlatform)
    assert outbox.outbox_dir == tmp_path / "var" / "outbox"


def test_live_mode_builds_the_api_adapters(
    emulator: Emulator, tmp_path: Path, secrets: Secrets
) -> None:
    config = live_config(tmp_path, emulator)

    assert isinstance(make_platform("x", config, secrets, emulator.clock), XPlatform)
    assert isinstance(make_platform("linkedin", config, secrets, emulator.clock), LinkedInPlatform)


def test_live_mode_without_credentials_names_what_is_missing(
    emulator: Emulator, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="VIGNETTES_X_API_KEY"):
        make_platform("x", live_config(tmp_path, emulator), Secrets({}), emulator.clock)


def test_doctor_passes_every_live_platform_with_a_read_only_call(
    emulator: Emulator, tmp_path: Path, secrets: Secrets
) -> None:
    checks = platform_checks(live_config(tmp_path, emulator), secrets, emulator.clock)

    assert all(check.ok for check in checks), checks
    writes = [r for r in emulator.requests if r.method != "GET"]
    assert writes == []


def test_doctor_reports_a_sunset_version_and_a_rejected_token(
    emulator: Emulator, tmp_path: Path, secrets: Secrets
) -> None:
    config = live_config(tmp_path, emulator, version="202401")
    wrong = Secrets(dict(secrets) | {"VIGNETTES_X_ACCESS_TOKEN": "revoked"})

    failing = {c.name: c for c in platform_checks(config, wrong, emulator.clock) if not c.ok}

    assert "vignettes auth x" in failing["x: account"].message
    assert "no longer active" in failing["linkedin: account"].message
    assert failing["linkedin: API version"].severity == "warning"


@pytest.mark.parametrize(
    ("version", "warned"),
    [("202610", False), ("202602", False), ("202601", True), ("202412", True), ("202701", True)],
)
def test_linkedin_version_is_warned_from_10_months_old(version: str, warned: bool) -> None:
    now = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)

    assert (linkedin_version_age_warning(version, now) is not None) is warned
