"""From submission to showcase: the library services directory, case-study states from
draft to showcased, accounts with an email address and their services, reviews,
comments, the email outbox and invitations.

Existing data keeps its meaning: every library service named by a case study becomes a
directory entry (with the organisations and the most common region of its case studies)
and the case study is linked to it; `submitted`, `approved` and `rejected` stay what they
were (an approved case study was accepted and escalated before, which this release only
implies), and an approved one that is already on a platform becomes `showcased`. Every
case study counts as submitted when it was imported. Accounts made before keep working
without an email address until an admin adds one.

Revision ID: 0010
Revises: 0008
"""

import datetime as dt
from collections import Counter, defaultdict

import sqlalchemy as sa
from alembic import op

from vignettes.store.models import UTCDateTime

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

STATES = (
    "draft",
    "submitted",
    "changes_requested",
    "accepted",
    "escalated",
    "approved",
    "showcased",
    "rejected",
    "withdrawn",
)
ROLES = ("contributor", "viewer", "editor", "reviewer", "approver", "admin")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    now = dt.datetime.now(dt.UTC)
    op.create_table(
        "library_services",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("region", sa.String(60), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    _services_from_case_studies(now)
    with op.batch_alter_table("case_studies") as batch:
        batch.alter_column(
            "status", type_=sa.String(20), existing_type=sa.String(16), existing_nullable=False
        )
        batch.add_column(
            sa.Column(
                "library_service_id",
                sa.Integer(),
                sa.ForeignKey("library_services.id", name="fk_case_studies_library_service"),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("submitted_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("accepted_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_case_studies_library_service_id", ["library_service_id"])
        batch.create_check_constraint("ck_case_studies_status", _one_of("status", STATES))
    _link_case_studies()
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
        batch.add_column(
            sa.Column(
                "submission_emails", sa.String(16), nullable=False, server_default="immediate"
            )
        )
        batch.create_unique_constraint("uq_users_email", ["email"])
        batch.create_check_constraint("ck_users_role", _one_of("role", ROLES))
        batch.create_check_constraint(
            "ck_users_submission_emails", _one_of("submission_emails", ("immediate", "daily"))
        )
    _pipeline_tables()


def _services_from_case_studies(now: dt.datetime) -> None:
    """One directory entry per library service name the case studies use (exactly as
    written: two spellings stay two entries, so no stored content changes)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT library_service, organisation, region FROM case_studies "
            "WHERE library_service <> '' ORDER BY id"
        )
    ).all()
    organisations: dict[str, set[str]] = defaultdict(set)
    regions: dict[str, Counter[str]] = defaultdict(Counter)
    for name, organisation, region in rows:
        organisations[name].add(organisation)
        if region:
            regions[name][region] += 1
    services = sa.table(
        "library_services",
        sa.column("name", sa.String()),
        sa.column("organisations", sa.JSON()),
        sa.column("region", sa.String()),
        sa.column("created_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()),
    )
    values = [
        {
            "name": name,
            "organisations": sorted(orgs),
            # The most common region, ties broken alphabetically.
            "region": min(regions[name].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if regions[name]
            else "",
            "created_at": now,
            "updated_at": now,
        }
        for name, orgs in sorted(organisations.items())
    ]
    if values:
        op.bulk_insert(services, values)


def _link_case_studies() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE case_studies SET library_service_id = (SELECT s.id FROM library_services s "
            "WHERE s.name = case_studies.library_service), submitted_at = created_at"
        )
    )
    bind.execute(
        sa.text(
            "UPDATE case_studies SET accepted_at = COALESCE(approved_at, updated_at) "
            "WHERE status = 'approved'"
        )
    )
    bind.execute(
        sa.text(
            "UPDATE case_studies SET status = 'showcased' WHERE status = 'approved' AND EXISTS "
            "(SELECT 1 FROM posts p WHERE p.case_study_id = case_studies.id "
            "AND p.state = 'posted')"
        )
    )


def _pipeline_tables() -> None:
    op.create_table(
        "user_services",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column(
            "service_id",
            sa.Integer(),
            sa.ForeignKey("library_services.id"),
            primary_key=True,
            index=True,
        ),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_study_id",
            sa.Integer(),
            sa.ForeignKey("case_studies.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("via", sa.String(8), nullable=False),
        *(sa.Column(f"met_{n}", sa.Boolean(), nullable=False) for n in range(1, 6)),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(80), nullable=False),
        sa.CheckConstraint(
            _one_of("decision", ("accept", "changes", "reject")), name="ck_reviews_decision"
        ),
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_study_id",
            sa.Integer(),
            sa.ForeignKey("case_studies.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("by", sa.String(120), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("via", sa.String(8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "email_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("not_before", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sending_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            _one_of("state", ("pending", "sending", "sent", "failed", "unknown")),
            name="ck_email_state",
        ),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("service_ids", sa.JSON(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("invited_by", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.CheckConstraint(_one_of("role", ROLES), name="ck_invitations_role"),
    )


def downgrade() -> None:
    for table in ("invitations", "email_outbox", "comments", "reviews", "user_services"):
        op.drop_table(table)
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE users SET role = 'viewer' WHERE role = 'contributor'"))
    bind.execute(sa.text("UPDATE users SET role = 'editor' WHERE role = 'reviewer'"))
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_submission_emails", type_="check")
        batch.drop_constraint("ck_users_role", type_="check")
        batch.drop_constraint("uq_users_email", type_="unique")
        batch.drop_column("submission_emails")
        batch.drop_column("email")
    bind.execute(sa.text("UPDATE case_studies SET status = 'approved' WHERE status = 'showcased'"))
    bind.execute(sa.text("UPDATE case_studies SET status = 'rejected' WHERE status = 'withdrawn'"))
    bind.execute(
        sa.text(
            "UPDATE case_studies SET status = 'submitted' WHERE status IN "
            "('draft', 'changes_requested', 'accepted', 'escalated')"
        )
    )
    with op.batch_alter_table("case_studies") as batch:
        batch.drop_constraint("ck_case_studies_status", type_="check")
        batch.drop_index("ix_case_studies_library_service_id")
        batch.drop_constraint("fk_case_studies_library_service", type_="foreignkey")
        batch.drop_column("accepted_at")
        batch.drop_column("submitted_at")
        batch.drop_column("library_service_id")
        batch.alter_column(
            "status", type_=sa.String(16), existing_type=sa.String(20), existing_nullable=False
        )
    op.drop_table("library_services")
