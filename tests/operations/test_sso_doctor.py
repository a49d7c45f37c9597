"""`vignettes doctor` checks single sign-on against the real provider on loopback: the
secret is set, the discovery document names the configured issuer, the keys are there."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from scheduler.config import Config, parse_config
from scheduler.credentials.secrets import Secrets
from scheduler.operations.accounts.sso_check import sso_checks
from tests.sso_provider import Provider

SECRET = Secrets({"VIGNETTES_SSO_CLIENT_SECRET": "doctor-test-secret"})


def config_for(issuer: str) -> Config:
    sso: dict[str, Any] = {"issuer": issuer, "client_id": "console"}
    return parse_config({"web": {"base_url": "http://localhost", "sso": sso}}, Path("c.toml"))


def lines(checks: list[Any]) -> dict[str, tuple[bool, str]]:
    return {c.name: (c.ok, c.message) for c in checks}


def test_a_reachable_provider_passes_with_its_keys(sso_provider: Provider) -> None:
    found = lines(sso_checks(config_for(sso_provider.issuer), SECRET))
    assert found == {
        "single sign-on: client secret": (True, "VIGNETTES_SSO_CLIENT_SECRET is set"),
        "single sign-on: discovery": (True, f"{sso_provider.issuer} answers"),
        "single sign-on: signing keys": (True, "1 published by the provider"),
    }


def test_an_issuer_that_differs_from_the_discovery_document_is_named(
    sso_provider: Provider,
) -> None:
    found = lines(sso_checks(config_for(sso_provider.issuer + "/"), SECRET))
    ok, message = found["single sign-on: discovery"]
    assert not ok and f"names the issuer '{sso_provider.issuer}'" in message


def test_an_unreachable_provider_and_a_missing_secret_are_errors() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    found = lines(sso_checks(config_for(f"http://127.0.0.1:{port}"), Secrets({})))
    assert found["single sign-on: client secret"][0] is False
    ok, message = found["single sign-on: discovery"]
    assert not ok and "cannot be reached (ConnectionError)" in message


def test_without_single_sign_on_there_is_nothing_to_check() -> None:
    assert sso_checks(parse_config({}, Path("c.toml")), SECRET) == []
