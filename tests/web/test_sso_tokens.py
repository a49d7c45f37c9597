"""What the console refuses at the callback, whoever forged it: ID tokens the test signs
itself (another issuer, another audience, expired, another key), a tampered `state`, a code
used twice. Each ends on a page that says to start again, signs nobody in, and counts as a
failed attempt."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from joserfc.jwk import RSAKey

from scheduler.web.frontend import Frontend
from tests.sso_provider import Claims, Provider, another_key, sign
from tests.web.conftest import Console
from tests.web.sso_flow import bind, callback, sign_in_through, sso_console, start
from vignettes.store.account_models import SignInFailure

COULD_NOT_VERIFY = "answer could not be verified"


@pytest.fixture
def console(
    tmp_path: Path, frontend: Frontend, sso_provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Console]:
    made = sso_console(tmp_path, frontend, sso_provider, monkeypatch)
    made.add_user("priya", "admin")
    bind(made, "priya", sso_provider, "priya")
    yield made
    made.ws.close()


def refused_with(console: Console, provider: Provider, change: dict[str, object]) -> str:
    """Sign in as Priya while the provider's token answer carries `change`d claims, signed
    with the provider's own key; returns the page, after checking nobody got in."""

    def signer(claims: Claims, key: RSAKey, kid: str) -> str:
        return sign({**claims, **change}, key, kid)

    provider.next_id_token = signer
    page = sign_in_through(console, provider, "priya")
    assert page.status_code == 400
    assert console.get("/").status_code == 302
    return page.text


def failures(console: Console) -> int:
    with console.ws.store.read() as session:
        return session.query(SignInFailure).count()


def test_the_provider_key_re_signing_unchanged_claims_still_signs_in(
    console: Console, sso_provider: Provider
) -> None:
    # The control for the tests below: re-signing alone changes nothing.
    sso_provider.next_id_token = sign
    assert sign_in_through(console, sso_provider, "priya").location == "/"


def test_a_token_from_another_issuer_is_refused(console: Console, sso_provider: Provider) -> None:
    page = refused_with(console, sso_provider, {"iss": "https://login.example.org/other"})
    assert COULD_NOT_VERIFY in page
    assert failures(console) == 1


def test_a_token_for_another_application_is_refused(
    console: Console, sso_provider: Provider
) -> None:
    assert COULD_NOT_VERIFY in refused_with(console, sso_provider, {"aud": "another-app"})


def test_an_expired_token_is_refused(console: Console, sso_provider: Provider) -> None:
    now = int(time.time())
    page = refused_with(console, sso_provider, {"iat": now - 7200, "exp": now - 3600})
    assert COULD_NOT_VERIFY in page


def test_a_token_for_another_sign_in_is_refused(console: Console, sso_provider: Provider) -> None:
    assert COULD_NOT_VERIFY in refused_with(console, sso_provider, {"nonce": "another-nonce"})


def test_a_token_signed_by_another_key_is_refused(console: Console, sso_provider: Provider) -> None:
    forger = another_key()
    sso_provider.next_id_token = lambda claims, _key, kid: sign(claims, forger, kid)
    page = sign_in_through(console, sso_provider, "priya")
    assert page.status_code == 400 and COULD_NOT_VERIFY in page.text
    assert console.get("/").status_code == 302


def test_a_tampered_state_is_refused(console: Console, sso_provider: Provider) -> None:
    back = sso_provider.authorize(start(console), "priya")
    page = callback(console, back.replace("state=", "state=x"))
    assert page.status_code == 400
    assert "was not started from this browser, or has already been used" in page.text
    assert console.get("/").status_code == 302
    assert failures(console) == 1


def test_a_code_is_used_once_only(console: Console, sso_provider: Provider) -> None:
    back = sso_provider.authorize(start(console), "priya")
    assert callback(console, back).location == "/"
    console.sign_out()
    assert callback(console, back).status_code == 400  # the same answer again: its state is spent
    used_code = back.split("code=", 1)[1].split("&", 1)[0]
    fresh = sso_provider.authorize(start(console), "priya")  # a new sign-in, its own state
    page = callback(console, fresh.replace(fresh.split("code=", 1)[1].split("&", 1)[0], used_code))
    assert page.status_code == 400 and "refused the sign-in" in page.text
    assert console.get("/").status_code == 302


def test_a_cancelled_sign_in_at_the_provider_says_so(
    console: Console, sso_provider: Provider
) -> None:
    import requests

    denied = requests.post(
        start(console), data={"action": "deny"}, allow_redirects=False, timeout=10
    )
    page = callback(console, denied.headers["Location"])
    assert page.status_code == 400 and "cancelled" in page.text
