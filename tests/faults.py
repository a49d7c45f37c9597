"""Database and file-system faults made for real, for the tests that prove each one is a
clear message: a truncated or overwritten SQLite file, a schema stamped with a revision
from the future, a second connection holding the write lock, a full disk, and files or
folders this process may not write.

Root ignores permission bits (CAP_DAC_OVERRIDE), and CI runs as root, so a "read-only"
file is only read-only to a process without that capability: `unprivileged` runs a
command with it dropped (util-linux `setpriv`), exactly as the `vignettes` service user
would meet the file. A full disk is a tiny tmpfs mounted in a private mount namespace
(`unshare`), which needs neither root nor any change outside the test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

# The dropped capabilities: writing and reading whatever the mode bits say.
_DAC = "-dac_override,-dac_read_search"


def unprivileged(command: list[str]) -> list[str]:
    """`command`, run so that file modes apply to it even when the tests run as root."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.fail("the tests run as root but util-linux setpriv is missing")
    return ["setpriv", f"--bounding-set={_DAC}", f"--inh-caps={_DAC}", "--", *command]


def truncate(database: Path) -> None:
    """Cut the file after its first page, as a copy interrupted half-way would."""
    checkpoint(database)
    data = database.read_bytes()
    database.write_bytes(data[:4096])


def overwrite(database: Path) -> None:
    """Replace the file with something that is not a database at all."""
    checkpoint(database)
    database.write_bytes(b"this is not a database\n" * 400)


def checkpoint(database: Path) -> None:
    """Fold the WAL into the main file and remove -wal and -shm, so the file alone is the
    database (as after the last connection closes)."""
    conn = sqlite3.connect(database)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def stamp_revision(database_url: str, revision: str) -> None:
    """Mark the schema as migrated to `revision`, as a newer version of the program would."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        engine.dispose()


@contextlib.contextmanager
def sqlite_write_lock(database: Path) -> Iterator[None]:
    """A second connection holding SQLite's write lock until the block ends."""
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@contextlib.contextmanager
def write_lock(database_url: str) -> Iterator[None]:
    """A second connection holding the write lock until the block ends: SQLite's database
    lock, or on PostgreSQL an EXCLUSIVE lock on the tables a publish writes (reads go on)."""
    if database_url.startswith("sqlite"):
        with sqlite_write_lock(Path(database_url.split("///", 1)[1])):
            yield
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    conn = engine.connect()
    try:
        conn.execute(text("LOCK TABLE posts, audit_events, alerts IN EXCLUSIVE MODE"))
        yield
    finally:
        conn.rollback()
        conn.close()
        engine.dispose()


def tiny_disk_script(mount_at: Path, size: str, commands: str) -> list[str]:
    """A command that mounts a `size` tmpfs at `mount_at` in a private mount namespace and
    runs the shell `commands` there; it exits 99 when this host allows no such namespace."""
    if shutil.which("unshare") is None:
        return ["sh", "-c", "exit 99"]
    script = (
        f'mount -t tmpfs -o size={size} vignettes-test "{mount_at}" 2>/dev/null || exit 99\n'
        + commands
    )
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script]


def fill_disk_command(folder: Path, leave_bytes: int) -> str:
    """Shell that fills `folder`'s file system, then frees `leave_bytes` of it."""
    filler = folder / "filler"
    return (
        f'dd if=/dev/zero of="{filler}" bs=4096 2>/dev/null; '
        f'truncate -s -{leave_bytes} "{filler}"\n'
    )


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore[call-overload, no-any-return]
