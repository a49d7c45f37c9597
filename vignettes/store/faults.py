"""Database faults as one-line messages a person can act on.

The drivers report a damaged file, a read-only folder, a held lock or a full disk as an
`OperationalError` or `DatabaseError` whose text is written for a programmer. The store seam
(`Store.open`, `Store.read`, `Store.write`) turns each into one of the typed `StoreError`s
below: the message names the database (a file path, or a PostgreSQL database and its host;
never a password) and says what to do. SQLite faults are told apart by their extended
result codes (`sqlite3.Error.sqlite_errorname`), PostgreSQL's by SQLSTATE, not by wording.
"""

from __future__ import annotations

import getpass
import sqlite3
from pathlib import Path
from typing import ClassVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    NotSupportedError,
    ProgrammingError,
)

from vignettes.errors import StoreError

EX_CONFIG = 78  # sysexits.h: the configuration is wrong, restarting cannot help


class DatabaseFault(StoreError):
    """The database itself cannot do what was asked (not the request's fault). `database`
    names it; the message is one line: what is wrong, the driver's words, what to do."""

    def __init__(self, database: str, message: str) -> None:
        self.database = database
        super().__init__(message)


class DatabaseCorrupt(DatabaseFault):
    """The file is not a SQLite database, or its pages are damaged."""


class DatabaseReadOnly(DatabaseFault):
    """The file, its folder or the server refuses writes."""


class DatabaseUnavailable(DatabaseFault):
    """The file cannot be opened or created, or the server cannot be reached."""


class DatabaseBusy(DatabaseFault):
    """Another process held a lock longer than the busy timeout."""


class DatabaseFull(DatabaseFault):
    """The disk holding the database is full: nothing of the transaction was written."""


class DatabaseIOError(DatabaseFault):
    """The disk failed a read or write."""


class DatabaseTooNew(DatabaseFault):
    """The schema is at a migration revision this version of the program does not know."""


class DatabaseURLInvalid(DatabaseFault):
    """`[database] url` cannot be used at all: a configuration error (exit 78)."""

    exit_code: ClassVar[int] = EX_CONFIG


def describe(url: str) -> str:
    """The database as a person knows it: its file, or `PostgreSQL database "name" on
    host:port`. Never the password."""
    try:
        parsed = make_url(url)
    except Exception:  # a URL too broken to parse is named by its kind only
        return "the PostgreSQL database" if url.startswith("postgres") else "the database"
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        return f"the SQLite database {path}" if path and path != ":memory:" else "SQLite in memory"
    host = parsed.host or "localhost"
    return f'PostgreSQL database "{parsed.database or ""}" on {host}:{parsed.port or 5432}'


def sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///PATH` URL, else None."""
    prefix = url.split("///", 1)
    if not url.startswith("sqlite") or len(prefix) != 2 or prefix[1] in ("", ":memory:"):
        return None
    return Path(prefix[1])


def is_fault(exc: BaseException) -> bool:
    """Whether a driver error is about the database rather than about the statement:
    constraint violations and programming errors are left for the caller (or are bugs)."""
    if isinstance(exc, IntegrityError | DataError | ProgrammingError | NotSupportedError):
        return False
    return isinstance(exc, DBAPIError | sqlite3.Error)


def database_fault(exc: BaseException, url: str, *, busy_timeout: float) -> StoreError:
    """The typed, one-line error for driver error `exc` on the database at `url`."""
    orig: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    detail = _one_line(str(orig), url)
    if isinstance(orig, sqlite3.Error):
        return _sqlite_fault(orig, url, detail, busy_timeout)
    return _postgresql_fault(orig, url, detail, busy_timeout)


def url_fault(url: str, detail: str) -> DatabaseURLInvalid:
    safe = _safe_url(url)
    return DatabaseURLInvalid(
        describe(url),
        f"the database URL {safe} is not usable ({_one_line(detail, url)}): "
        "fix [database] url in the configuration",
    )


def folder_fault(url: str, folder: Path, exc: OSError) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        describe(url),
        f"cannot create the folder {folder} for {describe(url)} ({exc.strerror}): create it, "
        f"or make its parent writable by user {_user()}",
    )


def too_new(url: str, revision: str, newest: str) -> DatabaseTooNew:
    db = describe(url)
    return DatabaseTooNew(
        db,
        f"{db} is at schema revision {revision}, which this version of impact-vignettes does "
        f"not know (it knows up to {newest}): a newer version upgraded it; run that version, "
        "or restore a backup taken before the upgrade",
    )


# ---- SQLite -------------------------------------------------------------------------------


def _sqlite_fault(orig: sqlite3.Error, url: str, detail: str, busy_timeout: float) -> StoreError:
    code = getattr(orig, "sqlite_errorname", "") or ""
    db = describe(url)
    path = sqlite_path(url)
    folder = path.parent if path else Path(".")
    user = _user()
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return DatabaseCorrupt(
            db,
            f"{db} is damaged or not a SQLite database ({detail}): restore it from a backup, "
            "or move it aside and import the case studies again to start afresh",
        )
    if code == "SQLITE_READONLY_DIRECTORY":
        return DatabaseReadOnly(
            db,
            f"{db} cannot be used: its folder {folder} is read-only for user {user} "
            f"({detail}); SQLite writes its -wal and -shm files there, so make the folder "
            "writable",
        )
    if code.startswith("SQLITE_READONLY"):
        return DatabaseReadOnly(
            db,
            f"{db} is read-only for user {user} ({detail}): make the file (and its -wal and "
            "-shm files) writable by that user",
        )
    if code.startswith("SQLITE_CANTOPEN") or code == "SQLITE_PERM":
        return DatabaseUnavailable(
            db,
            f"cannot open {db} ({detail}): check the path in [database] url, and that user "
            f"{user} can read and write the file and its folder {folder}",
        )
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DatabaseBusy(
            db,
            f"{db} is locked: another process held it longer than {busy_timeout:g} s "
            f"({detail}); try again, and if it stays locked find that process "
            f"(`fuser {path or db}`)",
        )
    if code in ("SQLITE_FULL", "SQLITE_IOERR_SHMSIZE"):
        return DatabaseFull(
            db,
            f"{db}: the disk is full ({detail}); free space on the disk holding {folder}, "
            "then try again (nothing of this change was written)",
        )
    if code.startswith("SQLITE_IOERR"):
        return DatabaseIOError(
            db,
            f"{db}: the disk failed a read or write ({detail}, {code}); check the disk "
            "holding it (free space, `dmesg`), then try again",
        )
    return StoreError(f"{db}: the database refused the operation ({detail})")


# ---- PostgreSQL ---------------------------------------------------------------------------


def _postgresql_fault(
    orig: BaseException, url: str, detail: str, busy_timeout: float
) -> StoreError:
    state = str(getattr(orig, "sqlstate", "") or "")
    db = describe(url)
    if detail.startswith(("connection is bad: invalid", "invalid dsn", "missing")):
        return url_fault(url, detail)
    if state == "53100":
        return DatabaseFull(
            db,
            f"{db}: the server's disk is full ({detail}); free space on the database "
            "server, then try again (nothing of this change was written)",
        )
    if state in ("55P03", "57014", "40P01"):
        return DatabaseBusy(
            db,
            f"{db} is locked: another session held a lock longer than {busy_timeout:g} s "
            f"({detail}); "
            "try again, and if it persists look for it in pg_stat_activity",
        )
    if state == "25006":
        return DatabaseReadOnly(
            db,
            f"{db} accepts no writes ({detail}): point [database] url at the primary "
            "server, not a read-only standby",
        )
    if state.startswith("XX"):
        return DatabaseCorrupt(
            db,
            f"{db} reports damaged data ({detail}): ask its administrator to check it, or "
            "restore a backup",
        )
    if state in ("28P01", "28000"):
        advice = "check the user and the password (in the URL or ~/.pgpass)"
    elif state == "3D000":
        advice = "create the database, or fix its name in [database] url"
    else:
        advice = "check that the server is running and the URL's host, port and user"
    return DatabaseUnavailable(db, f"cannot use {db} ({detail}): {advice}")


# ---- helpers ------------------------------------------------------------------------------


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container's bare uid): say which process it is
        return "running this program"


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return repr(url.split("://", 1)[0] + "://…")


def _one_line(text: str, url: str) -> str:
    """The driver's first line, with any password from `url` masked."""
    line = (text.strip().splitlines() or [""])[0].strip()
    if line.startswith("(") and ") " in line:
        line = line.split(") ", 1)[1]  # SQLAlchemy's "(sqlite3.OperationalError) " prefix
    try:
        password = make_url(url).password
    except Exception:
        password = None
    if password:
        line = line.replace(str(password), "***")
    return line or "no detail given"
