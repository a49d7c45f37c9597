"""Managing console accounts: add, list, set a role, disable, enable, reset a password, and
the first admin of a new installation. Signing in is `signin.py`.

Each function takes the acting `Actor`, checks it may manage users (the CLI always may),
and audits every change with the interface it came through. Nothing here returns or logs
a password or a hash.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from scheduler.errors import SchedulerError
from scheduler.operations.accounts.passwords import (
    check_new_password,
    hash_password,
    one_time_password,
)
from scheduler.operations.accounts.permissions import ROLES, Permission, is_role, require
from scheduler.operations.accounts.sessions import end_sessions
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from vignettes.store import accounts as q
from vignettes.store.account_models import SUBMISSION_EMAILS, User
from vignettes.store.accounts import AccountExists
from vignettes.store.accounts import UserRow as UserRow  # the read model views show
from vignettes.store.directory import get_service, set_user_services
from vignettes.store.queries import audit

_NAME = re.compile(r"[a-z0-9][a-z0-9._@+-]{0,63}")
# Enough to catch a typo (the mail server is the judge): local@domain.tld, one line.
_EMAIL = re.compile(
    r"[^@\s<>\"',;:()\[\]]{1,64}@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
)


class AccountError(SchedulerError):
    """An account request that cannot be done; the message says why."""


def normalise_name(text: str) -> str:
    """A user name as stored (lower case); raises AccountError for anything else."""
    name = text.strip().lower()
    if not _NAME.fullmatch(name):
        raise AccountError(
            f"{text[:80]!r} is not a user name: use 1 to 64 letters, digits and . _ @ + -, "
            "starting with a letter or digit"
        )
    return name


def normalise_email(text: str) -> str:
    """An email address as stored (trimmed, lower case); raises AccountError."""
    email = text.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email) or not email.isascii():
        raise AccountError(f"{text[:80]!r} is not an email address like name@nhs.net")
    return email


def _service_ids(session: Session, names: Sequence[str]) -> list[int]:
    """The ids of the library services `names`; raises NotFound (with a did-you-mean)."""
    return [get_service(session, name).id for name in names]


def check_role(text: str) -> str:
    """`text` if it names a role; raises AccountError."""
    if not is_role(text):
        raise AccountError(f"{text[:40]!r} is not a role: use one of {', '.join(ROLES)}")
    return text


def add_user(
    ws: Workspace,
    actor: Actor,
    name: str,
    role: str,
    password: str,
    *,
    email: str,
    services: Sequence[str] = (),
    must_change_password: bool = False,
) -> UserRow:
    """Create an account with its email address (required, unique) and library services
    (a contributor needs at least one to see anything). Raises AccountError,
    PasswordRejected, AccountExists, NotFound (a service not in the directory)."""
    require(actor, Permission.MANAGE_USERS)
    name, role = normalise_name(name), check_role(role)
    address = normalise_email(email)
    check_new_password(password, name)
    hashed = hash_password(password)
    now = ws.now()
    with ws.store.write() as session:
        ids = _service_ids(session, services)
        user = q.add_user(
            session,
            name=name,
            role=role,
            password_hash=hashed,
            now=now,
            email=address,
            must_change_password=must_change_password,
        )
        set_user_services(session, user, ids)
        _audit(session, actor, now, "user.add", name, role=role, services=list(services))
        return q.user_row(session, user)


def set_email(ws: Workspace, actor: Actor, name: str, email: str) -> UserRow:
    """Give an account a (new) email address; raises AccountError, AccountExists, NotFound."""
    require(actor, Permission.MANAGE_USERS)
    name, address = normalise_name(name), normalise_email(email)
    now = ws.now()
    with ws.store.write() as session:
        user = q.get_user(session, name)
        other = q.find_user_by_email(session, address)
        if other is not None and other.id != user.id:
            raise AccountExists(other.name, email=address)
        if user.email != address:
            old, user.email, user.updated_at = user.email, address, now
            _audit(session, actor, now, "user.set-email", name, old=old, new=address)
        return q.user_row(session, user)


def set_services(ws: Workspace, actor: Actor, name: str, services: Sequence[str]) -> UserRow:
    """The library services an account belongs to, from now on (a contributor sees
    theirs; a reviewer never reviews theirs). Raises NotFound."""
    require(actor, Permission.MANAGE_USERS)
    name = normalise_name(name)
    now = ws.now()
    with ws.store.write() as session:
        user = q.get_user(session, name)
        set_user_services(session, user, _service_ids(session, services))
        user.updated_at = now
        _audit(session, actor, now, "user.set-services", name, services=list(services))
        return q.user_row(session, user)


def own_account(ws: Workspace, actor: Actor) -> UserRow:
    """What the person acting may see of their own account. Raises NotFound (an actor
    without an account)."""
    with ws.store.read() as session:
        return q.user_row(session, q.get_user(session, actor.name))


def set_submission_emails(ws: Workspace, actor: Actor, choice: str) -> UserRow:
    """A person's own choice of how new submissions reach them: `immediate` or `daily`."""
    if choice not in SUBMISSION_EMAILS:
        raise AccountError(f"{choice[:40]!r} is not one of {', '.join(SUBMISSION_EMAILS)}")
    now = ws.now()
    with ws.store.write() as session:
        user = q.get_user(session, actor.name)
        if user.submission_emails != choice:
            user.submission_emails, user.updated_at = choice, now
            _audit(session, actor, now, "user.submission-emails", actor.name, choice=choice)
        return q.user_row(session, user)


def any_users(ws: Workspace) -> bool:
    """Whether any account exists (so `vignettes web` can say how to make the first)."""
    with ws.store.read() as session:
        return q.count_users(session) > 0


def is_last_admin(user: UserRow, users: list[UserRow]) -> bool:
    """Whether `user` is the only active admin, whom nobody may demote or disable (or
    nobody could manage users): a screen offers neither."""
    active = [u.name for u in users if u.role == "admin" and not u.disabled]
    return active == [user.name]


def list_users(ws: Workspace, actor: Actor) -> list[UserRow]:
    require(actor, Permission.MANAGE_USERS)
    with ws.store.read() as session:
        return q.list_users(session)


def set_role(ws: Workspace, actor: Actor, name: str, role: str) -> UserRow:
    """Change an account's role, ending its sessions (the person signs in again with the
    new role); raises AccountError, NotFound."""
    require(actor, Permission.MANAGE_USERS)
    name, role = normalise_name(name), check_role(role)
    now = ws.now()
    with ws.store.write() as session:
        user = q.get_user(session, name)
        if user.role != role:
            _keep_an_admin(session, user, becoming=role)
            old, user.role, user.updated_at = user.role, role, now
            end_sessions(session, user, now, "role changed")
            _audit(session, actor, now, "user.set-role", name, old=old, new=role)
        return q.user_row(session, user)


def disable_user(ws: Workspace, actor: Actor, name: str) -> UserRow:
    """Stop an account signing in, end its sessions and its calendar feed address (enabling
    it again brings back neither); raises AccountError, NotFound."""
    require(actor, Permission.MANAGE_USERS)
    name = normalise_name(name)
    now = ws.now()
    with ws.store.write() as session:
        user = q.get_user(session, name)
        if user.disabled_at is None:
            _keep_an_admin(session, user, becoming="disabled")
            user.disabled_at = user.updated_at = now
            user.session_epoch += 1
            user.calendar_token_hash = None
            end_sessions(session, user, now, "disabled")
            _audit(session, actor, now, "user.disable", name)
        return q.user_row(session, user)


def enable_user(ws: Workspace, actor: Actor, name: str) -> UserRow:
    """Let a disabled account sign in again; raises AccountError, NotFound."""
    require(actor, Permission.MANAGE_USERS)
    name = normalise_name(name)
    now = ws.now()
    with ws.store.write() as session:
        user = q.get_user(session, name)
        if user.disabled_at is not None:
            user.disabled_at, user.updated_at = None, now
            _audit(session, actor, now, "user.enable", name)
        return q.user_row(session, user)


def reset_password(
    ws: Workspace, actor: Actor, name: str, password: str, *, must_change_password: bool = False
) -> UserRow:
    """Give an account a new password, ending its sessions and its calendar feed address
    (someone may have reset it because the account was misused); raises AccountError,
    PasswordRejected, NotFound."""
    require(actor, Permission.MANAGE_USERS)
    name = normalise_name(name)
    check_new_password(password, name)
    hashed = hash_password(password)
    now = ws.now()
    with ws.store.write() as session:
        user = q.get_user(session, name)
        set_password(session, user, hashed, now, must_change=must_change_password)
        user.calendar_token_hash = None
        _audit(session, actor, now, "user.reset-password", name)
        return q.user_row(session, user)


def first_admin(ws: Workspace, actor: Actor, name: str = "admin") -> str | None:
    """When there is no account at all, create the admin `name` with a one-time password
    that must be changed at the first sign-in, and return it (to be shown once); when any
    account exists, None."""
    with ws.store.read() as session:
        if q.count_users(session):
            return None
    password = one_time_password()
    hashed = hash_password(password)
    now = ws.now()
    with ws.store.write() as session:
        if q.count_users(session):  # someone else was quicker
            return None
        q.add_user(
            session,
            name=name,
            role="admin",
            password_hash=hashed,
            now=now,
            must_change_password=True,
        )
        _audit(session, actor, now, "user.add", name, role="admin", one_time_password=True)
    return password


def set_password(
    session: Session,
    user: User,
    hashed: str,
    now: dt.datetime,
    *,
    must_change: bool,
    because: str = "password reset",
) -> None:
    """Store a new hash and end every session of the account."""
    user.password_hash = hashed
    user.must_change_password = must_change
    user.password_changed_at = user.updated_at = now
    user.session_epoch += 1
    end_sessions(session, user, now, because)


def _keep_an_admin(session: Session, user: User, *, becoming: str) -> None:
    if user.role != "admin" or user.disabled_at is not None or becoming == "admin":
        return
    if q.count_active_admins(session) <= 1:
        raise AccountError(
            f"{user.name} is the only admin: make another user admin first, or nobody could "
            "manage users"
        )


def _audit(
    session: Session, actor: Actor, now: dt.datetime, action: str, name: str, **detail: Any
) -> None:
    audit(session, at=now, actor=actor.name, via=actor.via, action=action, user=name, **detail)
