"""Signing in through the organisation's OpenID Connect provider (`[web.sso]`): who the
verified ID token names, which account that is, and whether it may sign in now.

The web interface runs the protocol (Authlib checks the token's signature, issuer,
audience, expiry and nonce) and hands over the `Identity` it names. From there the rules
are those of a password sign-in, in one place:

- an account is found by the provider's `(issuer, subject)` alone once bound; on the
  person's first single sign-on, when the provider vouches for an email address in an
  allowed domain, the account or invitation with that address is bound, or with
  `new_users = "contributor"` a waiting contributor account is made (`sso_accounts`); an
  email changed at the provider later can never lead to another account;
- someone the console does not know is refused (ask an admin);
- a disabled account is refused; the callback counts as a sign-in attempt for throttling,
  so a refused or failed one counts as a failure for the address and, when known, the
  account; a successful one is audited as `user.sign-in` with `method = "sso"`.
"""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError

from scheduler.config.sso import SsoConfig
from scheduler.credentials.secrets import load_secrets
from scheduler.errors import ConfigError
from scheduler.operations.accounts import sso_accounts as accounts
from scheduler.operations.accounts.passwords import hash_password
from scheduler.operations.accounts.sessions import SessionUser, start_session
from scheduler.operations.accounts.signin import (
    SignInRefused,
    SignInThrottled,
    record_failed,
    throttle_wait,
)
from scheduler.operations.accounts.sso_accounts import Identity as Identity  # the views use it
from scheduler.operations.context import Workspace
from vignettes.store.queries import audit

ASK_AN_ADMIN = (
    "There is no account for you in the console yet. Ask an admin to add you, with the "
    "email address you use to sign in, and then sign in again."
)
DISABLED = "This account has been disabled. Ask an admin to enable it."
AGAIN = "Your account changed while you were signing in. Sign in again."
SECRET_KEY = "VIGNETTES_SSO_CLIENT_SECRET"


def client_secret() -> str:
    """The console's client secret at the provider, from the environment or the secrets
    file; raises ConfigError when it is missing (or the secrets file is unsafe)."""
    secret = load_secrets().sso_client_secret
    if not secret:
        raise ConfigError(
            SECRET_KEY,
            [
                "is not set: [web.sso] needs the client secret the provider gave, in the "
                "environment or the 0600 secrets file (never config.toml)"
            ],
        )
    return secret


class SsoRefused(SignInRefused):
    """The provider signed the person in, but the console will not; the message is fit
    for the page, `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 403) -> None:
        self.status = status
        super().__init__(message)


# Callbacks that failed before anyone was known are recorded under this name; only their
# address is ever checked (a name limit here would let anyone lock everyone out).
CALLBACK_KEY = "unknown:sso-callback"


def policy(ws: Workspace) -> SsoConfig:
    """The `[web.sso]` settings; raises SsoRefused when single sign-on is off."""
    sso = ws.config.web.sso
    if sso is None:
        raise SsoRefused("Single sign-on is not set up for this console.", 404)
    return sso


def check_callback(ws: Workspace, address: str) -> None:
    """Before the code is exchanged: raises SignInThrottled when `address` has failed too
    often (the callback is a sign-in attempt like a password POST)."""
    now = ws.now()
    with ws.store.read() as session:
        wait = throttle_wait(session, None, None, address or "unknown", now)
    if wait is not None:
        raise SignInThrottled(wait)


def callback_failed(ws: Workspace, address: str, why: str) -> None:
    """Count a callback that went wrong before anyone was known (a tampered or replayed
    state, a code the provider refused, a token the library rejected)."""
    record_failed(ws, CALLBACK_KEY, address or "unknown", ws.now(), why)


def sign_in_with_provider(ws: Workspace, identity: Identity, address: str) -> SessionUser:
    """The account `identity` signs in as, bound, made from an invitation or made as a
    waiting contributor on a first sign-on (`sso_accounts`). Raises SignInThrottled,
    SsoRefused (unknown person, disabled account, an identity the settings do not accept)."""
    sso = policy(ws)
    address = address or "unknown"
    now = ws.now()
    if identity.issuer != sso.issuer or not identity.subject:
        callback_failed(ws, address, f"an ID token from {identity.issuer!r}")
        raise SsoRefused("The sign-in came from a provider this console does not use.", 400)
    with ws.store.read() as session:
        found = accounts.find(session, identity, sso, now)
        user = found.user
        key = user.name if user is not None else identity.failure_key()
        wait = throttle_wait(session, key, user, address, now)
    if wait is not None:
        raise SignInThrottled(wait)
    if not found.anyone:
        record_failed(ws, key, address, now, "no account for this single sign-on identity")
        raise SsoRefused(ASK_AN_ADMIN)
    if user is not None and user.disabled_at is not None:
        record_failed(ws, key, address, now, "the account is disabled")
        raise SsoRefused(DISABLED)
    # Outside any transaction, like a password check: argon2 takes a noticeable time.
    unusable = hash_password(secrets.token_urlsafe(32)) if user is None else ""
    try:
        with ws.store.write() as session:
            again = accounts.find(session, identity, sso, now)
            if again.kind != found.kind:
                raise _Changed
            user = accounts.settle(session, identity, again, unusable_password_hash=unusable,
                                   now=now, address=address)  # fmt: skip
            user.last_sign_in_at = now
            audit(session, at=now, actor=user.name, via="web", action="user.sign-in",
                  address=address, method="sso")  # fmt: skip
            session.flush()  # the services a new account was given are read back
            return start_session(session, user, now)
    except (_Changed, IntegrityError):
        # Someone else's sign-in, or an admin, changed these accounts meanwhile (on
        # PostgreSQL two first sign-ins of one person can race to make the account).
        raise SsoRefused(AGAIN, 409) from None


class _Changed(Exception):
    """What the identity leads to changed between finding it and settling it."""
