"""Alembic environment: always run programmatically by `vignettes.store.db.migrate` on a live
connection (there is no alembic.ini; schema changes apply themselves on first use)."""

from alembic import context

from vignettes.store import (  # noqa: F401  (their tables are in Base.metadata)
    account_models,
    pipeline_models,
    rollup_models,
)
from vignettes.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
context.run_migrations()
