"""Signing in to the console: throttled password checks (a success starts a session:
`scheduler.operations.accounts.sessions`), a person changing their own password, and the per-user
calendar feed token.

Throttling: after `NAME_LIMIT` failures for one account name, or `ADDRESS_LIMIT` from one
client address, within `WINDOW`, attempts are refused without checking the password until
the oldest of those failures is `WINDOW` old. Every failure is recorded (name as typed, in
the account's name, or a hash of what was typed when no such account exists, since people
sometimes type a password into the name field; and the address); a successful sign-in
starts that account's count afresh. Refusals never say whether the name exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import secrets

from sqlalchemy.orm import Session

from scheduler.operations.accounts.passwords import (
    PasswordRejected,
    as_one_time,
    check_new_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from scheduler.operations.accounts.permissions import Permission, require
from scheduler.operations.accounts.sessions import SessionUser, start_session, token_hash
from scheduler.operations.accounts.users import AccountError, normalise_name, set_password
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from vignettes.store import accounts as q
from vignettes.store.account_models import User
from vignettes.store.queries import audit

log = logging.getLogger(__name__)

WINDOW = dt.timedelta(minutes=15)
NAME_LIMIT = 5
ADDRESS_LIMIT = 20
KEEP_FAILURES = dt.timedelta(days=30)
WRONG = "Enter a correct username and password"


class SignInRefused(AccountError):
    """Wrong name or password, or a disabled account; the message is fit for the page."""


class SignInThrottled(SignInRefused):
    """Too many recent failures for this account name or this address."""

    def __init__(self, wait: dt.timedelta) -> None:
        self.retry_after = max(1, math.ceil(wait.total_seconds()))
        self.minutes = math.ceil(self.retry_after / 60)
        unit = "minute" if self.minutes == 1 else "minutes"
        super().__init__(f"Too many failed sign-in attempts. Try again in {self.minutes} {unit}.")


def authenticate(ws: Workspace, name: str, password: str, address: str) -> SessionUser:
    """The account `name` if `password` is its password and it may sign in now; raises
    SignInThrottled, or SignInRefused (wrong name or password, disabled account, password
    sign-in turned off by `[web.sso] password_sign_in = false`)."""
    sso = ws.config.web.sso
    if sso is not None and not sso.password_sign_in:
        raise SignInRefused(f"Password sign-in is turned off. Use “{sso.label}” instead.")
    now = ws.now()
    key = name.strip().lower()[:64]
    address = address or "unknown"
    with ws.store.read() as session:
        user = q.find_user(session, key)
        if user is None:
            key = "unknown:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        wait = throttle_wait(session, key, user, address, now)
        if wait is not None:
            raise SignInThrottled(wait)
        stored = user.password_hash if user else None
        if user is not None and user.must_change_password:
            password = as_one_time(password)  # read aloud: "k7mq 4xtp…" is the same
    # Outside any transaction: argon2 takes a noticeable time and must not hold a lock.
    if not verify_password(stored, password) or user is None:
        record_failed(ws, key, address, now, "wrong name or password")
        raise SignInRefused(WRONG)
    if user.disabled_at is not None:
        record_failed(ws, key, address, now, "the account is disabled")
        raise SignInRefused("This account has been disabled. Ask an admin to enable it.")
    upgraded = hash_password(password) if needs_rehash(user.password_hash) else None
    with ws.store.write() as session:
        user = q.get_user(session, key)
        user.last_sign_in_at = now
        if upgraded:
            user.password_hash = upgraded
        audit(session, at=now, actor=user.name, via="web", action="user.sign-in", address=address)
        return start_session(session, user, now)


def throttle_wait(
    session: Session, name: str | None, user: User | None, address: str, now: dt.datetime
) -> dt.timedelta | None:
    """How long sign-in as `name` (None: any name) or from `address` is refused for, if
    it is."""
    since = now - WINDOW
    if user is not None and user.last_sign_in_at is not None:
        since = max(since, user.last_sign_in_at)
    counts = [(q.failures_from_address(session, address, now - WINDOW), ADDRESS_LIMIT)]
    if name is not None:
        counts.append((q.failures_for_name(session, name, since), NAME_LIMIT))
    waits = []
    for failures, limit in counts:
        if len(failures) >= limit:
            waits.append(failures[-limit] + WINDOW - now)
    wait = max(waits, default=None)
    return wait if wait is not None and wait > dt.timedelta(0) else None


def record_failed(ws: Workspace, name: str, address: str, now: dt.datetime, why: str) -> None:
    """Count one refused sign-in against `name` and `address`, and log why."""
    with ws.store.write() as session:
        q.record_failure(session, name=name, address=address, at=now)
        q.forget_failures_before(session, now - KEEP_FAILURES)
    who = "an unknown account name" if name.startswith("unknown:") else repr(name)
    log.warning("console sign-in refused for %s from %s: %s", who, address, why)


def change_own_password(ws: Workspace, me: SessionUser, current: str, new: str) -> SessionUser:
    """A signed-in person replaces their own password, which ends all their sessions;
    returns a new session to continue with. Raises SignInRefused (wrong current password),
    PasswordRejected."""
    with ws.store.read() as session:
        user = q.find_user(session, me.name)
        stored = user.password_hash if user else None
    if user is None or not verify_password(stored, current):
        raise SignInRefused("The current password is not right")
    check_new_password(new, user.name)
    if verify_password(stored, new):
        raise PasswordRejected("the new password must be different from the current one")
    hashed = hash_password(new)
    now = ws.now()
    with ws.store.write() as session:
        user = q.get_user(session, user.name)
        set_password(session, user, hashed, now, must_change=False, because="password changed")
        audit(
            session,
            at=now,
            actor=user.name,
            via="web",
            action="user.change-password",
            user=user.name,
        )
        return start_session(session, user, now)


def reset_calendar_token(ws: Workspace, actor: Actor, name: str) -> str:
    """A new secret for `name`'s calendar feed URL (the old one stops working). Returned
    once, never stored: only its hash is. A person may reset their own; admins anyone's.
    Raises PermissionDenied, NotFound."""
    name = normalise_name(name)
    if actor.name != name or actor.role is None:
        require(actor, Permission.MANAGE_USERS)
    token = secrets.token_urlsafe(32)
    now = ws.now()
    with ws.store.write() as session:
        user = q.get_user(session, name)
        user.calendar_token_hash, user.updated_at = token_hash(token), now
        audit(
            session,
            at=now,
            actor=actor.name,
            via=actor.via,
            action="user.calendar-token",
            user=name,
        )
    return token


def calendar_owner(ws: Workspace, token: str) -> SessionUser | None:
    """Whose calendar feed `token` opens, if that account is enabled; else None."""
    if not token or len(token) > 100:
        return None
    with ws.store.read() as session:
        user = q.user_by_calendar_hash(session, token_hash(token))
        if user is None or user.disabled_at is not None:
            return None
        return SessionUser(user.name, user.role, "", user.must_change_password)
