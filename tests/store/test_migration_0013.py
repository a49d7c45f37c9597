"""Migration 0013 (the impact dashboard's rollup) upgrades a database made at 0012 with its
case studies in it, on SQLite and PostgreSQL: the rollup holds exactly what a count over
the case studies says, and stays so through inserts, edits, a change of status and of
quarter, and deletes, each in the writer's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.store.test_migration_0012 import at_revision, empty_url  # noqa: F401  (a fixture)
from vignettes.store.db import create_db_engine, current_revision
from vignettes.store.queries import Store

COLUMNS = (
    "ref, title, organisation, library_service, region, headline, summary, background,"
    " library_contribution, outcome, impact_categories, quote_text, quote_attribution,"
    " quote_consent, link, hashtags, status, content_hash, source, created_at, updated_at,"
    " submitted_at, time_saved_hours, cost_saving_gbp"
)
VALUES = (
    ":ref, 't', :org, 'A Library', :region, 'h', 's', '', '', '', :categories, '', '', false,"
    " '', '[]', :status, 'sha256:x', '', :created, :created, :at, :hours, :pounds"
)


def _add(conn: Any, ref: str, **row: Any) -> None:
    values = {"org": "A Trust", "region": "London", "categories": '["policy"]',
              "status": "approved", "at": "2026-03-01 09:00:00", "hours": 12.5,
              "pounds": None, "created": "2026-01-05 09:00:00", **row}  # fmt: skip
    conn.execute(text(f"INSERT INTO case_studies ({COLUMNS}) VALUES ({VALUES})"),
                 {"ref": ref, **values})  # fmt: skip


def _rollup(conn: Any) -> set[tuple[Any, ...]]:
    rows = conn.execute(
        text(
            "SELECT status, region, organisation, period, n, hours, hours_n, pounds, pounds_n"
            " FROM impact_rollup"
        )
    )
    return {tuple(r) for r in rows}


def test_0013_fills_the_rollup_and_the_triggers_keep_it_in_step(empty_url: str) -> None:  # noqa: F811
    db_url = empty_url
    at_revision(db_url, "0012")  # one approved case study, OLD-1, submitted 2026-03-01
    engine = create_db_engine(db_url)
    with engine.begin() as conn:
        _add(conn, "OLD-2", hours=None, pounds=900)
        _add(conn, "OLD-3", status="submitted", at="2026-11-30 23:59:00")
    engine.dispose()
    store = Store.open(db_url)  # migrates to the head
    try:
        assert current_revision(store.engine) == "0013"
        with store.engine.begin() as conn:
            assert _rollup(conn) == {
                ("approved", "London", "A Trust", 20261, 2, 12.5, 1, 900.0, 1),
                ("submitted", "London", "A Trust", 20264, 1, 12.5, 1, 0.0, 0),
            }
        with store.engine.begin() as conn:
            _add(conn, "NEW-1", region="Wales", hours=3.0)
            conn.execute(text("UPDATE case_studies SET status = 'rejected' WHERE ref = 'OLD-3'"))
            conn.execute(
                text(
                    "UPDATE case_studies SET submitted_at = '2025-12-31 10:00:00',"
                    " time_saved_hours = 4.0 WHERE ref = 'OLD-1'"
                )
            )
            conn.execute(text("UPDATE case_studies SET title = 'Renamed' WHERE ref = 'OLD-2'"))
            conn.execute(text("DELETE FROM case_studies WHERE ref = 'NEW-1'"))
            _add(conn, "NEW-2", status="draft", at=None, hours=None)
        with store.engine.begin() as conn:
            assert _rollup(conn) == {
                ("approved", "London", "A Trust", 20254, 1, 4.0, 1, 0.0, 0),
                ("approved", "London", "A Trust", 20261, 1, 0.0, 0, 900.0, 1),
                ("rejected", "London", "A Trust", 20264, 1, 12.5, 1, 0.0, 0),
                ("draft", "London", "A Trust", 0, 1, 0.0, 0, 0.0, 0),
            }
    finally:
        store.close()
