"""Remember whether a case study's content could be posted in a month under given settings.

Rendering is the only definitive "could this ever be posted?" test and costs tens of
milliseconds a platform, so the plan and the console would be slow if they asked afresh on
every view. The answer depends only on the content hash, the month and the rendering
settings (config, fonts, code), which together form the key.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from vignettes.store.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "render_checks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("content_hash", sa.String(80), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("settings", sa.String(64), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("content_hash", "month", "settings", name="uq_render_checks_key"),
    )


def downgrade() -> None:
    op.drop_table("render_checks")
