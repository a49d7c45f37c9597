"""The console under test: a real app on a real database, driven by Flask's test client
(`console`), or served by waitress on a loopback socket for headless Chromium (`served`,
in tests/web/browser).

A screen test reads like what a person does:

    def test_an_editor_sees_the_plan(console: Console) -> None:
        console.add_user("sam", "editor")
        console.sign_in("sam")
        assert "Plan" in console.get("/plan").text
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from scheduler.clock import FakeClock
from scheduler.config import parse_config
from scheduler.operations.accounts.users import add_user
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.web import create_app
from scheduler.web.frontend import Frontend, locate_frontend
from tests.conftest import NOW, migrated_sqlite, seed_directory

PASSWORD = "correct horse battery staple"
SIGNING_KEY = b"a test signing key, 32 bytes long!"
OPERATOR = Actor("operator", "cli")
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def frontend() -> Frontend:
    """The design system as `make frontend` installed it (make test does that first)."""
    return locate_frontend()


def workspace_for(
    tmp_path: Path,
    db_url: str,
    clock: FakeClock,
    sections: dict[str, Any] | None = None,
    **web: Any,
) -> Workspace:
    """A Workspace on `db_url`; `sections` adds config sections (e.g. a schedule)."""
    data: dict[str, Any] = {"database": {"url": db_url}, "daemon": {"var_dir": str(tmp_path)}}
    data.update(sections or {})
    if web:
        data["web"] = web
    return Workspace(config=parse_config(data, tmp_path / "config.toml"), clock=clock)


@dataclass
class Console:
    """A signed-out browser of the console, with the steps people take."""

    app: Flask
    ws: Workspace
    clock: FakeClock
    client: FlaskClient = field(init=False)

    def __post_init__(self) -> None:
        self.client = self.app.test_client()

    def add_user(
        self, name: str, role: str, password: str = PASSWORD, services: tuple[str, ...] = ()
    ) -> None:
        add_user(self.ws, OPERATOR, name, role, password, email=f"{name}@nhs.example",
                 services=services)  # fmt: skip

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def csrf_token(self) -> str:
        """A valid token for this session, as any page of the console carries one."""
        page = self.client.get("/", follow_redirects=True).text
        found = _TOKEN.search(page)
        assert found, "no page with a form to take a CSRF token from"
        return found.group(1)

    def post(self, path: str, data: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        """POST with this session's CSRF token, as the console's own forms do."""
        return self.client.post(
            path, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs
        )

    def sign_in(self, name: str, password: str = PASSWORD, next: str = "") -> TestResponse:
        return self.post("/login", {"username": name, "password": password, "next": next})

    def sign_out(self) -> TestResponse:
        return self.post("/logout")

    def idle(self, minutes: float) -> None:
        self.clock.advance(dt.timedelta(minutes=minutes))


def make_console(
    tmp_path: Path,
    frontend: Frontend,
    *,
    db_url: str | None = None,
    blueprints: Iterable[Blueprint] = (),
    sections: dict[str, Any] | None = None,
    now: dt.datetime = NOW,
    directory: bool = True,
    **web: Any,
) -> Console:
    """The console on `db_url` (a fresh SQLite file by default) with the library service
    the fixtures name in its directory; `directory=False` leaves the database untouched
    (one that cannot be reached, say)."""
    clock = FakeClock(now)
    db = db_url or migrated_sqlite(tmp_path / "vignettes.db")
    ws = workspace_for(tmp_path, db, clock, sections, **web)
    app = create_app(ws, signing_key=SIGNING_KEY, frontend=frontend, blueprints=blueprints)
    if directory:
        seed_directory(ws.store)
    return Console(app, ws, clock)


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    """The console with the embedded [web] defaults on a fresh SQLite database."""
    made = make_console(tmp_path, frontend)
    yield made
    made.ws.close()


def error_summary(page: str) -> list[str]:
    """The messages of the page's error summary, in order."""
    summary = page.split('class="nhsuk-error-summary"', 1)
    if len(summary) < 2:
        return []
    items = re.findall(r"<li>\s*<a [^>]*>\s*(.*?)\s*</a>", summary[1].split("</ul>", 1)[0], re.S)
    return [re.sub(r"\s+", " ", item) for item in items]
