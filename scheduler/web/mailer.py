"""The console sends the email outbox itself, after an act, without making anyone wait.

An act (a review, a submission, an approval, publishing now…) puts its emails in the
outbox within its own transaction. After every POST the console answered without an error,
one background thread of this process empties the outbox
(`scheduler.operations.pipeline.email.send_outbox`): the person has their page back at
once, whatever the mail server does, and a server that refuses, times out or is down
leaves the message to be retried (by the next act or the daemon's next tick). There is
never more than one such thread: a POST while it runs asks it to go round once more.

Nothing runs when `[email]` is not configured: the messages wait in the outbox and
`vignettes status` says so.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, Response, current_app, request

from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.email import send_outbox

log = logging.getLogger(__name__)
_KEY = "vignettes.mailer"


class Mailer:
    """One sender thread at a time for a console's Workspace."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._lock = threading.Lock()
        self._again = False
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        """Send what is due, in the background; returns at once."""
        if not self.ws.config.email.sending:
            return
        with self._lock:
            self._again = True
            if self._thread is not None:  # it will go round again before it stops
                return
            self._thread = threading.Thread(target=self._run, name="console-mail", daemon=True)
            self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the sender to finish (tests, and a console stopping); returns whether
        it did within `timeout`."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._again:
                    self._thread = None
                    return
                self._again = False
            try:
                # In the background, waiting for another sender of this process is fine.
                send_outbox(self.ws, by="console", wait=True)
            except Exception:  # the next act or the daemon's tick tries again
                log.exception("the console could not send the email outbox")


def install(app: Flask, ws: Workspace) -> Mailer:
    """Send the outbox after every POST the console answered without an error."""
    mailer = Mailer(ws)
    app.extensions[_KEY] = mailer

    @app.after_request
    def send_after_acts(response: Response) -> Response:
        if request.method == "POST" and response.status_code < 400:
            mailer.kick()
        return response

    return mailer


def mailer() -> Mailer:
    """The current app's mailer."""
    found: Mailer = current_app.extensions[_KEY]
    return found
