"""The console's systemd unit: runs `vignettes web` as the daemon's user, with the
daemon's hardening, and systemd accepts it."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from scheduler.errors import EXIT_CONFIG
from tests.conftest import IN_CI

DEPLOY = Path(__file__).parents[2] / "deploy"
UNIT = DEPLOY / "vignettes-web.service"
HARDENING = (
    "User", "Group", "WorkingDirectory", "EnvironmentFile", "NoNewPrivileges", "ProtectSystem",
    "ReadWritePaths", "StateDirectory", "StateDirectoryMode", "PrivateTmp", "PrivateDevices",
    "ProtectHome", "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs",
    "ProtectControlGroups", "ProtectClock", "ProtectHostname", "RestrictAddressFamilies",
    "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID", "LockPersonality",
    "SystemCallArchitectures", "CapabilityBoundingSet", "UMask",
)  # fmt: skip


def service(unit: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(unit)
    return parser["Service"]


def test_the_unit_serves_the_console_and_restarts_except_on_configuration_errors() -> None:
    unit = service(UNIT)
    assert unit["ExecStart"] == (
        "/opt/impact-vignettes/.venv/bin/vignettes --config /etc/impact-vignettes/config.toml web"
    )
    assert unit["Restart"] == "on-failure"
    assert unit["RestartPreventExitStatus"] == str(EXIT_CONFIG)
    lines = UNIT.read_text().splitlines()  # (configparser keeps only the last Environment=)
    assert "Environment=VIGNETTES_FRONTEND_DIR=/opt/impact-vignettes/build/frontend" in lines


def test_the_unit_is_hardened_exactly_like_the_daemons() -> None:
    web, daemon = service(UNIT), service(DEPLOY / "vignettes.service")
    assert {key: web.get(key) for key in HARDENING} == {key: daemon[key] for key in HARDENING}


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None and not IN_CI, reason="no systemd-analyze"
)
def test_systemd_accepts_the_unit() -> None:
    verify = subprocess.run(
        ["systemd-analyze", "verify", str(UNIT)], capture_output=True, text=True, timeout=30
    )
    problems = [
        line
        for line in verify.stderr.splitlines()
        if UNIT.name in line and "is not executable" not in line
    ]
    assert problems == []
