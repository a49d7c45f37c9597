"""The console with single sign-on through the test session's real provider, and the
steps a person takes: the console sends them to the provider, they sign in there, the
provider sends them back to the callback.

    console = sso_console(tmp_path, frontend, sso_provider, monkeypatch)
    sso_provider.add_person("sub-1", email="priya@nhs.net", email_verified=True)
    bind(console, "priya", sso_provider, "sub-1")
    assert sign_in_through(console, sso_provider, "sub-1").location == "/"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.test import TestResponse

from scheduler.operations.accounts.users import add_user
from scheduler.web.frontend import Frontend
from tests.sso_provider import Provider
from tests.web.conftest import OPERATOR, PASSWORD, Console, make_console
from vignettes.store.account_models import User
from vignettes.store.accounts import get_user

SSO_SECRET = "test-sso-client-secret-4f9a1c"
CLIENT_ID = "impact-vignettes-console"
LABEL = "Sign in with NHSmail"


def sso_console(
    tmp_path: Path,
    frontend: Frontend,
    provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
    *,
    base_url: str = "http://localhost",
    db_url: str | None = None,
    **sso: Any,
) -> Console:
    """A console whose `[web.sso]` names `provider`, its secret in the environment."""
    monkeypatch.setenv("VIGNETTES_SSO_CLIENT_SECRET", SSO_SECRET)
    settings = {"issuer": provider.issuer, "client_id": CLIENT_ID, "label": LABEL, **sso}
    return make_console(tmp_path, frontend, db_url=db_url, base_url=base_url, sso=settings)


def account_with_email(
    console: Console, name: str, role: str, email: str, services: tuple[str, ...] = ()
) -> None:
    """An account as an admin adds it, with its email address and library services."""
    add_user(console.ws, OPERATOR, name, role, PASSWORD, email=email, services=services)


def account(console: Console, name: str) -> User:
    """The account `name` as stored now (its binding, email, role)."""
    with console.ws.store.read() as session:
        user = get_user(session, name)
        session.expunge(user)
        return user


def bind(console: Console, name: str, provider: Provider, subject: str) -> None:
    """An account already bound to the provider's `subject` (as a first sign-on does)."""
    with console.ws.store.write() as session:
        user = get_user(session, name)
        user.sso_issuer, user.sso_subject = provider.issuer, subject


def start(console: Console) -> str:
    """Follow "Sign in with ...": the address of the provider's sign-in page."""
    response = console.get("/login/sso")
    assert response.status_code == 302, response.text[:300]
    return str(response.location)


def callback(console: Console, url: str) -> TestResponse:
    """Arrive back at the console at `url` (the provider's redirect)."""
    parts = urlsplit(url)
    return console.get(f"{parts.path}?{parts.query}")


def sign_in_through(console: Console, provider: Provider, subject: str) -> TestResponse:
    """The whole sign-in: to the provider, signed in there as `subject`, and back."""
    return callback(console, provider.authorize(start(console), subject))
