"""Engines and schema migrations.

SQLite is tuned for one daemon and occasional CLI writers sharing a file: WAL (readers
never block the writer), a busy timeout, foreign keys on, and write transactions that take
the write lock up front (`BEGIN IMMEDIATE`). Without that, a deferred transaction that reads
then writes can fail at once with "database is locked" instead of waiting its turn.
PostgreSQL gets the same timeout as its `lock_timeout`, so a lock held by a forgotten
session is a clear "locked" message rather than a command that hangs.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from vignettes.errors import StoreError
from vignettes.store.faults import folder_fault, too_new, url_fault

log = logging.getLogger(__name__)

# The newest migration; checked cheaply on every start so that the common case (schema up
# to date) never imports Alembic. A test keeps it equal to the migration scripts' head.
HEAD_REVISION = "0013"
MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_BUSY_TIMEOUT = 15.0  # seconds; `[database] busy_timeout`
WRITE_OPTION = "vignettes_write"


def known_revisions() -> set[str]:
    """Every revision this version has a migration script for (`v0003_….py` → "0003")."""
    names = (p.name for p in (MIGRATIONS / "versions").glob("v*.py"))
    return {m[1] for n in names if (m := re.match(r"^v(\d{4})_", n))}


def create_db_engine(url: str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    """An engine for `url` with the project's SQLite or PostgreSQL settings. Raises
    DatabaseURLInvalid for a URL that cannot be used, DatabaseUnavailable when the SQLite
    file's folder cannot be created."""
    try:
        if url.startswith("sqlite"):
            return _sqlite_engine(url, busy_timeout)
        return create_engine(
            url,
            pool_pre_ping=True,
            future=True,
            connect_args={"options": f"-c lock_timeout={int(busy_timeout * 1000)}"},
        )
    except (ArgumentError, ValueError) as exc:
        raise url_fault(url, str(exc)) from exc


def _sqlite_engine(url: str, busy_timeout: float) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        folder = Path(path).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise folder_fault(url, folder, exc) from exc
    engine = create_engine(url, connect_args={"timeout": busy_timeout})
    busy_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so we can say IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _no_such_table(exc: Exception) -> bool:
    # SQLite: OperationalError "no such table"; PostgreSQL: UndefinedTable (42P01).
    return "no such table" in str(exc) or getattr(getattr(exc, "orig", None), "sqlstate", "") == (
        "42P01"
    )


def current_revision(engine: Engine) -> str | None:
    """The schema's revision, or None for a database no migration has touched. Any other
    fault (a damaged file, a lock, no server) is raised as the driver's error."""
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except (OperationalError, ProgrammingError) as exc:
        if _no_such_table(exc):
            return None
        raise
    return str(row[0]) if row else None


def migrate(engine: Engine) -> None:
    """Bring the schema to HEAD_REVISION (no-op when current). Raises DatabaseTooNew for a
    revision this version does not know (never downgrades), StoreError when the
    migration fails; driver faults are raised as they are (the Store maps them)."""
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return
    url = engine.url.render_as_string(hide_password=False)
    if revision is not None and revision not in known_revisions():
        raise too_new(url, revision, HEAD_REVISION)
    from alembic import command
    from alembic.config import Config as AlembicConfig
    from alembic.util.exc import CommandError

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                # A migration that changes a referenced table (a new CHECK constraint, a wider
                # column) rebuilds it, which SQLite allows only with foreign keys off; they
                # are checked before the commit instead (sqlite.org/lang_altertable.html).
                _foreign_keys(conn, on=False)
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        # Two processes starting together must not both create the tables.
                        conn.execute(text("SELECT pg_advisory_xact_lock(727001)"))
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                        if broken is not None:
                            raise StoreError(
                                f"cannot migrate the database: table {broken[0]} row "
                                f"{broken[1]} refers to a missing row of {broken[2]}"
                            )
            finally:
                if sqlite:
                    _foreign_keys(conn, on=True)
    except CommandError as exc:
        raise StoreError(f"cannot migrate the database: {exc}") from exc
    log.info("database schema migrated to %s", HEAD_REVISION)


def _foreign_keys(conn: Any, *, on: bool) -> None:
    """Switch SQLite's foreign keys on the connection's driver, outside any transaction
    (the pragma is a no-op inside one, so it must not go through SQLAlchemy's autobegin)."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    finally:
        cursor.close()
