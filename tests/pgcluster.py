"""A throwaway PostgreSQL cluster for the test session: initdb in a temporary folder,
trust auth, loopback only, fsync off. Each test gets its own database, copied from a
migrated template so it costs milliseconds."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

# The machine's temporary folder, as it was when the suite started: a test's own temporary
# folder (tests/conftest.py) must not hold the cluster that outlives it.
_TEMP = tempfile.gettempdir()


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (run `make system-deps`)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root; CI runs as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class Cluster:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.data = root / "data"
        self._counter = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def version(self) -> str:
        return subprocess.run(
            [_bin("postgres"), "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self, template: str | None = None) -> str:
        self._counter += 1
        name = f"t{os.getpid()}_{self._counter}"
        self.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name


@contextlib.contextmanager
def running_cluster() -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="vignettes-pg-", dir=_TEMP))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(root, _free_port())
    subprocess.run(
        _as_postgres(
            [
                _bin("initdb"),
                "-D",
                str(cluster.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    opts = (
        f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        _as_postgres(
            [
                _bin("pg_ctl"),
                "-D",
                str(cluster.data),
                "-o",
                opts,
                "-w",
                "-l",
                str(root / "log"),
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield cluster
    finally:
        subprocess.run(
            _as_postgres([_bin("pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        # Every test's copy of the database is still in it (dropping each as its test ends
        # cost more, a checkpoint each): hundreds of megabytes that took 10-30 s to delete
        # at the end of a worker's session. Deleted by a process of its own instead, which
        # the session does not wait for.
        subprocess.Popen(
            ["rm", "-rf", "--", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
