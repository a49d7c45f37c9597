"""Which console account a verified single sign-on identity is, and making it so on the
person's first sign-on through the provider. In this order:

1. the account bound to the identity's `(issuer, subject)`: once bound, nothing else is
   looked at, so an email address changed at the provider leads nowhere new;
2. only when the provider vouches for the email address (`email_verified`, or Entra ID's
   `xms_edov`) and it is in an allowed domain:
   a. the account with that address, if it is not bound yet: it is bound now (an account
      bound to another subject is never taken over: that sign-in is refused);
   b. an invitation to that address that is unused, not replaced and not expired: the
      account is made with its role and library services, the invitation used, and bound;
   c. with `new_users = "contributor"`: a contributor account with no library service,
      bound, which waits for an admin to give it one;
3. otherwise nobody: the person is refused and told to ask an admin.

Everything here runs inside the caller's transaction; `sign_in_with_provider` (sso.py)
finds first, checks throttling and disabled accounts, then settles in one write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from scheduler.config.sso import SsoConfig
from scheduler.operations.accounts.users import AccountError, normalise_email, normalise_name
from vignettes.store import accounts as q
from vignettes.store.account_models import User
from vignettes.store.directory import set_user_services
from vignettes.store.invitations import open_invitation_for
from vignettes.store.pipeline_models import Invitation
from vignettes.store.queries import audit

NEW_ROLE = "contributor"


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


@dataclass(frozen=True)
class Found:
    """What an identity leads to: an existing account (bound already, or to bind), an
    invitation to accept, a contributor account to make, or nothing (all empty)."""

    user: User | None = None
    invitation: Invitation | None = None
    new_contributor: bool = False
    email: str = ""

    @property
    def anyone(self) -> bool:
        return self.user is not None or self.invitation is not None or self.new_contributor

    @property
    def kind(self) -> str:
        if self.user is not None:
            return f"account {self.user.id}"
        if self.invitation is not None:
            return f"invitation {self.invitation.id}"
        return "new contributor" if self.new_contributor else "nobody"


def vouched_email(identity: Identity, sso: SsoConfig) -> str:
    """The identity's email address when the provider vouches for it and its domain is
    allowed, as accounts store addresses (lower case); "" otherwise."""
    if not (identity.email and identity.email_verified and sso.allows_domain(identity.email)):
        return ""
    try:
        return normalise_email(identity.email)
    except AccountError:
        return ""


def find(session: Session, identity: Identity, sso: SsoConfig, now: dt.datetime) -> Found:
    """Who `identity` is, by the rules above (nothing is changed)."""
    bound = q.user_by_identity(session, identity.issuer, identity.subject)
    if bound is not None:
        return Found(user=bound)
    email = vouched_email(identity, sso)
    if not email:
        return Found()
    by_email = q.find_user_by_email(session, email)
    if by_email is not None:
        # Bound to someone else at the provider: only that subject ever signs in as it.
        return Found(user=by_email if by_email.sso_subject is None else None, email=email)
    invitation = open_invitation_for(session, email, now)
    if invitation is not None:
        return Found(invitation=invitation, email=email)
    return Found(new_contributor=sso.new_users == NEW_ROLE, email=email)


def settle(
    session: Session,
    identity: Identity,
    found: Found,
    *,
    unusable_password_hash: str,
    now: dt.datetime,
    address: str,
) -> User:
    """The account `found` names, made if need be and bound to `identity`, each step
    audited. `unusable_password_hash` is for a new account: a hash of a password nobody
    knows (an admin may set a real one later)."""
    if found.user is not None:
        user = found.user
    elif found.invitation is not None:
        invitation = found.invitation
        user = _new_account(session, found.email, invitation.role, unusable_password_hash, now)
        set_user_services(session, user, invitation.service_ids)
        invitation.used_at, invitation.user_id = now, user.id
        audit(session, at=now, actor=user.name, via="web", action="user.accept-invitation",
              user=user.name, role=invitation.role, invited_by=invitation.invited_by,
              method="sso", address=address)  # fmt: skip
    elif found.new_contributor:
        user = _new_account(session, found.email, NEW_ROLE, unusable_password_hash, now)
        # No library service: the account sees only "waiting for an admin" until given one.
        audit(session, at=now, actor=user.name, via="web", action="user.sso-new-contributor",
              user=user.name, role=NEW_ROLE, email=found.email, address=address)  # fmt: skip
    else:
        raise ValueError("settle() needs someone: find() found nobody")
    if user.sso_subject is None:
        user.sso_issuer, user.sso_subject = identity.issuer, identity.subject
        user.updated_at = now
        audit(session, at=now, actor=user.name, via="web", action="user.sso-bind",
              user=user.name, address=address)  # fmt: skip
    return user


def _new_account(
    session: Session, email: str, role: str, password_hash: str, now: dt.datetime
) -> User:
    return q.add_user(
        session,
        name=free_name(session, email),
        role=role,
        password_hash=password_hash,
        now=now,
        email=email,
    )


def free_name(session: Session, email: str) -> str:
    """A user name for an account made from `email`: its local part when no account has
    that name (as the invitation page suggests), else the whole address, else the local
    part numbered."""
    local = email.partition("@")[0]
    base = "".join(c for c in local if c.isalnum() or c in "._-").lstrip("._-")[:60] or "user"
    candidates = (base, email, *(f"{base}-{n}" for n in range(2, 1000)))
    for candidate in candidates:
        try:
            name = normalise_name(candidate)
        except AccountError:
            continue
        if q.find_user(session, name) is None:
            return name
    raise AccountError(f"no free user name for {email}")  # a thousand namesakes: never
