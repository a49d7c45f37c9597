"""`vignettes run`: APScheduler wiring, the single-instance lock and signals. No business
logic: every wake-up calls the same idempotent `Worker.tick`.

- Jobs live in memory and are rebuilt from config at start (no pickled job store: it
  silently deletes jobs it cannot load). A cron job at the slot time, an interval tick, and
  a one-off wake-up at the next retry or (holiday-moved) slot time.
- One executor thread, `max_instances=1`, `coalesce=True`: ticks never overlap.
- Single instance (`scheduler.daemon.lock`), re-checked each tick, so a second host waits
  as a standby and takes over when the first dies. Cards render in a child process
  (`scheduler.daemon.child`).
- SIGTERM/SIGINT: finish the call in flight, commit, exit 0; a second signal exits at once.
- A faulty database (at start or in a tick) is logged in one line and retried with a
  growing delay, never a crash loop (`scheduler.daemon.health`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any, TypeVar

from scheduler.alerts import Channel
from scheduler.clock import Clock
from scheduler.daemon.child import render_in_child
from scheduler.daemon.health import LONGEST_RETRY, DatabaseHealth
from scheduler.daemon.lock import (
    EXIT_ANOTHER_INSTANCE,
    AnotherInstance,
    FileLock,
    InstanceLock,
    lock_for,
)
from scheduler.daemon.stopping import shut_down_once_started
from scheduler.daemon.tick import Worker
from vignettes.errors import StoreError
from vignettes.store.faults import DatabaseURLInvalid

log = logging.getLogger(__name__)
T = TypeVar("T")

STANDBY_POLL = dt.timedelta(seconds=5)
STANDBY_STATUS = "STATUS=standby: another daemon holds the lock"


class Notifier:
    """systemd's sd_notify protocol (READY=1, WATCHDOG=1, STOPPING=1): one datagram to
    $NOTIFY_SOCKET. Ten lines of stdlib rather than an unmaintained package."""

    def __init__(self) -> None:
        self.address = os.environ.get("NOTIFY_SOCKET", "")
        usec = os.environ.get("WATCHDOG_USEC", "")
        self.watchdog = dt.timedelta(microseconds=int(usec)) if usec.isdigit() else None

    def send(self, message: str) -> None:
        if not self.address:
            return
        address = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            try:
                sock.sendto(message.encode(), address)
            except OSError as exc:
                log.warning("sd_notify failed: %s", exc)


Connect = Callable[[], tuple[Worker, InstanceLock]]


class Daemon:
    """`connect` opens the database and builds the worker and the instance lock; it is
    retried (see `scheduler.daemon.health`) while the database is faulty."""

    def __init__(
        self,
        connect: Connect,
        *,
        tick_every: dt.timedelta,
        timezone: str,
        slot_day: str,
        slot_time: dt.time,
        standby_poll: dt.timedelta | None = None,
        notifier: Notifier | None = None,
        channels: Sequence[Channel] = (),
        clock: Clock | None = None,
    ) -> None:
        self.connect = connect
        self.tick_every = tick_every
        self.timezone = timezone
        self.slot_day = slot_day
        self.slot_time = slot_time
        # A standby asks for the lock often (a cheap query) so that it takes over within
        # seconds of the active daemon dying.
        self.standby_poll = standby_poll or min(tick_every, STANDBY_POLL)
        self.notifier = notifier or Notifier()
        self.stopping = threading.Event()
        # Retries of a faulty database back off up to one tick interval.
        self.health = DatabaseHealth(
            self.notifier.send,
            channels,
            clock=clock,
            longest_retry=min(tick_every.total_seconds(), LONGEST_RETRY),
        )
        self.worker: Worker
        self.lock: InstanceLock
        self._signals = 0
        self._scheduler: Any = None
        self._scheduler_finished = threading.Event()
        self._tick_started: float | None = None
        self._exit_code = 0
        self._watchdog_started = False
        self._ready_sent = False

    # ---- signals ----------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self._signals += 1
        if self._signals > 1:
            log.warning("second %s: exiting at once", signal.Signals(signum).name)
            os._exit(1)
        log.info("%s: finishing the call in flight, then stopping", signal.Signals(signum).name)
        self.notifier.send("STOPPING=1")
        self.stopping.set()
        if self._scheduler is not None:
            # From a signal handler: ask, do not wait (the tick thread is finishing its
            # call). The scheduler may still be starting: see `stopping`.
            threading.Thread(
                target=shut_down_once_started,
                args=(self._scheduler, self._scheduler_finished),
                daemon=True,
            ).start()

    # ---- running ----------------------------------------------------------------------

    def run(self) -> int:
        """Block until stopped; returns the exit code.

        READY=1 goes to systemd once the checks are done and the lock is held (or this
        daemon is waiting as a standby, or for a faulty database), *before* the first tick:
        a first tick that sends through slow networks must not be killed by systemd's start
        timeout mid-send."""
        log.info(
            "daemon starting (pid %d): tick every %s, slots on %r at %s %s",
            os.getpid(),
            self.tick_every,
            self.slot_day,
            self.slot_time.strftime("%H:%M"),
            self.timezone,
        )
        try:
            return self._run()
        finally:
            log.info("daemon stopped")

    def _run(self) -> int:
        if not self._retrying(self._connect):
            return 0
        acquired = self._retrying(self.lock.acquire)
        if acquired is None:
            return 0
        if not acquired:
            if isinstance(self.lock, FileLock):
                raise AnotherInstance(
                    f"another daemon ({self.lock.holder()}) holds {self.lock.path}; "
                    "only one may run against this database"
                )
            log.info("another daemon holds the PostgreSQL lock: waiting as standby")
            self.worker.role = "standby"
            self._ready(STANDBY_STATUS)
            if not self._wait_as_standby():
                return 0
            self.worker.role = "active"
            log.info("lock acquired: this daemon is now active")
            self.notifier.send("STATUS=active")
        else:
            self._ready("STATUS=active")
        try:
            self._tick_safely()
            if not self.stopping.is_set():
                self._schedule_and_block()
        finally:
            self.lock.release()
        return self._exit_code

    def _connect(self) -> bool:
        self.worker, self.lock = self.connect()
        # Render cards in a child process: see `render_in_child`.
        self.worker.publisher.renderer = render_in_child
        self.worker.publisher.should_stop = self.stopping.is_set
        return True

    def _retrying(self, step: Callable[[], T]) -> T | None:
        """`step()`, retried while the database is faulty (StoreError), with a growing delay;
        None if asked to stop meanwhile. systemd is told READY=1 at the first fault, with
        the fault as STATUS=, so that it neither kills a daemon that is only waiting (start
        timeout, watchdog) nor restarts it into the same fault."""
        while not self.stopping.is_set():
            try:
                result = step()
            except DatabaseURLInvalid:
                raise  # configuration (exit 78): waiting cannot fix it, a person must
            except StoreError as exc:
                delay = self.health.failed(exc)
                self._ready()
                self.stopping.wait(delay)
                continue
            self.health.recovered()
            return result
        return None

    def _ready(self, status: str = "") -> None:
        if not self._ready_sent:
            self.notifier.send("READY=1" + (f"\n{status}" if status else ""))
            self._ready_sent = True
            self._start_watchdog()
        elif status:
            self.notifier.send(status)

    def _wait_as_standby(self) -> bool:
        """Poll for the lock every `standby_poll`; heartbeat once per tick interval."""
        last_beat = float("-inf")
        while not self.stopping.wait(self.standby_poll.total_seconds()):
            if time.monotonic() - last_beat >= self.tick_every.total_seconds():
                try:
                    self.worker.heartbeat(self.worker.clock.now())
                    if not self.health.healthy:
                        self.health.recovered()
                        self.notifier.send(STANDBY_STATUS)
                except StoreError as exc:  # the database may be restarting: keep waiting
                    self.health.failed(exc)
                except Exception:
                    log.exception("standby heartbeat failed")
                last_beat = time.monotonic()
            try:
                if self.lock.acquire():
                    return True
            except StoreError as exc:
                self.health.failed(exc)
            except Exception:
                log.exception("could not ask PostgreSQL for the lock; trying again")
                self.lock.release()
        return False

    def _schedule_and_block(self) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.blocking import BlockingScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        # APScheduler logs every job run at INFO: two lines per tick, for years. Our own
        # tick logs what happened; keep APScheduler's warnings (misfires, errors) only.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        scheduler = BlockingScheduler(
            timezone=self.timezone,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        scheduler.add_job(
            self._tick_safely,
            CronTrigger(
                day=self.slot_day,
                hour=self.slot_time.hour,
                minute=self.slot_time.minute,
                timezone=self.timezone,
            ),
            id="slot",
            name="slot time",
        )
        scheduler.add_job(
            self._tick_safely,
            IntervalTrigger(seconds=self.tick_every.total_seconds(), timezone=self.timezone),
            id="tick",
            name="tick",
        )
        self._scheduler = scheduler
        try:
            self._plan_wake()
            if self.stopping.is_set():
                return
            scheduler.start()  # blocks until shutdown
        finally:
            self._scheduler_finished.set()

    def _plan_wake(self) -> None:
        wake = getattr(self, "_next_wake", None)
        if self._scheduler is None or wake is None:
            return
        from apscheduler.triggers.date import DateTrigger

        from scheduler.clock import SystemClock

        # `wake` is on the worker's clock; APScheduler runs on the wall clock. Convert the
        # delay, so that a clock set elsewhere (VIGNETTES_FAKE_NOW rehearsals) neither fires
        # a wake-up in the past over and over nor sleeps past it.
        delay = max(wake - self.worker.clock.now(), dt.timedelta(0))
        self._scheduler.add_job(
            self._tick_safely,
            DateTrigger(run_date=SystemClock().now() + delay),
            id="wake",
            name="next retry or slot",
            replace_existing=True,
        )

    def _tick_safely(self) -> None:
        if self.stopping.is_set():
            return
        if not self.lock.still_held():
            log.error("the instance lock was lost: stopping so another daemon can take over")
            # Non-zero, so that systemd (Restart=on-failure) starts this one again as a
            # standby (or active, if the other side is gone too).
            self._exit_code = EXIT_ANOTHER_INSTANCE
            self.stopping.set()
            if self._scheduler is not None:
                threading.Thread(target=self._scheduler.shutdown, daemon=True).start()
            return
        self._tick_started = time.monotonic()
        try:
            report = self.worker.tick()
            self.health.recovered()
            if report.next_wake != getattr(self, "_next_wake", None):
                # Logged when it changes, not every tick: what an operator wants to know.
                when = report.next_wake.isoformat() if report.next_wake else "none planned"
                log.info("next wake-up: %s (a retry or a slot)", when)
            self._next_wake = report.next_wake
            # Shown by `systemctl status`; tests wait on it to know a tick has finished.
            self.notifier.send(f"STATUS=active, last tick {report.at:%Y-%m-%d %H:%M:%S}Z")
            for line in report.reconciled + report.missed + report.chores:
                log.info("%s", line)
            for month in report.published:
                log.info(
                    "publish %s: %s %s %s",
                    month.month,
                    month.slot_state,
                    month.ref or "-",
                    " ".join(f"{k}={v}" for k, v in month.posts.items()),
                )
        except StoreError as exc:
            # The database itself: one line, not a traceback; try again sooner than the
            # next tick while the delay is short.
            delay = self.health.failed(exc)
            self._next_wake = self.worker.clock.now() + dt.timedelta(seconds=delay)
        except Exception:  # the daemon never dies because of one tick
            log.exception("tick failed; the next tick will try again")
        finally:
            self._tick_started = None
        self._plan_wake()

    def _start_watchdog(self) -> None:
        if self.notifier.watchdog is None or self._watchdog_started:
            return
        self._watchdog_started = True
        interval = self.notifier.watchdog.total_seconds() / 2
        stuck_after = max(self.notifier.watchdog.total_seconds() * 4, 600)

        def keepalive() -> None:
            while not self.stopping.wait(interval):
                started = self._tick_started
                if started is None or time.monotonic() - started < stuck_after:
                    self.notifier.send("WATCHDOG=1")

        threading.Thread(target=keepalive, name="watchdog", daemon=True).start()


def run_once(worker: Worker, lock: InstanceLock) -> Any:
    """One tick under the lock (cron users, tests); raises AnotherInstance if held."""
    if not lock.acquire():
        holder = lock.holder() if isinstance(lock, FileLock) else "another daemon"
        raise AnotherInstance(f"{holder} holds the instance lock; not ticking")
    try:
        return worker.tick()
    finally:
        lock.release()


StopCheck = Callable[[], bool]


__all__ = [
    "EXIT_ANOTHER_INSTANCE",
    "AnotherInstance",
    "Daemon",
    "lock_for",
    "run_once",
]
