"""Record through which interface (cli, web, daemon) each audited action was taken.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        # Existing rows predate the console: they were all made by the CLI or the daemon,
        # which is not recoverable per row, so they say "" (unknown) rather than guess.
        batch.add_column(sa.Column("via", sa.String(8), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("via")
