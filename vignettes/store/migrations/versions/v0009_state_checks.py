"""CHECK constraints on the states of posts, monthly slots and engagement snapshots, from
the StrEnums in `vignettes.states`: a row can no longer be written in a state the code does
not know (a typo, an older version's state), on either backend.

The values are written out here, not read from the enums: a migration must keep meaning
what it meant when it was written, whatever the code later adds.

SQLite cannot add a constraint to a table, so batch mode rebuilds each table (copying every
row); `vignettes.store.db.migrate` runs migrations with foreign keys off for that, and
checks them before committing.

Revision ID: 0009
Revises: 0010 (the pipeline, written alongside: 0009 was given to this change first, so
the chain runs 0007 → 0010 → 0009 and databases already at 0010 still get these checks)
"""

from alembic import op

revision = "0009"
down_revision = "0010"
branch_labels = None
depends_on = None

CHECKS = {
    "monthly_slots": (
        "ck_monthly_slots_state",
        ("planned", "publishing", "published", "partial", "missed", "skipped"),
    ),
    "posts": (
        "ck_posts_state",
        ("pending", "sending", "posted", "unknown", "failed", "needs_reauth"),
    ),
    "engagement_snapshots": (
        "ck_engagement_snapshots_state",
        ("due", "taken", "skipped", "unavailable"),
    ),
}


def upgrade() -> None:
    for table, (name, states) in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(name, f"state IN ({', '.join(map(repr, states))})")


def downgrade() -> None:
    for table, (name, _states) in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(name, type_="check")
