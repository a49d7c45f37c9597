"""Stopping APScheduler from a signal, whenever the signal comes.

A SIGTERM can arrive while the daemon is still setting its scheduler up (after the first
tick, before `start()` has marked it running). APScheduler then refuses `shutdown()`
("not running"), and the `start()` that follows would block for ever: systemd would wait
out `TimeoutStopSec` and kill the daemon. So the signal's shutdown keeps asking until the
scheduler has started, or until the daemon says it will not start it.
"""

from __future__ import annotations

import threading
from typing import Any

RETRY_SECONDS = 0.05


def shut_down_once_started(scheduler: Any, finished: threading.Event) -> None:
    """Shut `scheduler` down (waiting for the call in flight), first waiting for it to
    start if it has not yet; give up once `finished` is set (its `start()` returned, or
    the daemon decided not to call it)."""
    from apscheduler.schedulers import SchedulerNotRunningError

    while True:
        try:
            scheduler.shutdown(wait=True)
            return
        except SchedulerNotRunningError:
            if finished.wait(RETRY_SECONDS):
                return
