"""Every query about console accounts and failed sign-ins.

Hashing, policy and permissions live above (`scheduler.operations.accounts.users`): this module
only stores and finds rows, inside the caller's `Store.read()` / `Store.write()` session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from vignettes.errors import NotFound, VignettesError
from vignettes.store.account_models import SignInFailure, User
from vignettes.store.directory import user_service_names


class AccountExists(VignettesError):
    def __init__(self, name: str, email: str | None = None) -> None:
        self.name = name
        self.email = email
        super().__init__(
            f"there is already an account with the email address {email}"
            if email
            else f"there is already a user called {name!r}"
        )


@dataclass(frozen=True)
class UserRow:
    """What may be shown of an account: never its password or calendar token hash."""

    name: str
    role: str
    disabled: bool
    must_change_password: bool
    has_calendar_token: bool
    created_at: dt.datetime
    last_sign_in_at: dt.datetime | None
    email: str | None = None
    services: tuple[str, ...] = ()
    submission_emails: str = "immediate"
    # Whether the account is bound to a single sign-on identity (never which one).
    single_sign_on: bool = False

    @classmethod
    def of(cls, user: User, services: tuple[str, ...] = ()) -> UserRow:
        return cls(
            name=user.name,
            role=user.role,
            disabled=user.disabled_at is not None,
            must_change_password=user.must_change_password,
            has_calendar_token=user.calendar_token_hash is not None,
            created_at=user.created_at,
            last_sign_in_at=user.last_sign_in_at,
            email=user.email,
            services=services,
            submission_emails=user.submission_emails,
            single_sign_on=user.sso_subject is not None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "email": self.email,
            "services": list(self.services),
            "submission_emails": self.submission_emails,
            "disabled": self.disabled,
            "must_change_password": self.must_change_password,
            "has_calendar_token": self.has_calendar_token,
            "created_at": self.created_at.isoformat(),
            "last_sign_in_at": self.last_sign_in_at.isoformat() if self.last_sign_in_at else None,
            "single_sign_on": self.single_sign_on,
        }


def find_user(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).first()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email)).first()


def user_row(session: Session, user: User) -> UserRow:
    """What may be shown of `user`, with its library services' names."""
    return UserRow.of(user, tuple(user_service_names(session, user.id)))


def get_user(session: Session, name: str) -> User:
    """The account called `name`; raises NotFound."""
    user = find_user(session, name)
    if user is None:
        raise NotFound("user", name)
    return user


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def user_by_identity(session: Session, issuer: str, subject: str) -> User | None:
    """The account bound to the provider `issuer`'s person `subject`, if any."""
    stmt = select(User).where(User.sso_issuer == issuer, User.sso_subject == subject)
    return session.scalars(stmt).first()


def user_by_calendar_hash(session: Session, token_hash: str) -> User | None:
    return session.scalars(select(User).where(User.calendar_token_hash == token_hash)).first()


def add_user(
    session: Session,
    *,
    name: str,
    role: str,
    password_hash: str,
    now: dt.datetime,
    email: str | None = None,
    **flags: Any,
) -> User:
    """A new account; raises AccountExists (for the name or the email address)."""
    if find_user(session, name) is not None:
        raise AccountExists(name)
    if email is not None and find_user_by_email(session, email) is not None:
        raise AccountExists(name, email=email)
    user = User(
        name=name,
        role=role,
        email=email,
        password_hash=password_hash,
        must_change_password=bool(flags.get("must_change_password", False)),
        session_epoch=0,
        password_changed_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[UserRow]:
    return [user_row(session, u) for u in session.scalars(select(User).order_by(User.name))]


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def count_active_admins(session: Session) -> int:
    stmt = select(func.count()).where(User.role == "admin", User.disabled_at.is_(None))
    return int(session.scalar(stmt.select_from(User)) or 0)


def record_failure(session: Session, *, name: str, address: str, at: dt.datetime) -> None:
    session.add(SignInFailure(at=at, name=name[:64], address=address[:64]))


def failures_for_name(session: Session, name: str, since: dt.datetime) -> list[dt.datetime]:
    """When sign-in as `name` failed since `since`, oldest first."""
    stmt = select(SignInFailure.at).where(SignInFailure.name == name, SignInFailure.at > since)
    return list(session.scalars(stmt.order_by(SignInFailure.at)))


def failures_from_address(session: Session, address: str, since: dt.datetime) -> list[dt.datetime]:
    """When sign-in from `address` failed since `since`, oldest first."""
    stmt = select(SignInFailure.at).where(
        SignInFailure.address == address, SignInFailure.at > since
    )
    return list(session.scalars(stmt.order_by(SignInFailure.at)))


def forget_failures_before(session: Session, before: dt.datetime) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.at < before))
