"""The console's waitress server has a thread for every connection a browser opens at
once, so one person's page (its stylesheets, scripts and a calendar's twelve card
thumbnails, over six connections) never queues behind itself."""

from __future__ import annotations

import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask import Blueprint

from scheduler.web.frontend import Frontend
from scheduler.web.guards import public
from scheduler.web.server import ConsoleServer
from tests.web.conftest import make_console

# Chromium's (and Firefox's) limit of connections to one site over HTTP/1.1.
BROWSER_CONNECTIONS = 6


def test_six_requests_at_once_are_all_served_at_once(tmp_path: Path, frontend: Frontend) -> None:
    # Each request waits until all six are being served: a server with fewer threads
    # would leave the last ones queued, and the first ones would give up waiting.
    together = threading.Barrier(BROWSER_CONNECTIONS, timeout=10)
    probe = Blueprint("probe", __name__)

    @probe.get("/together")
    @public
    def wait_for_the_others() -> str:
        together.wait()
        return "served"

    console = make_console(tmp_path, frontend, blueprints=[probe])
    server = ConsoleServer(console.app, "127.0.0.1", 0)
    running = threading.Thread(target=server.run, daemon=True)
    running.start()

    def fetch(_: int) -> int:
        with urllib.request.urlopen(server.url + "together", timeout=20) as answer:
            return int(answer.status)

    try:
        with ThreadPoolExecutor(BROWSER_CONNECTIONS) as browser:
            statuses = list(browser.map(fetch, range(BROWSER_CONNECTIONS)))
    finally:
        server.stop()
        running.join(timeout=10)
        console.ws.close()
    assert statuses == [200] * BROWSER_CONNECTIONS
