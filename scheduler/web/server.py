"""Serving the console with waitress (never the Flask development server), on a real
socket, until stopped: `stop()` may be called from a signal handler or another thread."""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from scheduler.errors import SchedulerError

log = logging.getLogger(__name__)

# Worker threads. A browser opens up to six connections to a site and loads a page's
# stylesheets, scripts, icons and card images over all of them at once (the calendar
# asks for twelve thumbnails): with fewer threads than that, one person's page load
# queues behind itself. Eight leave room for a second person at the same moment.
THREADS = 8


class CannotListen(SchedulerError):
    """The address or port cannot be listened on (in use, not this machine's)."""


class ConsoleServer:
    """A waitress server for `app` on `host`:`port` (0 picks a free port)."""

    def __init__(
        self, app: Any, host: str, port: int, *, threads: int = THREADS, max_body: int | None = None
    ) -> None:
        options: dict[str, Any] = {"threads": threads, "ident": "impact-vignettes"}
        if max_body is not None:
            options["max_request_body_size"] = max_body
        try:
            self._server = create_server(app, host=host, port=port, **options)
        except OSError as exc:
            raise CannotListen(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                "(choose another with --port or [web] port)"
            ) from None
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        host = str(self._server.effective_host)
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/"

    def run(self) -> None:
        """Serve until `stop()`; requests in flight are finished before it returns."""
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=1.0, map=self._server._map, count=1)
        finally:
            # The worker threads finish first: one that ends a request wakes the loop
            # through the server's trigger, which must still be open (closing the server
            # first made such a thread fail with "Bad file descriptor").
            self._server.task_dispatcher.shutdown()
            wasyncore.loop(timeout=0.05, map=self._server._map, count=3)  # send what they wrote
            self._server.close()
            log.info("console stopped")

    def stop(self) -> None:
        self._stopping.set()
        with contextlib.suppress(OSError):  # wake the loop now rather than within a second
            self._server.pull_trigger()
