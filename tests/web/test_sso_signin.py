"""Signing in through the organisation's provider (a real OpenID Connect provider on
loopback): who gets in, who is refused and why, SSO-only mode, and the session rules a
password sign-in follows (idle timeout, sign-out, throttling, audit)."""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.accounts.signin import SignInRefused, authenticate
from scheduler.operations.accounts.users import disable_user
from scheduler.web.frontend import Frontend
from tests.sso_provider import Provider, query_of
from tests.web.conftest import OPERATOR, PASSWORD, Console, make_console
from tests.web.sso_flow import (
    CLIENT_ID,
    LABEL,
    SSO_SECRET,
    account,
    account_with_email,
    bind,
    callback,
    sign_in_through,
    sso_console,
    start,
)
from vignettes.store.models import AuditEvent


@pytest.fixture
def console_without_sso(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = make_console(tmp_path, frontend)
    yield made
    made.ws.close()


@pytest.fixture
def console(
    tmp_path: Path, frontend: Frontend, sso_provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> Console:
    return sso_console(tmp_path, frontend, sso_provider, monkeypatch)


def test_the_sign_in_page_offers_the_provider_beside_the_password_form(console: Console) -> None:
    page = console.get("/login").text
    assert LABEL in page and 'href="/login/sso"' in page
    assert 'name="password"' in page


def test_a_bound_person_signs_in_through_the_provider_and_lands_on_home(
    console: Console, sso_provider: Provider
) -> None:
    console.add_user("priya", "editor")
    bind(console, "priya", sso_provider, "priya-at-provider")
    response = sign_in_through(console, sso_provider, "priya-at-provider")
    assert (response.status_code, response.location) == (302, "/")
    assert "priya (editor)" in console.get("/").text


def test_the_provider_is_asked_for_a_code_with_pkce_state_and_nonce(
    console: Console, sso_provider: Provider
) -> None:
    asked = query_of(start(console))
    assert asked["response_type"] == "code" and asked["client_id"] == "impact-vignettes-console"
    assert asked["redirect_uri"] == "http://localhost/login/sso/callback"
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    assert len(asked["state"]) >= 20 and len(asked["nonce"]) >= 20
    assert set(asked["scope"].split()) == {"openid", "email", "profile"}


def test_the_code_is_exchanged_with_the_verifier_that_matches_the_challenge(
    console: Console, sso_provider: Provider
) -> None:
    console.add_user("priya", "viewer")
    bind(console, "priya", sso_provider, "pkce-person")
    sign_in_through(console, sso_provider, "pkce-person")
    challenge = sso_provider.requests_to("/oauth2/authorize")[-1].values["code_challenge"]
    verifier = sso_provider.requests_to("/oauth2/token")[-1].values["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


def test_someone_the_console_does_not_know_is_told_to_ask_an_admin(
    console: Console, sso_provider: Provider
) -> None:
    sso_provider.add_person("stranger", email="sam@nhs.net", email_verified=True)
    page = sign_in_through(console, sso_provider, "stranger")
    assert page.status_code == 403
    assert "You cannot sign in to this console" in page.text
    assert "Ask an admin to add you" in page.text
    assert console.get("/").status_code == 302


def test_only_the_subject_decides_never_an_email_the_provider_sends(
    console: Console, sso_provider: Provider
) -> None:
    account_with_email(console, "priya", "admin", "priya@nhs.net")
    account_with_email(console, "sam", "viewer", "sam@nhs.net")
    sso_provider.add_person("priya-subject", email="priya@nhs.net", email_verified=True)
    sign_in_through(console, sso_provider, "priya-subject")  # binds Priya by her email
    console.sign_out()
    # Someone else at the provider whose verified email now reads like Priya's gets nowhere...
    sso_provider.add_person("mallory", email="priya@nhs.net", email_verified=True)
    assert sign_in_through(console, sso_provider, "mallory").status_code == 403
    # ...and Priya, her email changed to Sam's, is still herself, never Sam.
    sso_provider.add_person("priya-subject", email="sam@nhs.net", email_verified=True)
    assert sign_in_through(console, sso_provider, "priya-subject").location == "/"
    assert "priya (admin)" in console.get("/").text
    assert account(console, "priya").sso_subject == "priya-subject"
    assert account(console, "sam").sso_subject is None


def test_a_disabled_account_is_refused_and_its_session_ends(
    console: Console, sso_provider: Provider
) -> None:
    console.add_user("priya", "editor")
    console.add_user("root", "admin")
    bind(console, "priya", sso_provider, "priya-disabled")
    sign_in_through(console, sso_provider, "priya-disabled")
    disable_user(console.ws, OPERATOR, "priya")
    assert console.get("/").status_code == 302
    page = sign_in_through(console, sso_provider, "priya-disabled")
    assert page.status_code == 403 and "This account has been disabled" in page.text


def test_an_sso_session_ends_after_the_idle_timeout_and_at_sign_out(
    console: Console, sso_provider: Provider
) -> None:
    console.add_user("priya", "viewer")
    bind(console, "priya", sso_provider, "priya-idle")
    sign_in_through(console, sso_provider, "priya-idle")
    console.idle(31)
    assert console.get("/").location == "/login?next=/"
    sign_in_through(console, sso_provider, "priya-idle")
    assert console.get("/").status_code == 200
    console.sign_out()
    assert console.get("/").status_code == 302


def test_a_sign_in_through_the_provider_is_in_the_audit_log(
    console: Console, sso_provider: Provider
) -> None:
    console.add_user("priya", "viewer")
    bind(console, "priya", sso_provider, "priya-audit")
    sign_in_through(console, sso_provider, "priya-audit")
    with console.ws.store.read() as session:
        events = session.query(AuditEvent).filter_by(action="user.sign-in").all()
        details = [(e.actor, e.via, e.detail.get("method")) for e in events]
    assert details == [("priya", "web", "sso")]


def test_the_person_returns_to_the_page_they_asked_for(
    console: Console, sso_provider: Provider
) -> None:
    console.add_user("priya", "viewer")
    bind(console, "priya", sso_provider, "priya-next")
    authorize = console.get("/login/sso?next=/plan").location
    response = callback(console, sso_provider.authorize(authorize, "priya-next"))
    assert response.location == "/plan"


def test_the_callback_counts_as_a_sign_in_attempt_for_throttling(
    console: Console, sso_provider: Provider
) -> None:
    console.add_user("priya", "viewer")
    bind(console, "priya", sso_provider, "priya-throttled")
    for _ in range(20):  # the address limit, with callbacks nobody started
        assert console.get("/login/sso/callback?code=x&state=forged").status_code == 400
    refused = sign_in_through(console, sso_provider, "priya-throttled")
    assert refused.status_code == 429 and "Try again in 15 minutes" in refused.text
    assert refused.headers["Retry-After"] == "900"


def test_failed_password_attempts_for_an_account_hold_back_its_sso_sign_in_too(
    console: Console, sso_provider: Provider
) -> None:
    console.add_user("priya", "viewer")
    bind(console, "priya", sso_provider, "priya-guessed")
    for _ in range(5):
        console.sign_in("priya", "a wrong password here")
    assert sign_in_through(console, sso_provider, "priya-guessed").status_code == 429


def test_sso_only_mode_has_no_password_form_and_refuses_a_password(
    tmp_path: Path, frontend: Frontend, sso_provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    console = sso_console(tmp_path, frontend, sso_provider, monkeypatch, password_sign_in=False)
    console.add_user("priya", "admin")
    page = console.get("/login").text
    assert LABEL in page and 'name="password"' not in page
    # The page has no form to take a token from; with or without one, no password works.
    posted = console.client.post("/login", data={"username": "priya", "password": PASSWORD})
    assert posted.status_code == 400 and console.get("/").status_code == 302
    with pytest.raises(SignInRefused, match="Password sign-in is turned off"):
        authenticate(console.ws, "priya", PASSWORD, "127.0.0.1")
    bind(console, "priya", sso_provider, "priya-only")
    sign_in_through(console, sso_provider, "priya-only")
    assert console.get("/account/password").status_code == 404


def test_without_sso_settings_its_addresses_do_not_exist(console_without_sso: Console) -> None:
    assert console_without_sso.get("/login/sso").status_code == 404
    assert console_without_sso.get("/login/sso/callback?code=x&state=y").status_code == 404
    assert "/login/sso" not in console_without_sso.get("/login").text


def test_the_client_secret_goes_to_the_provider_and_nowhere_else(
    console: Console, sso_provider: Provider, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    console.add_user("priya", "admin")
    bind(console, "priya", sso_provider, "priya-secret")
    pages = [console.get("/login").text, sign_in_through(console, sso_provider, "stranger").text]
    pages.append(sign_in_through(console, sso_provider, "priya-secret").text)
    pages += [console.get(path).text for path in ("/", "/users", "/audit")]
    sent = sso_provider.requests_to("/oauth2/token")[-1].authorization
    assert base64.b64decode(sent.split()[1]).decode() == f"{CLIENT_ID}:{SSO_SECRET}"
    cookie = console.client.get_cookie("vignettes")
    assert cookie is not None
    cookies = [cookie.value]
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("vignettes.db*"))
    for place in (*pages, *cookies, caplog.text):
        assert SSO_SECRET not in place
    assert SSO_SECRET.encode() not in stored
