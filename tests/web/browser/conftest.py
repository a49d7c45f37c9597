"""The console served by waitress on a loopback socket, driven by Debian's Chromium.

A page test is a few lines:

    def test_the_plan_page(served: Served, page: Page, screenshots: Screenshots) -> None:
        served.add_user("sam", "viewer")
        sign_in(page, served, "sam")
        page.goto(served.url + "plan")
        assert_accessible(page)
        screenshots.take(page, "plan")

Screenshots go to $VIGNETTES_SCREENSHOTS, else bench/out/screenshots (git ignores it); the
run's summary says where.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from scheduler.web.frontend import Frontend
from scheduler.web.server import ConsoleServer
from tests.preview.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.conftest import PASSWORD, Console, make_console

REPO = Path(__file__).resolve().parents[3]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_saved: list[Path] = []


@dataclass
class Served:
    """The console listening on 127.0.0.1 at `url` (ending in /)."""

    console: Console
    url: str

    def add_user(self, name: str, role: str, password: str = PASSWORD) -> None:
        self.console.add_user(name, role, password)


@contextlib.contextmanager
def serve(console: Console) -> Iterator[Served]:
    """`console` on waitress at 127.0.0.1:<a free port> until the block ends."""
    server = ConsoleServer(console.app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, name="console", daemon=True)
    thread.start()
    try:
        yield Served(console, server.url)
    finally:
        server.stop()
        thread.join(timeout=10)
        console.ws.close()
    assert not thread.is_alive(), "the console did not stop"


@pytest.fixture
def served(tmp_path: Path, frontend: Frontend) -> Iterator[Served]:
    with serve(make_console(tmp_path, frontend)) as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh browser profile, recording Content-Security-Policy violations."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));"
    )
    yield opened
    context.close()


def csp_violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__csp")
    return found


def assert_accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.2 A or AA violation on the page as it is now."""
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": WCAG_22_AA},
        "resultTypes": ["violations"],
    }
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, results.generate_report()


def sign_in(page: Page, served: Served, name: str, password: str = PASSWORD) -> None:
    page.goto(served.url + "login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@dataclass
class Screenshots:
    folder: Path
    taken: list[Path] = field(default_factory=list)

    def take(self, page: Page, name: str) -> Path:
        path = self.folder / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=path, full_page=True)
        _saved.append(path)
        return path


@pytest.fixture(scope="session")
def screenshots() -> Screenshots:
    folder = Path(os.environ.get("VIGNETTES_SCREENSHOTS") or REPO / "bench" / "out" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return Screenshots(folder)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _saved:
        folder = _saved[0].parent
        terminalreporter.write_line(f"console screenshots ({len(_saved)}) saved in {folder}")
