"""Migration 0012 (the impact dashboard's indexes) upgrades a database made at 0011 with its
case studies in it, on SQLite and PostgreSQL, and keeps every row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import inspect, text

from tests.conftest import BACKENDS
from vignettes.store.db import HEAD_REVISION, MIGRATIONS, create_db_engine, current_revision
from vignettes.store.queries import Store


def at_revision(url: str, revision: str) -> None:
    engine = create_db_engine(url)
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        now = dt.datetime(2026, 3, 1, 9, 0)
        conn.execute(
            text(
                "INSERT INTO case_studies (ref, title, organisation, library_service, region,"
                " headline, summary, background, library_contribution, outcome,"
                " impact_categories, quote_text, quote_attribution, quote_consent, link,"
                " hashtags, status, content_hash, source, created_at, updated_at, submitted_at,"
                " time_saved_hours) VALUES ('OLD-1', 'Kept', 'A Trust', 'A Library', 'London',"
                " 'h', 's', '', '', '', '[\"policy\"]', '', '', false, '', '[]', 'approved',"
                " 'sha256:x', '', :now, :now, :now, 12.5)"
            ),
            {"now": now},
        )
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database no migration has touched (the store fixture's are already at the head)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    cluster = request.getfixturevalue("pg_cluster")
    return str(cluster.url(cluster.new_database()))


def test_0012_adds_the_dashboards_indexes_and_keeps_every_case_study(empty_url: str) -> None:
    db_url = empty_url
    at_revision(db_url, "0011")
    engine = create_db_engine(db_url)
    assert current_revision(engine) == "0011"
    engine.dispose()
    store = Store.open(db_url)  # migrates to the head
    try:
        assert current_revision(store.engine) == HEAD_REVISION
        with store.engine.connect() as conn:
            row = conn.execute(
                text("SELECT ref, title, time_saved_hours, status FROM case_studies")
            ).one()
            names = {ix["name"] for ix in inspect(conn).get_indexes("case_studies")}
        assert tuple(row) == ("OLD-1", "Kept", 12.5, "approved")
        impact = (
            "ix_case_studies_impact" if store.dialect == "sqlite" else "ix_case_studies_impact_pg"
        )
        assert {impact, "ix_case_studies_submitted", "ix_case_studies_listing"} <= names
    finally:
        store.close()
