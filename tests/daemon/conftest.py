"""Real `vignettes` processes against real databases and the loopback emulator.

A `Site` is one installation in `tmp_path`: a config.toml, a database seeded with the sample
case studies, and helpers to run commands or start the daemon as separate processes, each
"as of" a chosen instant (`VIGNETTES_FAKE_NOW`). The emulator runs in the test process and
shares the test's clock, set to `SLOT_NOW`.

Every line any of those processes writes is kept, and an autouse guard fails the test if a
credential from `SECRET_VALUES` appears in it (or in the SQLite file): invariant 6, checked
on every daemon run of this suite.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scheduler.clock import FakeClock
from scheduler.config import load_config
from tests.conftest import SECRET_VALUES
from tests.emulator import Emulator
from tests.emulator.linkedin import ORGANIZATION
from vignettes.importing.files import SAMPLE_FILE, import_file
from vignettes.store.models import Post
from vignettes.store.queries import Store

# December 2026's slot is Tue 1 Dec 10:00 London (= UTC); half an hour later it is due.
SLOT_NOW = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)
MONTH = "2026-12"
VIGNETTES = str(Path(sys.executable).with_name("vignettes"))
LOG_LINE = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: "


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def log_lines(self) -> list[str]:
        """stderr without the CLI's one-off `note:` lines (not log events)."""
        return [ln for ln in self.err.splitlines() if ln and not ln.startswith("note: ")]


class Transcripts(list[str]):
    """Everything the processes of one test printed."""


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SLOT_NOW)


@pytest.fixture(autouse=True)
def transcripts(tmp_path: Path) -> Iterator[Transcripts]:
    """Fail any test whose processes printed a secret, or stored one in SQLite."""
    kept = Transcripts()
    yield kept
    for db in tmp_path.rglob("*.db"):
        kept.append(db.read_bytes().decode("utf-8", "replace"))
    leaks = leaked_secrets(kept)
    assert not leaks, f"secret values leaked into output: {leaks}"


def leaked_secrets(texts: list[str]) -> list[str]:
    """Names of the SECRET_VALUES found in any of `texts`."""
    return sorted({name for name, value in SECRET_VALUES.items() for t in texts if value in t})


class NotifySocket:
    """A stand-in for systemd's $NOTIFY_SOCKET: an AF_UNIX datagram socket we read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.messages: list[str] = []

    def wait_for(self, message: str, timeout: float = 20.0) -> bool:
        """Wait for an exact message, or (ending in `*`) one starting with that text."""
        deadline = time.monotonic() + timeout
        if message.endswith("*"):
            prefix = message[:-1]

            def seen() -> bool:
                return any(m.startswith(prefix) for m in self.messages)
        else:

            def seen() -> bool:
                return message in self.messages

        while not seen():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                self.messages += self.sock.recv(4096).decode().splitlines()
            except TimeoutError:
                return False
        return True

    def close(self) -> None:
        self.sock.close()


class Running:
    """A daemon process started by a test; its output goes to files, read at the end."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, name: str) -> None:
        self.out_path, self.err_path = cwd / f"{name}.out", cwd / f"{name}.err"
        self.notify = NotifySocket(cwd / f"{name}.sock")
        env = env | {"NOTIFY_SOCKET": str(self.notify.path)}
        with self.out_path.open("w") as out, self.err_path.open("w") as err:
            self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=err)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, timeout: float = 20.0) -> None:
        """READY=1 (lock held) and the first tick done."""
        for message in ("READY=1", "STATUS=active, last tick*"):
            if not self.notify.wait_for(message, timeout):
                raise AssertionError(f"daemon never sent {message}:\n{self.result().err}")

    def send(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 20.0) -> int:
        return self.proc.wait(timeout)

    def running(self) -> bool:
        return self.proc.poll() is None

    def result(self) -> Result:
        return Result(
            self.proc.returncode if self.proc.returncode is not None else -999,
            self.out_path.read_text(),
            self.err_path.read_text(),
        )

    def stop(self) -> None:
        if self.running():
            self.proc.kill()
            self.proc.wait(10)
        self.notify.close()


class Site:
    """One installation: config, database and the processes run against it."""

    def __init__(self, root: Path, db_url: str, transcripts: Transcripts) -> None:
        self.root = root
        self.db_url = db_url
        self.transcripts = transcripts
        self.config_path = root / "config.toml"
        self.secrets: dict[str, str] = {}
        self.daemons: list[Running] = []
        self.configure()

    # ---- setting up -----------------------------------------------------------------

    def configure(self, emulator: Emulator | None = None, extra: str = "") -> Site:
        """Outbox mode, or live against `emulator` (credentials in the environment)."""
        text = f'[database]\nurl = "{self.db_url}"\n\n[daemon]\nvar_dir = "var"\ntick = "10s"\n'
        if emulator is not None:
            base = emulator.base_url
            text += (
                f'\n[platforms.x]\nmode = "live"\napi_base = "{base}"\n'
                'username = "nhslibraries"\ntimeout = "10s"\n'
                f'\n[platforms.linkedin]\nmode = "live"\napi_base = "{base}"\n'
                f'oauth_base = "{base}"\nauthor = "{ORGANIZATION}"\ntimeout = "10s"\n'
            )
            self.secrets = dict(SECRET_VALUES)
        self.config_path.write_text(text + extra)
        return self

    def seed(self) -> Site:
        """The bundled sample case studies, imported before the slot."""
        config = load_config(self.config_path)
        store = Store.open(self.db_url)
        try:
            import_file(
                store,
                SAMPLE_FILE,
                now=SLOT_NOW - dt.timedelta(days=7),
                actor="test",
                schedule=config.schedule,
            )
        finally:
            store.close()
        return self

    def env(self, now: dt.datetime | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGNETTES_", "NOTIFY_"))}
        env |= self.secrets | {"VIGNETTES_FAKE_NOW": (now or SLOT_NOW).isoformat()}
        return env | (extra or {})

    # ---- running --------------------------------------------------------------------

    def cli(
        self, *args: str, now: dt.datetime | None = None, env: dict[str, str] | None = None
    ) -> Result:
        proc = subprocess.run(
            [VIGNETTES, "--config", str(self.config_path), *args],
            cwd=self.root,
            env=self.env(now, env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.transcripts += [proc.stdout, proc.stderr]
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def start(
        self, *args: str, now: dt.datetime | None = None, env: dict[str, str] | None = None
    ) -> Running:
        """`vignettes run` (plus `args`) in the background, with its own NOTIFY_SOCKET."""
        return self.spawn("run", *args, now=now, env=env)

    def spawn(
        self, *args: str, now: dt.datetime | None = None, env: dict[str, str] | None = None
    ) -> Running:
        """Any `vignettes` command in the background."""
        name = f"proc{len(self.daemons)}"
        command = [VIGNETTES, "--config", str(self.config_path), *args]
        daemon = Running(command, self.env(now, env), self.root, name)
        self.daemons.append(daemon)
        return daemon

    def finish(self) -> None:
        for daemon in self.daemons:
            daemon.stop()
            result = daemon.result()
            self.transcripts += [result.out, result.err]

    # ---- looking --------------------------------------------------------------------

    def posts(self) -> dict[str, str]:
        """platform → state of this month's post rows."""
        return {p.platform: p.state for p in self.post_rows()}

    def post_rows(self) -> list[Post]:
        store = Store.open(self.db_url)
        try:
            with store.read() as session:
                rows = list(session.scalars(select(Post).order_by(Post.id)))
                session.expunge_all()
                return rows
        finally:
            store.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'var' / 'vignettes.db'}"


def _site(tmp_path: Path, url: str, transcripts: Transcripts) -> Iterator[Site]:
    built = Site(tmp_path, url, transcripts)
    try:
        yield built
    finally:
        built.finish()


@pytest.fixture
def site(tmp_path: Path, sqlite_url: str, transcripts: Transcripts) -> Iterator[Site]:
    """An installation on SQLite, sample data imported, outbox mode."""
    (tmp_path / "var").mkdir()
    yield from _site(tmp_path, sqlite_url, transcripts)


@pytest.fixture
def any_site(tmp_path: Path, db_url: str, transcripts: Transcripts) -> Iterator[Site]:
    """The same, once on SQLite and once on PostgreSQL."""
    (tmp_path / "var").mkdir()
    yield from _site(tmp_path, db_url, transcripts)


@pytest.fixture
def pg_site(tmp_path: Path, pg_cluster: Any, transcripts: Transcripts) -> Iterator[Site]:
    """An installation on PostgreSQL (its own database in the session's cluster)."""
    (tmp_path / "var").mkdir()
    url = pg_cluster.url(pg_cluster.new_database(template=pg_cluster.template))
    yield from _site(tmp_path, url, transcripts)


@pytest.fixture
def live_site(site: Site, emulator: Emulator) -> Site:
    """Live X and LinkedIn against the emulator, sample data imported."""
    return site.configure(emulator).seed()


def held_then_killed(daemon: Running, hold: Any) -> None:
    """Wait until the daemon's request is held at the emulator, then SIGKILL it there."""
    assert hold.arrived.wait(60), f"the request never arrived:\n{daemon.result().err}"
    daemon.send(signal.SIGKILL)
    daemon.wait()
    hold.released.set()
