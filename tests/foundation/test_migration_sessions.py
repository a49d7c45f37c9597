"""Migration 0008 (console sessions kept on the server) on both backends: it upgrades a
database of revision 0007 keeping its accounts, and it can be taken back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, inspect, text

from tests.conftest import BACKENDS
from tests.pgcluster import Cluster
from vignettes.store.db import (
    HEAD_REVISION,
    MIGRATIONS,
    WRITE_OPTION,
    create_db_engine,
    current_revision,
)
from vignettes.store.queries import Store


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.new_database())


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    made = create_db_engine(empty_url)
    yield made
    made.dispose()


def migrate_to(engine: Engine, revision: str, *, down: bool = False) -> None:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_0008_keeps_the_accounts_of_0007_and_adds_sessions(engine: Engine, empty_url: str) -> None:
    migrate_to(engine, "0007")
    created = dt.datetime(2026, 1, 1, 12, 0)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (name, role, password_hash, must_change_password, "
                "session_epoch, password_changed_at, created_at, updated_at) "
                "VALUES ('sam', 'editor', 'x', false, 3, :t, :t, :t)"
            ),
            {"t": created},
        )
    store = Store.open(empty_url)  # what every command does on first use: to the head
    assert current_revision(store.engine) == HEAD_REVISION
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT name, role FROM users")).all() == [("sam", "editor")]
        assert conn.execute(text("SELECT count(*) FROM console_sessions")).scalar() == 0
    store.close()


def test_0008_can_be_taken_back(engine: Engine) -> None:
    migrate_to(engine, "0008")
    migrate_to(engine, "0007", down=True)
    assert "console_sessions" not in inspect(engine).get_table_names()
    assert current_revision(engine) == "0007"
