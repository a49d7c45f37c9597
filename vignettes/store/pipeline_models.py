"""The tables of the way from submission to showcase (migration 0010): the directory of
library services and who belongs to which, peer reviews against the five criteria, the
comment thread of a case study, the email outbox and invitations.

Names of people are kept as they were when they acted (like `audit_events.actor`), beside
the account's id where there is one, so the history reads the same after a rename.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vignettes.states import DECISION_VALUES, STATE_LENGTH
from vignettes.store.account_models import ROLES
from vignettes.store.models import Base, CaseStudy, UTCDateTime, one_of


class LibraryService(Base):
    """One NHS knowledge and library service: its name (unique, as case studies say it),
    the organisations it serves and its region."""

    __tablename__ = "library_services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    region: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


# Which library services an account belongs to: a contributor sees only theirs, and a
# reviewer never reviews theirs.
user_services = Table(
    "user_services",
    Base.metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("service_id", ForeignKey("library_services.id"), primary_key=True, index=True),
)


class Review(Base):
    """One peer review of a submitted case study: each criterion met or not (with an
    optional note), the decision, the message to the contributor, and the state it left
    the case study in. `content_hash` is what was reviewed."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(one_of("decision", DECISION_VALUES), name="ck_reviews_decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_study_id: Mapped[int] = mapped_column(ForeignKey("case_studies.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    by: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    via: Mapped[str] = mapped_column(String(8))
    met_1: Mapped[bool] = mapped_column(Boolean)
    met_2: Mapped[bool] = mapped_column(Boolean)
    met_3: Mapped[bool] = mapped_column(Boolean)
    met_4: Mapped[bool] = mapped_column(Boolean)
    met_5: Mapped[bool] = mapped_column(Boolean)
    # The reviewer's note on each criterion, "" for none: {"1": "…", …}.
    notes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    decision: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(STATE_LENGTH))
    content_hash: Mapped[str] = mapped_column(String(80))

    case_study: Mapped[CaseStudy] = relationship()

    def met(self) -> frozenset[int]:
        flags = (self.met_1, self.met_2, self.met_3, self.met_4, self.met_5)
        return frozenset(n for n, flag in enumerate(flags, start=1) if flag)


class Comment(Base):
    """One message in a case study's thread between its contributors and reviewers
    (plain text, untrusted like every field)."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_study_id: Mapped[int] = mapped_column(ForeignKey("case_studies.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    by: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    via: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)


EMAIL_STATES = ("pending", "sending", "sent", "failed", "unknown")


class EmailMessage(Base):
    """One email waiting in (or gone from) the outbox. `key` names the event and the
    person (UNIQUE: at most one email per event and person, whoever enqueues it twice).
    It is claimed `pending → sending` in a committed transaction before the SMTP call;
    `unknown` is a send whose outcome nobody can know (the server went quiet after the
    message was handed over), never repeated automatically. A daily digest is one row per
    person and day that collects lines until `not_before`."""

    __tablename__ = "email_outbox"
    __table_args__ = (CheckConstraint(one_of("state", EMAIL_STATES), name="ck_email_state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sending_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Invitation(Base):
    """An admin's invitation to an email address, with a role and library services. Only
    a SHA-256 of its one-time token is kept; it is used once (`used_at`) or expires."""

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="ck_invitations_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # Ids of `library_services`, which are never deleted.
    service_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
