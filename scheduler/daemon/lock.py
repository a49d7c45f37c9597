"""The single-instance lock: `flock` on a file beside the SQLite database, or a PostgreSQL
session advisory lock on a dedicated connection, so a second daemon waits as a standby and
takes over when the first dies."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
from pathlib import Path
from typing import Any, Protocol

from scheduler.errors import SchedulerError
from vignettes.errors import StoreError

log = logging.getLogger(__name__)

PG_LOCK_KEY = 727_002
EXIT_ANOTHER_INSTANCE = 75  # EX_TEMPFAIL: systemd may restart it later


class AnotherInstance(SchedulerError):
    exit_code = EXIT_ANOTHER_INSTANCE


class LockFileError(StoreError):
    """The lock file beside the SQLite database cannot be created or locked (a read-only
    folder, a full disk): a fault of the database's folder, retried like one."""


class InstanceLock(Protocol):
    def acquire(self) -> bool: ...
    def still_held(self) -> bool: ...
    def release(self) -> None: ...


class FileLock:
    """`flock` beside the SQLite file: released by the kernel if the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        """True if this process now holds the lock, False if another does; raises
        LockFileError when the lock file cannot be made."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise LockFileError(
                f"cannot create the daemon's lock file {self.path} ({exc.strerror}): the "
                f"folder {self.path.parent} must be writable by user {_user()}"
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{socket.gethostname()}:{os.getpid()}\n".encode())
        except OSError as exc:  # the holder's name is a courtesy: a full disk only loses it
            log.warning("lock file %s: cannot write the holder's name: %s", self.path, exc)
        self._fd = fd
        return True

    def still_held(self) -> bool:
        return self._fd is not None

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "another process"
        except OSError:
            return "another process"

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class AdvisoryLock:
    """A PostgreSQL session advisory lock held on its own connection: if this process or
    its host dies, the server drops the session and the standby gets the lock."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._conn: Any = None

    def acquire(self) -> bool:
        """True if this session now holds the lock, False if another does; a database
        fault (the server gone) is raised as the store's typed StoreError."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        from vignettes.store.faults import database_fault, is_fault

        try:
            if self._conn is None:
                self._conn = self.engine.connect()
            got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
            self._conn.commit()
            return bool(got.scalar())
        except DBAPIError as exc:
            with contextlib.suppress(Exception):  # the connection is broken anyway
                self.release()
            if not is_fault(exc):
                raise
            url = self.engine.url.render_as_string(hide_password=False)
            raise database_fault(exc, url, busy_timeout=0) from exc

    def still_held(self) -> bool:
        from sqlalchemy import text

        if self._conn is None:
            return False
        try:
            held = self._conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k "
                    "AND pid = pg_backend_pid() AND granted"
                ),
                {"k": PG_LOCK_KEY},
            ).scalar()
            self._conn.commit()
        except Exception:
            return False
        return bool(held)

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # a bare uid with no login name
        return str(os.getuid())


def lock_for(database_url: str, engine: Any) -> InstanceLock:
    if database_url.startswith("sqlite:///"):
        path = Path(database_url[len("sqlite:///") :])
        return FileLock(path.with_name(path.name + ".lock"))
    return AdvisoryLock(engine)
