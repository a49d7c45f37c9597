"""SQLAlchemy 2.x models: case studies, approvals, the audit trail, monthly slots, posts,
engagement (console accounts are in `account_models`, the review pipeline's tables in
`pipeline_models`).

Each table after the first four is added by its own migration. Timestamps use
`UTCDateTime`: SQLite drops time zones, so every value is stored as naive UTC and handed
back aware.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    MappedColumn,
    mapped_column,
    relationship,
)

from vignettes.content import SPECS, CaseStudyContent
from vignettes.fields import SPEC, FieldSpec
from vignettes.states import (
    APPROVED_STATES,
    STATE_LENGTH,
    STATE_VALUES,
    PostState,
    SlotState,
    SnapshotState,
)


class UTCDateTime(TypeDecorator[dt.datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware UTC time")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    pass


STATUSES = STATE_VALUES


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's SQL: `column` holds one of `values` (plain identifiers only)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# What the impact dashboard groups and sums, in two indexes (migration 0012) so that its
# aggregates read indexes alone, never the case studies' long texts: one in the order it
# groups by (SQLite then groups as it reads, without sorting; PostgreSQL cannot index a
# `json` column, so its index leaves the categories out), one by status and submission
# time (each quarter of each status is then one range of it).
IMPACT_GROUPS = ("status", "region", "library_service", "organisation")
IMPACT_SUMS = ("time_saved_hours", "cost_saving_gbp", "submitted_at", "library_service_id")
SUBMITTED_COLUMNS = (
    "status",
    "submitted_at",
    "region",
    "library_service_id",
    "time_saved_hours",
    "cost_saving_gbp",
)


class CaseStudy(Base):
    __tablename__ = "case_studies"
    __table_args__ = (
        CheckConstraint(one_of("status", STATE_VALUES), name="ck_case_studies_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    # One column per content field, added below from their declaration (`content_columns`).
    if TYPE_CHECKING:
        # What the type checker sees of those columns: only the ones code queries by name
        # need to be here (the columns themselves come from the declaration alone).
        title: Mapped[str]
        organisation: Mapped[str]
        headline: Mapped[str]
        summary: Mapped[str]
        background: Mapped[str]
        library_contribution: Mapped[str]
        outcome: Mapped[str]
        region: Mapped[str]
        impact_categories: Mapped[list[str]]
        time_saved_hours: Mapped[float | None]
        cost_saving_gbp: Mapped[float | None]
        quote_text: Mapped[str]
        quote_attribution: Mapped[str]
        quote_consent: Mapped[bool]
        library_service: Mapped[str]

    # A `vignettes.states.CaseStudyState` (a CHECK constraint keeps it one).
    status: Mapped[str] = mapped_column(String(STATE_LENGTH), default="submitted", index=True)
    # The directory entry this case study belongs to; `library_service` above is its name
    # as the content says it (on the card). None only for case studies imported before the
    # directory existed without a library service.
    library_service_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_services.id"), index=True
    )
    # When it was first submitted (the year a case study counts in) and last accepted.
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(80))
    # The hash recorded when approved; publishing requires it to equal `content_hash`.
    approved_hash: Mapped[str | None] = mapped_column(String(80))
    approved_by: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    requested_month: Mapped[str | None] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    approvals: Mapped[list[Approval]] = relationship(
        back_populates="case_study", order_by="Approval.id", cascade="all, delete-orphan"
    )

    def content(self) -> CaseStudyContent:
        values = {spec.name: getattr(self, spec.name) for spec in SPECS}
        for spec in SPECS:  # stored as JSON lists, held as tuples
            if isinstance(values[spec.name], list):
                values[spec.name] = tuple(values[spec.name])
        return CaseStudyContent(**values)

    @property
    def changed_outside(self) -> bool:
        """Whether the content no longer hashes to the `content_hash` written with it:
        someone changed the row outside impact-vignettes (an SQL UPDATE, a restored
        column), so whatever was approved is not what is there."""
        return self.content().content_hash() != self.content_hash

    @property
    def approval_is_current(self) -> bool:
        """Invariant 1: approved (or showcased on that approval), and the content is still
        exactly what was approved."""
        return (
            self.status in APPROVED_STATES
            and self.approved_hash is not None
            and self.approved_hash == self.content_hash
        )


def _content_column(spec: FieldSpec, annotation: str, default: object) -> MappedColumn[Any]:
    """The stored column of a content field: text in one line to its limit, several lines
    as Text, numbers as Float (None: not given), yes/no as Boolean, lists as JSON."""
    if annotation.startswith("tuple"):
        return mapped_column(JSON, default=list, nullable=False)
    if annotation.startswith("float"):
        return mapped_column(Float, nullable=True)
    if annotation == "bool":
        return mapped_column(Boolean, default=default, nullable=False)
    kind = Text() if spec.multi_line or spec.limit is None else String(spec.limit)
    if default is dataclasses.MISSING:  # a required field: always given
        return mapped_column(kind, nullable=False, index=spec.index)
    return mapped_column(kind, default=default, nullable=False, index=spec.index)


def content_columns() -> None:
    """Add a column to `CaseStudy` for every content field the declaration has."""
    for field in dataclasses.fields(CaseStudyContent):
        if (
            SPEC in field.metadata
            and field.name != "ref"
            and field.name not in CaseStudy.__table__.c
        ):
            spec = next(s for s in SPECS if s.name == field.name)
            setattr(CaseStudy, field.name, _content_column(spec, str(field.type), field.default))


content_columns()


def impact_indexes() -> None:
    """The dashboard's and the listing's indexes (migration 0012), declared once every
    content column exists."""
    c = CaseStudy.__table__.c
    Index(
        "ix_case_studies_impact",
        *(c[name] for name in (*IMPACT_GROUPS, "impact_categories", *IMPACT_SUMS)),
    ).ddl_if(dialect="sqlite")
    Index(
        "ix_case_studies_impact_pg", *(c[name] for name in (*IMPACT_GROUPS, *IMPACT_SUMS))
    ).ddl_if(dialect="postgresql")
    Index("ix_case_studies_submitted", *(c[name] for name in SUBMITTED_COLUMNS))
    # The public listing, newest accepted first.
    Index("ix_case_studies_listing", c.status, c.accepted_at)


impact_indexes()


class Approval(Base):
    """Every approval decision, kept forever: approved, rejected or voided by an edit."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_study_id: Mapped[int] = mapped_column(ForeignKey("case_studies.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")

    case_study: Mapped[CaseStudy] = relationship(back_populates="approvals")


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(40), default="", index=True)
    month: Mapped[str] = mapped_column(String(7), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The interface the actor used: "cli", "web" or "daemon" ("" before migration 0005).
    via: Mapped[str] = mapped_column(String(8), default="", server_default="")


class MonthlySlot(Base):
    """One month's showcase. A case study appears in at most one slot, ever (UNIQUE):
    that is what makes 'already showcased or queued elsewhere' a constraint, not a hope."""

    __tablename__ = "monthly_slots"
    __table_args__ = (
        CheckConstraint(one_of("state", tuple(SlotState)), name="ck_monthly_slots_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    case_study_id: Mapped[int | None] = mapped_column(ForeignKey("case_studies.id"), unique=True)
    source: Mapped[str | None] = mapped_column(String(16))  # "queued" | "auto"
    queued_by: Mapped[str | None] = mapped_column(String(120))
    queued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default=SlotState.PLANNED.value)
    # Set when publishing fixes the choice; the hash of the snapshot that is rendered.
    fixed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")

    case_study: Mapped[CaseStudy | None] = relationship()


class Post(Base):
    """One platform's post for one slot. The UNIQUE constraints are the last line of
    invariant 2: even with the daemon lock bypassed, a slot cannot get two X posts and a
    case study cannot be posted twice to the same platform."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("slot_id", "platform", name="uq_posts_slot_platform"),
        UniqueConstraint("case_study_id", "platform", name="uq_posts_case_study_platform"),
        CheckConstraint(one_of("state", tuple(PostState)), name="ck_posts_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("monthly_slots.id"))
    case_study_id: Mapped[int] = mapped_column(ForeignKey("case_studies.id"))
    platform: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=PostState.PENDING.value, index=True)
    content_hash: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text, default="")
    remote_id: Mapped[str | None] = mapped_column(String(120))
    url: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    sending_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sending_by: Mapped[str] = mapped_column(String(200), default="")
    posted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    duplicate_probe_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the row became `unknown`, and when the send whose outcome is unknown started:
    # the settle wait counts from the first, the platform's duplicate window from the second.
    unknown_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ambiguous_send_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    slot: Mapped[MonthlySlot] = relationship()
    case_study: Mapped[CaseStudy] = relationship()


class Alert(Base):
    """An open problem for a person. `key` deduplicates: the same alert is sent once and
    then counted, not repeated every tick."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    first_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=1)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Heartbeat(Base):
    """One row per daemon instance: `status` reads its age; a standby reads the active's."""

    __tablename__ = "heartbeats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EngagementSnapshot(Base):
    """One scheduled look at a published post's engagement, `poll_after` after it went out.

    Rows are created `due` for every offset when the post is first seen, so the daemon's
    work survives a crash: after downtime only the latest due offset is polled (`taken`, or
    `unavailable` with reasons) and the earlier ones become `skipped`, never polled late one
    by one. Figures are None where the platform did not say; `unavailable` says why."""

    __tablename__ = "engagement_snapshots"
    __table_args__ = (
        UniqueConstraint("post_id", "offset_seconds", name="uq_engagement_post_offset"),
        CheckConstraint(
            one_of("state", tuple(SnapshotState)), name="ck_engagement_snapshots_state"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    platform: Mapped[str] = mapped_column(String(16))
    offset_label: Mapped[str] = mapped_column(String(16))
    offset_seconds: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    state: Mapped[str] = mapped_column(String(16), default=SnapshotState.DUE.value, index=True)
    taken_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    impressions: Mapped[int | None] = mapped_column(Integer)
    likes: Mapped[int | None] = mapped_column(Integer)
    reposts: Mapped[int | None] = mapped_column(Integer)
    replies: Mapped[int | None] = mapped_column(Integer)
    quotes: Mapped[int | None] = mapped_column(Integer)
    link_clicks: Mapped[int | None] = mapped_column(Integer)
    bookmarks: Mapped[int | None] = mapped_column(Integer)
    engagement_rate: Mapped[float | None] = mapped_column(Float)
    unavailable: Mapped[list[str]] = mapped_column(JSON, default=list)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    post: Mapped[Post] = relationship()


class EngagementPlatform(Base):
    """Per platform, what stops engagement polling: a rate limit until `blocked_until`
    (kept here so a restart honours it too), or a refusal the token or tier cannot get past
    (`unavailable_reason`, shown by `status` and the report, retried only when the next
    snapshot falls due). `gaps` lists the figures the last round could not read, and why."""

    __tablename__ = "engagement_platforms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), unique=True)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    blocked_reason: Mapped[str] = mapped_column(Text, default="")
    unavailable_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    unavailable_reason: Mapped[str] = mapped_column(Text, default="")
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    gaps: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RenderCheck(Base):
    """A remembered answer to "could this content be posted in this month?" (`problem` is
    empty when it could). Only a cache: deleting every row loses nothing but time."""

    __tablename__ = "render_checks"
    __table_args__ = (
        UniqueConstraint("content_hash", "month", "settings", name="uq_render_checks_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(80))
    month: Mapped[str] = mapped_column(String(7))  # "" for no particular month
    settings: Mapped[str] = mapped_column(String(64))
    problem: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
