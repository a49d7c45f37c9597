"""Console sessions kept on the server, so that signing out, a password change or reset, a
disabled account and a role change end them, and each has an absolute lifetime.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from vignettes.store.models import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_because", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("console_sessions")
