"""A signal that comes while the scheduler is still being set up stops it all the same:
the shutdown waits for it to start, instead of failing and leaving a `start()` that would
block until systemd kills the daemon."""

from __future__ import annotations

import threading
import time

from apscheduler.schedulers.blocking import BlockingScheduler

from scheduler.daemon.stopping import shut_down_once_started


def started_later(scheduler: BlockingScheduler, finished: threading.Event) -> threading.Thread:
    """`scheduler.start()` in a thread, a moment from now (as the daemon reaches it)."""

    def start() -> None:
        time.sleep(0.3)
        try:
            scheduler.start()
        finally:
            finished.set()

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    return thread


def test_a_shutdown_asked_before_the_scheduler_starts_stops_it_once_it_has() -> None:
    scheduler = BlockingScheduler()
    finished = threading.Event()
    runner = started_later(scheduler, finished)

    shut_down_once_started(scheduler, finished)  # the signal came first

    runner.join(timeout=5)
    assert not runner.is_alive() and finished.is_set()
    assert not scheduler.running


def test_a_shutdown_gives_up_when_the_daemon_will_not_start_the_scheduler() -> None:
    finished = threading.Event()
    finished.set()  # the daemon saw the signal in time and never called start()

    began = time.monotonic()
    shut_down_once_started(BlockingScheduler(), finished)

    assert time.monotonic() - began < 1


def test_a_running_scheduler_is_shut_down_at_once() -> None:
    scheduler = BlockingScheduler()
    finished = threading.Event()
    runner = started_later(scheduler, finished)
    while not scheduler.running:
        time.sleep(0.01)

    shut_down_once_started(scheduler, finished)

    runner.join(timeout=5)
    assert not runner.is_alive()
