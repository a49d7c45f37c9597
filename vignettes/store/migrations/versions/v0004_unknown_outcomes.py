"""Record when a post became unknown and when its ambiguous send started.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from vignettes.store.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("unknown_since", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("ambiguous_send_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("ambiguous_send_at")
        batch.drop_column("unknown_since")
