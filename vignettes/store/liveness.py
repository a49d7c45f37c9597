"""Is the database the program opened still there? For a process that runs for weeks (the
console, the daemon) the answer can change under it.

A SQLite connection holds the file it opened, not its name: when the file is moved away,
replaced by another, or emptied while the program runs, the pool's connections go on
reading the old data as if nothing had happened, and every page would show it. So the
store remembers which file it opened (`DatabaseFile`: device, inode) and checks, before
each read or write, that the file at the configured path is still that one and still a
SQLite database (`DatabaseFile.check`: a `stat`, and a 16-byte read whenever the file's
size or times changed). `probe` is the health check's question: can a fresh connection,
never one from the pool, read a real table?
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine

from vignettes.store.faults import DatabaseUnavailable, describe

SQLITE_HEADER = b"SQLite format 3\x00"
# The tables a probe reads: the schema's revision, and one of our own.
PROBE = ("SELECT version_num FROM alembic_version", "SELECT count(*) FROM users")


class DatabaseGone(DatabaseUnavailable):
    """The database file the program opened was moved, replaced or emptied under it."""


@dataclass
class DatabaseFile:
    """The SQLite file a store opened, by identity."""

    url: str
    path: Path
    device: int
    inode: int
    # The last (size, mtime, ctime) whose header was read and found right: the header is
    # read again only when one of them changes (each read or write asks; a stat is cheap).
    verified: tuple[int, int, int] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, engine: Engine) -> DatabaseFile | None:
        """The file `engine` uses, as it is now; None for PostgreSQL or an in-memory
        SQLite database (nothing to watch)."""
        if engine.dialect.name != "sqlite":
            return None
        database = engine.url.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        path = Path(database).absolute()
        try:
            found = os.stat(path)
        except OSError:
            return None
        return cls(engine.url.render_as_string(hide_password=False), path,
                   found.st_dev, found.st_ino)  # fmt: skip

    def check(self) -> None:
        """Raises DatabaseGone unless the file at the path is the one opened, and still
        begins as a SQLite database does."""
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            raise self._gone("is no longer there: it was moved away or deleted") from None
        except OSError as exc:
            raise self._gone(f"cannot be looked at ({exc.strerror})") from None
        if (found.st_dev, found.st_ino) != (self.device, self.inode):
            raise self._gone("was replaced by another file")
        seen = (found.st_size, found.st_mtime_ns, found.st_ctime_ns)
        if seen == self.verified:
            return
        try:
            with open(self.path, "rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise self._gone(f"cannot be read ({exc.strerror})") from None
        if header != SQLITE_HEADER:
            raise self._gone("was emptied or overwritten: it is no longer a SQLite database")
        self.verified = seen

    def _gone(self, what: str) -> DatabaseGone:
        db = describe(self.url)
        return DatabaseGone(
            db,
            f"{db} {what} while this program was running; nothing more is read from or "
            "written to the file it had open. Put the database back (or restore it from a "
            "backup), then restart the program",
        )


def probe(engine: Engine, file: DatabaseFile | None, *, timeout: float = 5.0) -> str:
    """Read the schema's revision and a table of ours through a new connection (never the
    pool's, which could hold a file no longer there); returns the revision. Raises
    DatabaseGone, or the driver's error."""
    if file is not None:
        file.check()
        # mode=rw: a probe must never create an empty database where the file was.
        uri = f"file:{quote(str(file.path))}?mode=rw"
        connection = sqlite3.connect(uri, uri=True, timeout=timeout)
        try:
            revision = connection.execute(PROBE[0]).fetchone()
            connection.execute(PROBE[1]).fetchone()
        finally:
            connection.close()
        return str(revision[0]) if revision else ""
    if engine.dialect.name == "sqlite":  # in memory: only the pool's connection has it
        with engine.connect() as pooled:
            found = pooled.exec_driver_sql(PROBE[0]).first()
            pooled.exec_driver_sql(PROBE[1]).first()
        return str(found[0]) if found else ""
    args, kwargs = engine.dialect.create_connect_args(engine.url)
    kwargs.setdefault("connect_timeout", max(1, int(timeout)))
    raw = engine.dialect.connect(*args, **kwargs)
    try:
        cursor = raw.cursor()
        cursor.execute(PROBE[0])
        revision = cursor.fetchone()
        cursor.execute(PROBE[1])
        cursor.fetchone()
        cursor.close()
    finally:
        raw.close()
    return str(revision[0]) if revision else ""
