"""Secrets file, token store, OAuth flows and expiry warnings."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import requests

from scheduler.credentials.secrets import Secrets, load_secrets
from scheduler.credentials.tokens import TokenStore, expiry_warnings
from scheduler.errors import ConfigError
from scheduler.platforms.linkedin.oauth import AuthError, LinkedInTokenSource
from scheduler.platforms.x.pin import authorize_x_pin
from tests.emulator import Emulator
from tests.platforms.conftest import authorize_against, live_config


def write_secrets(tmp_path: Path, mode: int) -> Path:
    path = tmp_path / "secrets.env"
    path.write_text(
        "# X\nVIGNETTES_X_API_KEY=abc-from-file\nVIGNETTES_X_API_SECRET='s3cr3t-value'\n"
    )
    path.chmod(mode)
    return path


def test_a_group_readable_secrets_file_is_refused_naming_the_path_not_the_content(
    tmp_path: Path,
) -> None:
    path = write_secrets(tmp_path, 0o640)

    with pytest.raises(ConfigError) as raised:
        load_secrets({"VIGNETTES_SECRETS_FILE": str(path)})

    assert str(path) in str(raised.value) and "0640" in str(raised.value)
    assert "s3cr3t-value" not in str(raised.value)


def test_a_private_secrets_file_loads_and_the_environment_wins(tmp_path: Path) -> None:
    path = write_secrets(tmp_path, 0o600)

    secrets = load_secrets({"VIGNETTES_SECRETS_FILE": str(path), "VIGNETTES_X_API_KEY": "env-key"})

    assert secrets.x_api_key == "env-key"
    assert secrets.x_api_secret == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(secrets) and "VIGNETTES_X_API_SECRET" in repr(secrets)


def test_a_malformed_secrets_line_is_named_by_number_only(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    path.write_text("VIGNETTES_X_API_KEY=ok\nthis-is-not-a-pair-hunter2\n")
    path.chmod(0o600)

    with pytest.raises(ConfigError, match="line 2") as raised:
        load_secrets({"VIGNETTES_SECRETS_FILE": str(path)})

    assert "hunter2" not in str(raised.value)


def test_the_token_store_writes_atomically_with_mode_0600(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "var" / "tokens.json")

    store.put("x", {"access_token": "tok-1"})
    store.put("linkedin", {"access_token": "tok-2"})

    assert os.stat(store.path).st_mode & 0o777 == 0o600
    assert store.get("x") == {"access_token": "tok-1"}
    assert [p.name for p in store.path.parent.iterdir()] == ["tokens.json"]  # no temp left


def test_a_token_store_others_can_read_is_refused(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.put("x", {"access_token": "tok"})
    store.path.chmod(0o644)

    with pytest.raises(ConfigError, match="0644"):
        store.load()


def test_linkedin_authorisation_stores_tokens_from_the_code_exchange(
    emulator: Emulator, tmp_path: Path, secrets: Secrets
) -> None:
    config = live_config(tmp_path, emulator)
    store = TokenStore.in_var_dir(config.daemon.var_dir)

    tokens = authorize_against(emulator, config, store, secrets)

    assert tokens.access_token in emulator.linkedin.tokens
    assert store.get("linkedin")["refresh_token"] == tokens.refresh_token  # type: ignore[index]
    assert tokens.access_expires_at == emulator.clock.now() + dt.timedelta(days=60)


def test_linkedin_authorisation_refused_by_the_member_stores_nothing(
    emulator: Emulator, tmp_path: Path, secrets: Secrets
) -> None:
    config = live_config(tmp_path, emulator)
    store = TokenStore.in_var_dir(config.daemon.var_dir)
    emulator.linkedin.deny_next_authorization = True

    with pytest.raises(AuthError, match="user_cancelled_authorize"):
        authorize_against(emulator, config, store, secrets)

    assert store.get("linkedin") is None


def test_a_redirect_with_the_wrong_state_is_rejected(
    emulator: Emulator, tmp_path: Path, secrets: Secrets
) -> None:
    config = live_config(tmp_path, emulator)
    store = TokenStore.in_var_dir(config.daemon.var_dir)

    def forged(url: str) -> None:
        requests.get(re.sub(r"state=[^&]+", "state=forged", url), timeout=5)

    with pytest.raises(AuthError, match="state_mismatch"):
        authorize_against(emulator, config, store, secrets, forged)


def test_an_access_token_near_expiry_is_refreshed_and_saved_before_use(
    emulator: Emulator, tmp_path: Path, secrets: Secrets
) -> None:
    config = live_config(tmp_path, emulator)
    store = TokenStore.in_var_dir(config.daemon.var_dir)
    first = authorize_against(emulator, config, store, secrets)
    emulator.clock.advance(dt.timedelta(days=55))

    token = LinkedInTokenSource(config.platforms.linkedin, secrets, store, emulator.clock)()

    assert token != first.access_token
    assert store.get("linkedin")["access_token"] == token  # type: ignore[index]
    assert emulator.calls("linkedin.access_token")[-1].form()["grant_type"] == "refresh_token"


def test_expiry_is_warned_14_days_ahead_for_both_tokens(tmp_path: Path) -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    store = TokenStore(tmp_path / "tokens.json")
    store.put(
        "linkedin",
        {
            "access_token": "at",
            "access_expires_at": (now + dt.timedelta(days=13)).isoformat(),
            "refresh_token": None,
            "refresh_expires_at": (now + dt.timedelta(days=20)).isoformat(),
        },
    )

    soon = expiry_warnings(store, now)
    later = expiry_warnings(store, now + dt.timedelta(days=7))

    assert [w.token for w in soon] == ["access"]
    assert [w.token for w in later] == ["access", "refresh"]
    assert "vignettes auth linkedin" in soon[0].message


def test_x_pin_flow_records_user_tokens(
    emulator: Emulator, tmp_path: Path, secrets: Secrets
) -> None:
    config = live_config(tmp_path, emulator)
    store = TokenStore.in_var_dir(config.daemon.var_dir)

    def type_pin(url: str) -> str:
        return requests.get(url, timeout=5).text.removeprefix("PIN: ")

    tokens = authorize_x_pin(config.platforms.x, secrets, store, emulator.clock, ask_pin=type_pin)

    assert tokens.username == "nhslibraries"
    assert store.get("x")["access_token"] == tokens.access_token  # type: ignore[index]
    assert tokens.access_token in emulator.x.tokens
