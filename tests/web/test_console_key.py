"""The session-signing key: from VIGNETTES_WEB_SECRET_KEY, else created once in a 0600
file beside the database, logged, reused, and refused when unsafe."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from scheduler.config import Config, parse_config
from scheduler.credentials.redact import RedactingFilter, install_redaction, uninstall_redaction
from scheduler.errors import ConfigError
from scheduler.operations.accounts.console_key import key_file, signing_key


def sqlite_config(tmp_path: Path) -> Config:
    return parse_config({"database": {"url": "sqlite:///db/vignettes.db"}}, tmp_path / "c.toml")


def test_without_a_key_one_is_created_once_in_a_private_file_beside_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = sqlite_config(tmp_path)
    with caplog.at_level(logging.WARNING):
        first = signing_key(config, environ={})
    path = tmp_path / "db" / "web-secret.key"
    assert key_file(config) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 64 and first.decode() == path.read_text().strip()
    assert f"created the console's session-signing key in {path}" in caplog.text
    assert "every console instance" in caplog.text and first.decode() not in caplog.text
    caplog.clear()
    assert signing_key(config, environ={}) == first
    assert "created" not in caplog.text


def test_postgresql_keeps_the_key_in_the_var_folder(tmp_path: Path) -> None:
    data = {"database": {"url": "postgresql+psycopg://u@db/v"}, "daemon": {"var_dir": "state"}}
    config = parse_config(data, tmp_path / "c.toml")
    assert key_file(config) == tmp_path / "state" / "web-secret.key"


def test_the_environment_key_wins_and_is_never_written(tmp_path: Path) -> None:
    key = "k" * 40
    assert signing_key(sqlite_config(tmp_path), {"VIGNETTES_WEB_SECRET_KEY": key}) == key.encode()
    assert not (tmp_path / "db" / "web-secret.key").exists()


def test_the_key_can_come_from_the_secrets_file(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.env"
    secrets.write_text("VIGNETTES_WEB_SECRET_KEY=" + "s" * 48 + "\n")
    secrets.chmod(0o600)
    env = {"VIGNETTES_SECRETS_FILE": str(secrets)}
    assert signing_key(sqlite_config(tmp_path), env) == b"s" * 48


def test_a_short_key_is_refused_without_showing_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        signing_key(sqlite_config(tmp_path), {"VIGNETTES_WEB_SECRET_KEY": "tooshort1"})
    assert "is 9 characters; use at least 32" in str(refused.value)
    assert "tooshort1" not in str(refused.value)


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    config = sqlite_config(tmp_path)
    signing_key(config, environ={})
    os.chmod(key_file(config), 0o644)
    with pytest.raises(ConfigError, match="console key file is mode 0644; it must be 0600"):
        signing_key(config, environ={})


def test_a_file_that_is_not_a_key_is_refused(tmp_path: Path) -> None:
    config = sqlite_config(tmp_path)
    key_file(config).parent.mkdir(parents=True)
    key_file(config).write_text("hello\n")
    key_file(config).chmod(0o600)
    with pytest.raises(ConfigError, match="is not a key that `vignettes web` wrote"):
        signing_key(config, environ={})


def test_the_key_is_redacted_from_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    flt: RedactingFilter = install_redaction()
    try:
        key = signing_key(sqlite_config(tmp_path), environ={}).decode()
        assert flt.redact(f"oops {key}") == "oops [REDACTED]"
        assert flt.redact(f"VIGNETTES_WEB_SECRET_KEY={'x' * 40}") == (
            "VIGNETTES_WEB_SECRET_KEY=[REDACTED]"
        )
    finally:
        uninstall_redaction()
