"""Signing in through the organisation's OpenID Connect provider (`[web.sso]`): who the
verified ID token names, which account that is, and whether it may sign in now.

The web interface runs the protocol (Authlib checks the token's signature, issuer,
audience, expiry and nonce) and hands over the `Identity` it names. From there the rules
are those of a password sign-in, in one place:

- an account is found by the provider's `(issuer, subject)` alone once bound; it is bound
  on the person's first single sign-on when the provider vouches for an email address (in
  an allowed domain) that an account has, and an email changed at the provider later can
  never lead to another account;
- someone the console does not know is refused (ask an admin);
- a disabled account is refused; the callback counts as a sign-in attempt for throttling,
  so a refused or failed one counts as a failure for the address and, when known, the
  account; a successful one is audited as `user.sign-in` with `method = "sso"`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from scheduler.config.sso import SsoConfig
from scheduler.credentials.secrets import load_secrets
from scheduler.errors import ConfigError
from scheduler.operations.accounts.signin import (
    SessionUser,
    SignInRefused,
    SignInThrottled,
    record_failed,
    throttle_wait,
)
from scheduler.operations.context import Workspace
from vignettes.store import accounts as q
from vignettes.store.models import User
from vignettes.store.queries import audit

ASK_AN_ADMIN = (
    "There is no account for you in the console yet. Ask an admin to add you, with the "
    "email address you use to sign in, and then sign in again."
)
DISABLED = "This account has been disabled. Ask an admin to enable it."
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


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, read from an ID token the library has verified.
    `email_verified` is the provider vouching for `email` (OpenID's `email_verified`, or
    Entra ID's `xms_edov`: the email's domain is one the tenant has verified)."""

    issuer: str
    subject: str
    email: str = ""
    email_verified: bool = False
    name: str = ""

    @classmethod
    def from_claims(cls, claims: dict[str, object]) -> Identity:
        """From the ID token's claims (the library has checked the token itself)."""

        def text(key: str) -> str:
            value = claims.get(key)
            return value.strip() if isinstance(value, str) else ""

        def yes(key: str) -> bool:
            value = claims.get(key)
            return value is True or (isinstance(value, str) and value.lower() == "true")

        return cls(
            issuer=text("iss"),
            subject=text("sub"),
            email=text("email").lower(),
            email_verified=yes("email_verified") or yes("xms_edov"),
            name=text("name"),
        )

    def failure_key(self) -> str:
        """What throttling counts an unknown person's failures under (never their email)."""
        digest = hashlib.sha256(f"{self.issuer} {self.subject}".encode()).hexdigest()
        return "unknown:sso:" + digest[:32]


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
    """The account `identity` signs in as. Raises SignInThrottled, SsoRefused (unknown
    person, disabled account, an identity the settings do not accept)."""
    sso = policy(ws)
    address = address or "unknown"
    now = ws.now()
    if identity.issuer != sso.issuer or not identity.subject:
        callback_failed(ws, address, f"an ID token from {identity.issuer!r}")
        raise SsoRefused("The sign-in came from a provider this console does not use.", 400)
    with ws.store.read() as session:
        user = _account_for(session, identity, sso)
        key = user.name if user is not None else identity.failure_key()
        wait = throttle_wait(session, key, user, address, now)
    if wait is not None:
        raise SignInThrottled(wait)
    if user is None:
        record_failed(ws, key, address, now, "no account for this single sign-on identity")
        raise SsoRefused(ASK_AN_ADMIN)
    if user.disabled_at is not None:
        record_failed(ws, key, address, now, "the account is disabled")
        raise SsoRefused(DISABLED)
    with ws.store.write() as session:
        user = q.get_user(session, user.name)
        if user.sso_subject is None:
            _bind(session, user, identity, now, address)
        user.last_sign_in_at = now
        audit(
            session,
            at=now,
            actor=user.name,
            via="web",
            action="user.sign-in",
            address=address,
            method="sso",
        )
        return SessionUser.of(user)


def _account_for(session: Session, identity: Identity, sso: SsoConfig) -> User | None:
    """The account bound to the identity, else the unbound account its verified email
    names (in an allowed domain), else None."""
    bound = q.user_by_identity(session, identity.issuer, identity.subject)
    if bound is not None:
        return bound
    if not (identity.email and identity.email_verified and sso.allows_domain(identity.email)):
        return None
    by_email = _account_with_email(session, identity.email)
    if by_email is None or by_email.sso_subject is not None:
        # Bound to someone else at the provider: only that subject signs in as it.
        return None
    return by_email


def _account_with_email(session: Session, email: str) -> User | None:
    # Accounts have no email address yet (the pipeline's data model adds one): until then
    # no account can be found, and so bound, by email.
    return None


def _bind(session: Session, user: User, identity: Identity, now: dt.datetime, address: str) -> None:
    user.sso_issuer, user.sso_subject = identity.issuer, identity.subject
    audit(
        session,
        at=now,
        actor=user.name,
        via="web",
        action="user.sso-bind",
        user=user.name,
        address=address,
    )
