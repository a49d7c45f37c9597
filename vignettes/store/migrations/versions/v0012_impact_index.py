"""Indexes for the impact dashboard and the public gallery. The dashboard's: the columns it
groups and sums, in the order it groups by, and by status and submission time, so its
aggregates read indexes alone (SQLite's first one also holds the impact categories;
PostgreSQL cannot index a `json` column). The gallery's: by status, then acceptance time,
the listing's order (newest accepted first). Existing rows are indexed as they are: no data
changes.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

from vignettes.store.models import IMPACT_GROUPS, IMPACT_SUMS, SUBMITTED_COLUMNS

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        columns = [*IMPACT_GROUPS, "impact_categories", *IMPACT_SUMS]
        op.create_index("ix_case_studies_impact", "case_studies", columns)
    else:
        columns = [*IMPACT_GROUPS, *IMPACT_SUMS]
        op.create_index("ix_case_studies_impact_pg", "case_studies", columns)
    op.create_index("ix_case_studies_submitted", "case_studies", list(SUBMITTED_COLUMNS))
    op.create_index("ix_case_studies_listing", "case_studies", ["status", "accepted_at"])


def downgrade() -> None:
    op.drop_index("ix_case_studies_listing", "case_studies")
    op.drop_index("ix_case_studies_submitted", "case_studies")
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_case_studies_impact", "case_studies")
    else:
        op.drop_index("ix_case_studies_impact_pg", "case_studies")
