"""A small world for publishing tests: a real store (SQLite and PostgreSQL), the API
emulator, live adapters talking HTTP to it, and a fake clock shared by all of them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import joinedload

from scheduler.clock import FakeClock
from scheduler.config import Config, parse_config
from scheduler.daemon.runtime import build_platforms, build_worker
from scheduler.daemon.tick import TickReport, Worker
from scheduler.publishing.publish import MonthReport
from tests.conftest import SECRET_VALUES, case_study_row, write_import
from tests.emulator import Emulator
from tests.emulator.bluesky import HANDLE as BLUESKY_HANDLE
from tests.emulator.linkedin import ORGANIZATION
from vignettes.importing.files import import_file
from vignettes.planning.slots import Month
from vignettes.store.models import Alert, MonthlySlot, Post
from vignettes.store.queries import Store

DECEMBER = Month(2026, 12)
SLOT = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)  # first Tuesday, 10:00 London (GMT)


def world_config(
    tmp_path: Path,
    emulator: Emulator,
    linkedin_version: str = "202610",
    author: str = ORGANIZATION,
    webhook_url: str = "",
    bluesky: bool = False,
    **schedule: Any,
) -> Config:
    live = {"mode": "live", "api_base": emulator.base_url, "timeout": "1s"}
    platforms: dict[str, Any] = {
        "x": {**live, "username": "nhslibraries"},
        "linkedin": {
            **live,
            "oauth_base": emulator.base_url,
            "author": author,
            "version": linkedin_version,
        },
    }
    if bluesky:  # the third network: off by default, as in the shipped config
        platforms["bluesky"] = {
            "enabled": True,
            "mode": "live",
            "service": emulator.base_url,
            "handle": BLUESKY_HANDLE,
            "timeout": "1s",
        }
    data = {
        "schedule": {"grace": "3d", **schedule},
        "platforms": platforms,
        "daemon": {"var_dir": str(tmp_path / "var")},
        "alerts": {"webhook_url": webhook_url},
    }
    return parse_config(data, tmp_path / "config.toml")


@dataclass
class World:
    tmp_path: Path
    store: Store
    emulator: Emulator
    clock: FakeClock
    config: Config
    worker: Worker

    @property
    def publisher(self) -> Any:
        return self.worker.publisher

    def load(self, *rows: dict[str, Any], name: str = "in.json") -> None:
        path = write_import(self.tmp_path / name, list(rows))
        import_file(
            self.store, path, now=self.clock.now(), actor="test", schedule=self.config.schedule
        )

    def at(self, when: dt.datetime) -> World:
        self.clock.set(when)
        return self

    def tick(self) -> TickReport:
        return self.worker.tick()

    def publish(self, month: Month = DECEMBER) -> MonthReport:
        return self.publisher.publish_month(month)

    def posts(self) -> dict[str, Post]:
        with self.store.read() as session:
            return {p.platform: p for p in session.query(Post).all()}

    def slot(self, month: Month = DECEMBER) -> MonthlySlot | None:
        with self.store.read() as session:
            query = session.query(MonthlySlot).options(joinedload(MonthlySlot.case_study))
            return query.filter_by(month=str(month)).first()

    def alerts(self) -> dict[str, str]:
        with self.store.read() as session:
            return {
                a.key: a.message for a in session.query(Alert).filter(Alert.resolved_at.is_(None))
            }

    def sent(self, op: str) -> int:
        return len(self.emulator.calls(op))


def make_world(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock, **settings: Any
) -> World:
    config = world_config(tmp_path, emulator, **settings)
    platforms = build_platforms(config, clock, environ=SECRET_VALUES)
    worker = build_worker(config, store, clock, platforms=platforms)
    return World(tmp_path, store, emulator, clock, config, worker)


@pytest.fixture
def world(tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock) -> Iterator[World]:
    built = make_world(tmp_path, store, emulator, clock)
    built.load(case_study_row("ICS-2026-100", approved_on="2026-06-01"))
    # The daemon has been running since before the slot (so a late start is "missed", not
    # "before the first run").
    built.at(SLOT - dt.timedelta(days=2)).tick()
    yield built


@pytest.fixture
def world3(tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock) -> Iterator[World]:
    """The same world with Bluesky enabled as a third live platform."""
    built = make_world(tmp_path, store, emulator, clock, bluesky=True)
    built.load(case_study_row("ICS-2026-100", approved_on="2026-06-01"))
    built.at(SLOT - dt.timedelta(days=2)).tick()
    yield built


@pytest.fixture(autouse=True)
def no_secret_in_logs(caplog: pytest.LogCaptureFixture, emulator: Emulator) -> Iterator[None]:
    """Invariant 6 across every publishing test: no credential (nor a Bluesky session token
    the emulator issued) in any log line."""
    caplog.set_level(logging.DEBUG)
    yield
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    leaked = [name for name, value in SECRET_VALUES.items() if value in text]
    leaked += ["a Bluesky session token" for t in emulator.bluesky.issued if t in text]
    assert leaked == [], f"secrets leaked into logs: {leaked}"


class Webhook:
    """A real loopback HTTP endpoint that records what alert webhooks post to it."""

    def __init__(self) -> None:
        import http.server
        import json
        import threading

        received: list[dict[str, Any]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.received = received
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()
