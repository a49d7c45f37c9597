"""Running the daemon: forever (APScheduler wakes it) or one tick (cron, tests). Logging is
configured here, with the redacting filter, before anything can log a secret."""

from __future__ import annotations

import logging

from scheduler.alerts import channels_from_config
from scheduler.daemon.child import font_problems_in_child
from scheduler.daemon.daemon import Daemon, lock_for, run_once
from scheduler.daemon.lock import InstanceLock
from scheduler.daemon.runtime import build_platforms, build_worker, configure_logging
from scheduler.daemon.tick import TickReport, Worker
from scheduler.operations.context import Workspace

__all__ = ["TickReport", "run_daemon", "run_one_tick", "start_logging"]

log = logging.getLogger("scheduler.daemon.daemon")


def start_logging(ws: Workspace, log_format: str | None = None) -> None:
    """One line per event on stderr (text or JSON), UTC timestamps, secrets redacted."""
    configure_logging(log_format or ws.config.daemon.log_format)


def _warn_about_fonts() -> None:
    # Start-up says so when fonts or RAQM are missing rather than degrading silently;
    # checked in a child so the daemon itself never loads Pillow.
    for problem in font_problems_in_child():
        log.warning("cards: %s", problem)


def run_one_tick(ws: Workspace, log_format: str | None = None) -> TickReport:
    """One idempotent tick under the instance lock: heartbeat, reconcile, mark missed,
    publish what is due, poll engagement. Raises AnotherInstance if a daemon holds the lock."""
    start_logging(ws, log_format)
    _warn_about_fonts()
    worker = build_worker(ws.config, ws.store, ws.clock)
    report: TickReport = run_once(worker, lock_for(ws.config.database.url, ws.store.engine))
    return report


def run_daemon(ws: Workspace, log_format: str | None = None) -> int:
    """Run until SIGTERM/SIGINT (finishing the call in flight); returns the exit code.
    Configuration and credential errors are raised (exit 78) before anything starts; a
    faulty database is waited for, not raised (see `scheduler.daemon.health`)."""
    start_logging(ws, log_format)
    _warn_about_fonts()
    config = ws.config
    clock = ws.clock
    platforms = build_platforms(config, clock)  # missing credentials: exit 78, not a retry

    def connect() -> tuple[Worker, InstanceLock]:
        store = ws.store  # opened (and migrated) here, so a fault is retried
        worker = build_worker(config, store, clock, platforms=platforms)
        return worker, lock_for(config.database.url, store.engine)

    daemon = Daemon(
        connect,
        tick_every=config.daemon.tick,
        timezone=config.schedule.timezone,
        slot_day=config.schedule.day,
        slot_time=config.schedule.time,
        channels=channels_from_config(config.alerts),
        clock=clock,
    )
    daemon.install_signal_handlers()
    return daemon.run()
