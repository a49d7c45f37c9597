"""The console's accounts (migration 0005 onwards): people with a role, their refused
sign-ins (what throttling counts) and their server-side sessions (migration 0008).

Timestamps use `UTCDateTime` like every table (`models`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vignettes.store.models import Base, UTCDateTime, one_of

# `contributor` (library staff) stands apart from the others, which are cumulative.
ROLES = ("contributor", "viewer", "editor", "reviewer", "approver", "admin")
# How a reviewer hears of new submissions: one email each, or one a day listing them.
SUBMISSION_EMAILS = ("immediate", "daily")


class User(Base):
    """A console account. Only an argon2id hash of the password is kept, and only a SHA-256
    of the calendar token. `session_epoch` grows whenever the password is reset or the
    account disabled; sessions are kept as rows of their own (`ConsoleSession`) since
    revision 0008, and it is no longer read. `sso_issuer` and `sso_subject` are the OpenID
    Connect provider's name for the person, bound on their first single sign-on: from then
    on only that pair, never an email, finds the account."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="ck_users_role"),
        CheckConstraint(
            one_of("submission_emails", SUBMISSION_EMAILS), name="ck_users_submission_emails"
        ),
        UniqueConstraint("sso_issuer", "sso_subject", name="uq_users_sso_identity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    # Lower case; required for every account made since the pipeline (migration 0010),
    # None for older ones until an admin adds it.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    submission_emails: Mapped[str] = mapped_column(String(16), default="immediate")
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sso_issuer: Mapped[str | None] = mapped_column(String(255))
    sso_subject: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SignInFailure(Base):
    """One refused sign-in: what throttling counts, per account name (as typed, made
    lower case) and per client address, over a recent window."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)


class ConsoleSession(Base):
    """One signed-in browser: the cookie holds a random token, the server only its SHA-256.
    A session ends (`ended_at`, `ended_because`) when its person signs out, their password
    is changed or reset, their account is disabled or their role changed, or when it has
    been idle or alive too long; an ended session never opens again, whoever holds a copy
    of the cookie. `seen_at` is the last request, recorded to the minute."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_because: Mapped[str] = mapped_column(String(40), default="")

    user: Mapped[User] = relationship(lazy="joined")
