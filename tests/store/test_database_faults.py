"""Database faults made for real become one typed, one-line error at the store seam, naming
the database (never a password) and what to do; a constraint violation still reaches its
caller untouched (claims and imports rely on it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text

from tests.faults import overwrite, sqlite_write_lock, stamp_revision, truncate
from vignettes.store.faults import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseFault,
    DatabaseFull,
    DatabaseTooNew,
    DatabaseUnavailable,
    DatabaseURLInvalid,
)
from vignettes.store.models import AuditEvent
from vignettes.store.queries import Store, audit

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def one_line(fault: pytest.ExceptionInfo[DatabaseFault], *words: str) -> str:
    message = str(fault.value)
    assert "\n" not in message and "Traceback" not in message
    for word in words:
        assert word in message, message
    return message


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "v.db"
    Store.open(f"sqlite:///{path}").close()
    return path


def test_a_truncated_sqlite_file_is_damaged_and_to_be_restored(sqlite_file: Path) -> None:
    truncate(sqlite_file)

    with pytest.raises(DatabaseCorrupt) as fault:
        Store.open(f"sqlite:///{sqlite_file}")

    one_line(fault, str(sqlite_file), "damaged", "restore it from a backup")


def test_a_file_that_is_not_a_database_says_so(sqlite_file: Path) -> None:
    overwrite(sqlite_file)

    with pytest.raises(DatabaseCorrupt) as fault:
        Store.open(f"sqlite:///{sqlite_file}")

    one_line(fault, str(sqlite_file), "file is not a database")


def test_a_schema_from_a_newer_version_is_refused_and_left_alone(db_url: str) -> None:
    Store.open(db_url).close()
    stamp_revision(db_url, "0099")

    with pytest.raises(DatabaseTooNew) as fault:
        Store.open(db_url)

    one_line(fault, "schema revision 0099", "does not know", "restore a backup")
    engine = _raw_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0099"
    engine.dispose()


def _raw_engine(url: str) -> Any:
    from sqlalchemy import create_engine

    return create_engine(url)


@pytest.fixture
def write_locked(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """A store with a short busy timeout while a second connection holds the write lock."""
    store = Store.open(db_url, busy_timeout=0.3)
    if db_url.startswith("sqlite"):
        with sqlite_write_lock(Path(db_url.split("///", 1)[1])):
            yield store
    else:
        holder = _raw_engine(db_url).connect()
        holder.execute(text("LOCK TABLE audit_events IN EXCLUSIVE MODE"))
        try:
            yield store
        finally:
            holder.rollback()
            holder.close()
    store.close()


def test_a_lock_held_longer_than_the_busy_timeout_is_a_locked_message(
    write_locked: Store,
) -> None:
    with pytest.raises(DatabaseBusy) as fault, write_locked.write() as session:
        audit(session, at=NOW, actor="test", action="probe")
        session.flush()

    one_line(fault, "locked", "0.3 s", "try again")
    with write_locked.read() as session:  # readers are not blocked
        assert session.scalar(select(AuditEvent.id).limit(1)) is None


def test_a_full_database_is_a_full_disk_message_and_nothing_is_written(
    sqlite_file: Path,
) -> None:
    # SQLite's own ceiling, set on every connection: the file may not grow by one page,
    # which is what a full disk does to it (a real full disk: tests/cli).
    store = Store.open(f"sqlite:///{sqlite_file}")
    pages = sqlite_file.stat().st_size // 4096

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()
    with pytest.raises(DatabaseFull) as fault, store.write() as session:
        for i in range(200):
            audit(session, at=NOW, actor="test", action="probe", note="x" * 2000, n=i)

    one_line(fault, str(sqlite_file), "the disk is full", "nothing of this change was written")
    with store.read() as session:
        assert session.scalars(select(AuditEvent)).first() is None
    store.close()


def test_a_url_that_cannot_be_parsed_is_a_configuration_error() -> None:
    with pytest.raises(DatabaseURLInvalid) as fault:
        Store.open("postgresql+psycopg://vignettes:s3cret-pw@db.example:port/vignettes")

    message = one_line(fault, "fix [database] url")
    assert fault.value.exit_code == 78 and "s3cret-pw" not in message


def test_an_unreachable_server_is_named_without_its_password() -> None:
    with pytest.raises(DatabaseUnavailable) as fault:
        Store.open("postgresql+psycopg://vignettes:s3cret-pw@127.0.0.1:1/vignettes")

    message = one_line(fault, 'PostgreSQL database "vignettes" on 127.0.0.1:1', "server")
    assert "s3cret-pw" not in message
