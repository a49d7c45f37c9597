"""Case studies, approvals, audit trail and monthly slots.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from vignettes.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_studies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.String(40), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(120), nullable=False, index=True),
        sa.Column("library_service", sa.String(120), nullable=False),
        sa.Column("region", sa.String(60), nullable=False),
        sa.Column("headline", sa.String(90), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("background", sa.Text(), nullable=False),
        sa.Column("library_contribution", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("impact_categories", sa.JSON(), nullable=False),
        sa.Column("time_saved_hours", sa.Float(), nullable=True),
        sa.Column("cost_saving_gbp", sa.Float(), nullable=True),
        sa.Column("quote_text", sa.Text(), nullable=False),
        sa.Column("quote_attribution", sa.String(120), nullable=False),
        sa.Column("quote_consent", sa.Boolean(), nullable=False),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("hashtags", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("content_hash", sa.String(80), nullable=False),
        sa.Column("approved_hash", sa.String(80), nullable=True),
        sa.Column("approved_by", sa.String(120), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("requested_month", sa.String(7), nullable=True),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_study_id",
            sa.Integer(),
            sa.ForeignKey("case_studies.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("content_hash", sa.String(80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("ref", sa.String(40), nullable=False, index=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_table(
        "monthly_slots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False, unique=True),
        sa.Column(
            "case_study_id",
            sa.Integer(),
            sa.ForeignKey("case_studies.id"),
            nullable=True,
            unique=True,
        ),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("queued_by", sa.String(120), nullable=True),
        sa.Column("queued_at", UTCDateTime(), nullable=True),
        sa.Column("scheduled_at", UTCDateTime(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("fixed_at", UTCDateTime(), nullable=True),
        sa.Column("content_hash", sa.String(80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("monthly_slots")
    op.drop_table("audit_events")
    op.drop_table("approvals")
    op.drop_table("case_studies")
