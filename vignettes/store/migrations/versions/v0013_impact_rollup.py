"""The impact dashboard's rollup (`vignettes.store.rollup_models`): a table of the case
studies counted and summed per status, region, library service, organisation, impact
categories and quarter submitted, filled from the case studies there are, and kept in step
by triggers on `case_studies` in the same transaction as every insert, update and delete.
Existing rows are read, never changed.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# The dashboard groups by the first five: SQLite keeps the table in this order (WITHOUT
# ROWID), so it groups as it reads, without sorting.
KEYS = "status, region, library_service, organisation, categories, service_key, period"
WATCHED = (
    "status, region, library_service, library_service_id, organisation, impact_categories,"
    " submitted_at, time_saved_hours, cost_saving_gbp"
)


def _period(dialect: str, row: str) -> str:
    """year * 10 + quarter of `row`.submitted_at (naive UTC), 0 when never submitted."""
    at = f"{row}submitted_at"
    if dialect == "sqlite":  # stored as ISO text: 'YYYY-MM-DD HH:MM:SS…'
        value = (
            f"CAST(substr({at}, 1, 4) AS INTEGER) * 10"
            f" + (CAST(substr({at}, 6, 2) AS INTEGER) + 2) / 3"
        )
    else:
        value = f"CAST(extract(year FROM {at}) * 10 + extract(quarter FROM {at}) AS INTEGER)"
    return f"CASE WHEN {at} IS NULL THEN 0 ELSE {value} END"


def _values(dialect: str, row: str) -> list[str]:
    """The rollup's keys of one case study (`row` is 'NEW.', 'OLD.' or '')."""
    categories = f"{row}impact_categories" + ("" if dialect == "sqlite" else "::text")
    return [
        f"{row}status",
        f"{row}region",
        f"{row}library_service",
        f"{row}organisation",
        categories,
        f"COALESCE({row}library_service_id, 0)",
        _period(dialect, row),
    ]


def _add(dialect: str) -> str:
    keys = ", ".join(_values(dialect, "NEW."))
    return (
        f"INSERT INTO impact_rollup ({KEYS}, n, hours, hours_n, pounds, pounds_n)"
        f" VALUES ({keys}, 1, COALESCE(NEW.time_saved_hours, 0),"
        f" CASE WHEN NEW.time_saved_hours IS NULL THEN 0 ELSE 1 END,"
        f" COALESCE(NEW.cost_saving_gbp, 0),"
        f" CASE WHEN NEW.cost_saving_gbp IS NULL THEN 0 ELSE 1 END)"
        f" ON CONFLICT ({KEYS}) DO UPDATE SET n = impact_rollup.n + 1,"
        f" hours = impact_rollup.hours + excluded.hours,"
        f" hours_n = impact_rollup.hours_n + excluded.hours_n,"
        f" pounds = impact_rollup.pounds + excluded.pounds,"
        f" pounds_n = impact_rollup.pounds_n + excluded.pounds_n;"
    )


def _remove(dialect: str) -> str:
    match = " AND ".join(
        f"{key} = {value}"
        for key, value in zip(KEYS.split(", "), _values(dialect, "OLD."), strict=True)
    )
    return (
        "UPDATE impact_rollup SET n = n - 1,"
        " hours = hours - COALESCE(OLD.time_saved_hours, 0),"
        " hours_n = hours_n - CASE WHEN OLD.time_saved_hours IS NULL THEN 0 ELSE 1 END,"
        " pounds = pounds - COALESCE(OLD.cost_saving_gbp, 0),"
        " pounds_n = pounds_n - CASE WHEN OLD.cost_saving_gbp IS NULL THEN 0 ELSE 1 END"
        f" WHERE {match};"
        f" DELETE FROM impact_rollup WHERE n <= 0 AND {match};"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "impact_rollup",
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("library_service", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("service_key", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("hours_n", sa.Integer(), nullable=False),
        sa.Column("pounds", sa.Float(), nullable=False),
        sa.Column("pounds_n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEYS.split(", "), name="pk_impact_rollup"),
        sqlite_with_rowid=False,
    )
    keys = ", ".join(_values(dialect, ""))
    op.execute(
        f"INSERT INTO impact_rollup ({KEYS}, n, hours, hours_n, pounds, pounds_n)"
        f" SELECT {keys}, count(*), COALESCE(sum(time_saved_hours), 0), count(time_saved_hours),"
        f" COALESCE(sum(cost_saving_gbp), 0), count(cost_saving_gbp)"
        f" FROM case_studies GROUP BY {keys}"
    )
    if dialect == "sqlite":
        op.execute(
            f"CREATE TRIGGER impact_rollup_insert AFTER INSERT ON case_studies"
            f" BEGIN {_add(dialect)} END"
        )
        op.execute(
            f"CREATE TRIGGER impact_rollup_update AFTER UPDATE OF {WATCHED} ON case_studies"
            f" BEGIN {_remove(dialect)} {_add(dialect)} END"
        )
        op.execute(
            f"CREATE TRIGGER impact_rollup_delete AFTER DELETE ON case_studies"
            f" BEGIN {_remove(dialect)} END"
        )
    else:
        op.execute(
            "CREATE FUNCTION impact_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN"
            f" IF TG_OP IN ('UPDATE', 'DELETE') THEN {_remove(dialect)} END IF;"
            f" IF TG_OP IN ('UPDATE', 'INSERT') THEN {_add(dialect)} END IF;"
            " RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER impact_rollup_change AFTER INSERT OR DELETE OR UPDATE OF {WATCHED}"
            " ON case_studies FOR EACH ROW EXECUTE FUNCTION impact_rollup_apply()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER impact_rollup_{name}")
    else:
        op.execute("DROP TRIGGER impact_rollup_change ON case_studies")
        op.execute("DROP FUNCTION impact_rollup_apply()")
    op.drop_table("impact_rollup")
