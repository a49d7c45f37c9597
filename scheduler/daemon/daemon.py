"""`vignettes run`: APScheduler wiring, the single-instance lock and signals. No business
logic: every wake-up calls the same idempotent `Worker.tick`.

- Jobs live in memory and are rebuilt from config at start (no pickled job store: it
  silently deletes jobs it cannot load). A cron job at the slot time, an interval tick, and
  a one-off wake-up at the next retry or (holiday-moved) slot time.
- One executor thread, `max_instances=1`, `coalesce=True`: ticks never overlap.
- Single instance: `flock` on a lock file beside the SQLite database; on PostgreSQL a
  session advisory lock on a dedicated connection, re-checked each tick, so a second host
  waits as a standby and takes over when the first dies.
- SIGTERM/SIGINT: finish the call in flight, commit, exit 0; a second signal exits at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from scheduler.daemon.tick import Worker
from scheduler.errors import SchedulerError

log = logging.getLogger(__name__)

PG_LOCK_KEY = 727_002
STANDBY_POLL = dt.timedelta(seconds=5)
EXIT_ANOTHER_INSTANCE = 75  # EX_TEMPFAIL: systemd may restart it later


class AnotherInstance(SchedulerError):
    exit_code = EXIT_ANOTHER_INSTANCE


class InstanceLock(Protocol):
    def acquire(self) -> bool: ...
    def still_held(self) -> bool: ...
    def release(self) -> None: ...


class FileLock:
    """`flock` beside the SQLite file: released by the kernel if the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{socket.gethostname()}:{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def still_held(self) -> bool:
        return self._fd is not None

    def holder(self) -> str:
        try:
            return self.path.read_text().strip() or "another process"
        except OSError:
            return "another process"

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class AdvisoryLock:
    """A PostgreSQL session advisory lock held on its own connection: if this process or
    its host dies, the server drops the session and the standby gets the lock."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._conn: Any = None

    def acquire(self) -> bool:
        from sqlalchemy import text

        if self._conn is None:
            self._conn = self.engine.connect()
        got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
        self._conn.commit()
        return bool(got.scalar())

    def still_held(self) -> bool:
        from sqlalchemy import text

        if self._conn is None:
            return False
        try:
            held = self._conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k "
                    "AND pid = pg_backend_pid() AND granted"
                ),
                {"k": PG_LOCK_KEY},
            ).scalar()
            self._conn.commit()
        except Exception:
            return False
        return bool(held)

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


def lock_for(database_url: str, engine: Any) -> InstanceLock:
    if database_url.startswith("sqlite:///"):
        path = Path(database_url[len("sqlite:///") :])
        return FileLock(path.with_name(path.name + ".lock"))
    return AdvisoryLock(engine)


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


class Daemon:
    def __init__(
        self,
        worker: Worker,
        lock: InstanceLock,
        *,
        tick_every: dt.timedelta,
        timezone: str,
        slot_day: str,
        slot_time: dt.time,
        standby_poll: dt.timedelta | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.worker = worker
        self.lock = lock
        self.tick_every = tick_every
        self.timezone = timezone
        self.slot_day = slot_day
        self.slot_time = slot_time
        # A standby asks for the lock often (a cheap query) so that it takes over within
        # seconds of the active daemon dying.
        self.standby_poll = standby_poll or min(tick_every, STANDBY_POLL)
        self.notifier = notifier or Notifier()
        self.stopping = threading.Event()
        # Render cards in a child process: see `render_in_child`.
        worker.publisher.renderer = render_in_child
        self._signals = 0
        self._scheduler: Any = None
        self._tick_started: float | None = None
        self._exit_code = 0

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
            # From a signal handler: ask, do not wait (the tick thread is finishing its call).
            threading.Thread(
                target=self._scheduler.shutdown, kwargs={"wait": True}, daemon=True
            ).start()

    # ---- running ----------------------------------------------------------------------

    def run(self) -> int:
        """Block until stopped; returns the exit code.

        READY=1 goes to systemd once the checks are done and the lock is held (or this
        daemon is waiting as a standby), *before* the first tick: a first tick that sends
        through slow networks must not be killed by systemd's start timeout mid-send."""
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
        if not self.lock.acquire():
            if isinstance(self.lock, FileLock):
                raise AnotherInstance(
                    f"another daemon ({self.lock.holder()}) holds {self.lock.path}; "
                    "only one may run against this database"
                )
            log.info("another daemon holds the PostgreSQL lock: waiting as standby")
            self.worker.role = "standby"
            self.notifier.send("READY=1\nSTATUS=standby: another daemon holds the lock")
            self._start_watchdog()
            if not self._wait_as_standby():
                return 0
            self.worker.role = "active"
            log.info("lock acquired: this daemon is now active")
            self.notifier.send("STATUS=active")
        else:
            self.notifier.send("READY=1\nSTATUS=active")
            self._start_watchdog()
        try:
            self._tick_safely()
            if not self.stopping.is_set():
                self._schedule_and_block()
        finally:
            self.lock.release()
        return self._exit_code

    def _wait_as_standby(self) -> bool:
        """Poll for the lock every `standby_poll`; heartbeat once per tick interval."""
        last_beat = float("-inf")
        while not self.stopping.wait(self.standby_poll.total_seconds()):
            if time.monotonic() - last_beat >= self.tick_every.total_seconds():
                try:
                    self.worker.heartbeat(self.worker.clock.now())
                except Exception:  # the database may be restarting: keep waiting
                    log.exception("standby heartbeat failed")
                last_beat = time.monotonic()
            try:
                if self.lock.acquire():
                    return True
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
        self._plan_wake()
        if self.stopping.is_set():
            return
        scheduler.start()  # blocks until shutdown

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
        except Exception:  # the daemon never dies because of one tick
            log.exception("tick failed; the next tick will try again")
        finally:
            self._tick_started = None
        self._plan_wake()

    def _start_watchdog(self) -> None:
        if self.notifier.watchdog is None:
            return
        interval = self.notifier.watchdog.total_seconds() / 2
        stuck_after = max(self.notifier.watchdog.total_seconds() * 4, 600)

        def keepalive() -> None:
            while not self.stopping.wait(interval):
                started = self._tick_started
                if started is None or time.monotonic() - started < stuck_after:
                    self.notifier.send("WATCHDOG=1")

        threading.Thread(target=keepalive, name="watchdog", daemon=True).start()


@dataclass(frozen=True)
class _Card:
    png: bytes


@dataclass(frozen=True)
class _Post:
    platform: str
    text: str
    alt_text: str
    card: _Card


@dataclass(frozen=True)
class _Rendered:
    """What the pipeline reads of a `RenderedVignette`, in classes that unpickle without
    importing the rendering stack into the daemon."""

    ref: str
    content_hash: str
    posts: tuple[_Post, ...]

    def post(self, platform: str) -> _Post:
        return next(p for p in self.posts if p.platform == platform)


RENDER_TIMEOUT_S = 120


def in_child(
    function: Callable[..., Any], *args: Any, what: str, timeout: float = RENDER_TIMEOUT_S
) -> Any:
    """`function(*args)` in a short-lived child process; its result comes back pickled.

    The daemon idles for weeks between publishes; Pillow, the fonts' tables and card
    images loaded in-process would stay resident (about +40 MB, most of it never returned
    to the OS). The child is *spawned*, not forked: the daemon has threads (scheduler,
    watchdog), and a forked child could inherit a lock one of them held and hang. It costs
    about a second each time. Raises SchedulerError with the child's message."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_main, args=(send, function, args), name=what, daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(timeout):
            kind, value = receive.recv()
        else:
            child.kill()
            kind, value = "error", f"{what} took over {timeout:.0f} s and was stopped"
    except EOFError:
        kind, value = "error", f"the {what} process ended without a result"
    finally:
        receive.close()
        child.join()
    if kind != "ok":
        raise SchedulerError(f"{value} ({what} process exit code {child.exitcode})")
    return value


def _child_main(send: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # A stop request is for the parent: this child finishes its few seconds of work.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        send.send(("ok", function(*args)))
    except SchedulerError as exc:
        send.send(("error", str(exc)))
    except Exception as exc:  # anything else still becomes a message on the slot row
        send.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()


def render_in_child(content: Any, config: Any, month: Any, *, platforms: Any) -> Any:
    """`scheduler.rendering.render_vignette`, run by `in_child`."""
    return in_child(_render, content, config, month, tuple(platforms), what="rendering")


def _render(content: Any, config: Any, month: Any, platforms: Any) -> _Rendered:
    from scheduler.publishing.rendering import render_vignette

    rendered = render_vignette(content, config, month, platforms=platforms)
    posts = tuple(_Post(p.platform, p.text, p.alt_text, _Card(p.card.png)) for p in rendered.posts)
    return _Rendered(rendered.ref, rendered.content_hash, posts)


def font_problems_in_child() -> list[str]:
    """The cards' fonts and RAQM layout, checked at start-up without loading Pillow here."""
    problems: list[str] = in_child(_font_problems, what="font check", timeout=60)
    return problems


def _font_problems() -> list[str]:
    from cards.fonts import font_status

    return [f"{s.name}: {s.detail}" for s in font_status() if not s.ok]


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
