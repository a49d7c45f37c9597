"""Single sign-on: the OpenID Connect provider's (issuer, subject) an account is bound to
on its first sign-in through the provider. Unique together, so one person at the provider
is at most one account here; both empty for accounts that have never used it.

Revision ID: 0011
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a constraint to an existing table, so alembic copies it
    # (keeping every row); PostgreSQL alters it in place.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("sso_issuer", sa.String(255), nullable=True))
        batch.add_column(sa.Column("sso_subject", sa.String(255), nullable=True))
        batch.create_unique_constraint("uq_users_sso_identity", ["sso_issuer", "sso_subject"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_sso_identity", type_="unique")
        batch.drop_column("sso_subject")
        batch.drop_column("sso_issuer")
