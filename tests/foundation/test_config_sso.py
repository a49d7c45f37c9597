"""`[web.sso]` and `[web] base_url`: every problem named with its key, Entra ID's shared
issuers refused, and the client secret never accepted from config.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scheduler.config import parse_config
from scheduler.errors import ConfigError

ENTRA = "https://login.microsoftonline.com/7e2d3b2a-1111-4c2b-9d3e-0a1b2c3d4e5f/v2.0"


def web(**settings: Any) -> dict[str, Any]:
    return {"web": settings}


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, Path("/srv/vignettes/config.toml"))
    return caught.value.problems


def test_a_tenant_issuer_with_a_base_url_is_accepted() -> None:
    sso = {"issuer": ENTRA, "client_id": "app-id", "allowed_email_domains": ["NHS.net"]}
    config = parse_config(
        web(base_url="https://vignettes.example.nhs.uk/", sso=sso), Path("config.toml")
    )
    assert config.web.base_url == "https://vignettes.example.nhs.uk"
    assert config.web.sso is not None and config.web.sso.allowed_email_domains == ("nhs.net",)
    assert config.web.sso.discovery_url == ENTRA + "/.well-known/openid-configuration"
    assert config.web.password_sign_in and config.web.sso.new_users == "refuse"


@pytest.mark.parametrize("tenant", ["common", "organizations", "consumers"])
def test_entra_ids_shared_issuers_are_refused(tenant: str) -> None:
    issuer = f"https://login.microsoftonline.com/{tenant}/v2.0"
    found = problems(web(base_url="https://v.example", sso={"issuer": issuer, "client_id": "a"}))
    assert found == [
        f"web.sso.issuer: '{issuer}' is Entra ID's shared issuer, through which any Microsoft "
        "tenant could sign in; use your own tenant's: "
        "https://login.microsoftonline.com/<tenant id>/v2.0"
    ]


def test_a_client_secret_in_the_config_is_refused_and_named() -> None:
    sso = {"issuer": ENTRA, "client_id": "a", "client_secret": "s3cret"}
    found = problems(web(base_url="https://v.example", sso=sso))
    assert found == [
        "web.sso.client_secret: secrets are never read from config.toml; set them in the "
        "environment or the 0600 secrets file named by VIGNETTES_SECRETS_FILE"
    ]


def test_every_missing_or_unsafe_setting_is_listed_with_its_key() -> None:
    sso = {"issuer": "http://login.example.org", "new_users": "contributor", "label": ""}
    found = problems(web(sso=sso))
    assert found == [
        "web.sso.issuer: 'http://login.example.org' must use https:// (the provider is sent "
        "sign-in codes)",
        "web.sso.client_id: the application (client) ID the provider gave, 1-255 characters",
        "web.sso.label: the sign-in button's words, 1 to 60 characters",
        'web.sso.new_users: "contributor" needs allowed_email_domains, or anyone the provider '
        "knows could make themselves an account",
        "web.base_url: is needed for [web.sso]: the provider sends people back to it",
    ]


def test_plain_http_is_allowed_only_on_this_machines_loopback() -> None:
    sso = {"issuer": "http://127.0.0.1:9400", "client_id": "a"}
    config = parse_config(web(base_url="http://localhost:8000", sso=sso), Path("c.toml"))
    assert config.web.sso is not None and config.web.sso.issuer == "http://127.0.0.1:9400"
    assert problems(web(base_url="http://vignettes.example", sso=sso)) == [
        "web.base_url: 'http://vignettes.example' must use https:// (the console is sent "
        "sign-in codes)"
    ]


def test_without_the_table_there_is_no_single_sign_on() -> None:
    config = parse_config({}, Path("c.toml"))
    assert config.web.sso is None and config.web.password_sign_in
