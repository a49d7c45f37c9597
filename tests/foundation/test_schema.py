"""Migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from vignettes.store.db import HEAD_REVISION, MIGRATIONS, current_revision
from vignettes.store.models import Base
from vignettes.store.queries import Store


def test_the_cheap_head_check_matches_the_migration_scripts() -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


def _for_this_dialect(dialect: str) -> Any:
    """Alembic's filter for what the models create on `dialect` (an index declared with
    `ddl_if(dialect=…)` exists on that dialect only)."""

    def include(item: Any, _name: Any, kind: str, _reflected: bool, _other: Any) -> bool:
        wanted = getattr(getattr(item, "_ddl_if", None), "dialect", None)
        return kind != "index" or wanted is None or wanted == dialect

    return include


def test_the_migrated_schema_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": _for_this_dialect(store.dialect)}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert current_revision(store.engine) == HEAD_REVISION


def test_opening_an_up_to_date_database_again_is_a_no_op(db_url: str) -> None:
    Store.open(db_url).close()
    again = Store.open(db_url)
    assert current_revision(again.engine) == HEAD_REVISION
    again.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'v.db'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    store.close()
