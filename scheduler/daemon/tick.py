"""One tick of daemon work, idempotent so that any number of wake-ups (cron job, interval,
restart, `run --once`) give the same result: heartbeat, reconcile, mark missed slots,
publish what is due within the grace window, poll engagement, check tokens.

The database is the source of truth for what is due (invariant 4); this module reads it
fresh every time and keeps nothing between ticks.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from scheduler.publishing.outcomes import GRACE_ENDED
from scheduler.publishing.publish import MonthReport, Publisher
from scheduler.publishing.reconcile import reconcile
from vignettes.errors import StoreError
from vignettes.planning.slots import Month, current_month
from vignettes.store.models import Heartbeat, MonthlySlot, Post
from vignettes.store.queries import get_slot, lock_month

log = logging.getLogger(__name__)

# Extra work a tick runs after publishing (engagement polling, token checks): each gets
# `now` and returns lines for the report; a failure there never stops the tick.
Chore = Callable[[dt.datetime], list[str]]


@dataclass
class TickReport:
    at: dt.datetime
    published: list[MonthReport] = field(default_factory=list)
    reconciled: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    chores: list[str] = field(default_factory=list)
    next_wake: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "published": [r.to_json() for r in self.published],
            "reconciled": self.reconciled,
            "missed": self.missed,
            "chores": self.chores,
            "next_wake": self.next_wake.isoformat() if self.next_wake else None,
        }


class Worker:
    def __init__(
        self, publisher: Publisher, chores: list[Chore] | None = None, *, role: str = "active"
    ) -> None:
        self.publisher = publisher
        self.chores = chores or []
        self.role = role
        self.host = socket.gethostname()

    @property
    def clock(self) -> Any:
        return self.publisher.clock

    def tick(self) -> TickReport:
        now = self.clock.now()
        report = TickReport(at=now)
        last_seen = self.last_seen()
        self.heartbeat(now)
        report.reconciled = self.publisher.record_unrecorded()
        try:
            report.reconciled += reconcile(self.publisher)
        except StoreError:
            raise  # the database itself: nothing else in this tick could work either
        except Exception:  # a platform answering oddly must not stop this tick's publishing
            log.exception("reconciliation failed; the next tick will try again")
        report.missed = self.mark_missed(now, since=last_seen)
        for month in self.due_months(now):
            if self.publisher.should_stop():
                return report
            report.published.append(self.publisher.publish_month(month))
        for chore in self.chores:
            if self.publisher.should_stop():
                return report
            try:
                report.chores += chore(self.clock.now())
            except StoreError:
                raise
            except Exception:  # one failing chore must not stop publishing next time
                log.exception("chore %s failed", getattr(chore, "__name__", chore))
        report.next_wake = self.next_wake(self.clock.now())
        return report

    # ---- what is due ------------------------------------------------------------------

    def due_months(self, now: dt.datetime) -> list[Month]:
        """Months whose slot has come and whose grace has not ended, with work left.
        Grace is under 28 days, so at most one month is ever due: never two at once."""
        publisher = self.publisher
        here = current_month(now, publisher.config.schedule)
        due = []
        for month in (here.shift(-1), here):
            slot = publisher.slot(month)
            if not slot.utc <= now < publisher.deadline(month):
                continue
            with publisher.store.read() as session:
                row = get_slot(session, month)
                done = row is not None and row.state in ("published", "missed", "skipped")
            if not done:
                due.append(month)
        return due

    def mark_missed(self, now: dt.datetime, since: dt.datetime | None = None) -> list[str]:
        """Slots whose grace ended with work undone: `missed` (or `partial`), alerted once.
        Months are checked back to when a daemon was last seen (`since`), so a long outage
        loses none silently. A slot that passed before this database's first daemon tick
        is `skipped` (no alert) only if nobody tried to publish it: one that was attempted
        (by hand, or by this first tick inside its grace window) and did not go out is
        `missed`, with a critical alert."""
        publisher = self.publisher
        schedule = publisher.config.schedule
        first_run = self.first_run()
        here = current_month(now, schedule)
        start = here.shift(-2)
        if since is not None:
            start = min(start, current_month(since, schedule).shift(-1))
        if first_run is not None:
            start = max(start, current_month(first_run, schedule).shift(-1))
        lines = []
        month = start
        while month <= here:
            if now >= publisher.deadline(month):
                line = self._close_month(month, now, first_run)
                if line:
                    lines.append(line)
            month = month.shift(1)
        return lines

    def _close_month(self, month: Month, now: dt.datetime, first_run: dt.datetime | None) -> str:
        publisher = self.publisher
        with publisher.store.write() as session:
            lock_month(session, month)
            slot = get_slot(session, month)
            if slot is not None and slot.state not in ("planned", "publishing"):
                return ""
            if slot is None:
                slot = MonthlySlot(month=str(month), state="planned", reason="")
                session.add(slot)
                session.flush()
            slot.scheduled_at = publisher.slot(month).utc
            posts = list(session.scalars(select(Post).where(Post.slot_id == slot.id)))
            for post in posts:
                if post.state == "pending":
                    post.state = "failed"
                    post.reason = (
                        post.reason + "; " if post.reason else ""
                    ) + f"{GRACE_ENDED} before it could be sent"
                    post.updated_at = now
            if posts and all(p.state == "posted" for p in posts):
                slot.state = "published"  # settled late, e.g. by reconciliation
                return ""
            if any(p.state == "posted" for p in posts):
                slot.state = "partial"
                return f"{month}: grace ended with some platforms not posted (partial)"
            # Publishing was attempted (a post row claimed or failed, a case study fixed on
            # the slot, or a reason it could not start: nothing to pick, cannot render): a
            # failure someone must hear of, however early in this database's life.
            attempted = (
                bool(posts)
                or slot.fixed_at is not None
                or slot.state == "publishing"
                or bool(slot.reason)
            )
            passed_unwatched = first_run is None or publisher.slot(month).utc < first_run
            if passed_unwatched and not attempted:
                slot.state = "skipped"
                slot.reason = "the slot passed before the daemon first ran on this database"
                return ""
            slot.state = "missed"
            slot.reason = slot.reason or f"{GRACE_ENDED} with nothing published"
            reason = slot.reason
        publisher.alerts.raise_alert(
            f"missed:{month}",
            "critical",
            f"{month}'s vignette was not published: {reason} (slot "
            f"{publisher.slot(month).local:%a %d %b %H:%M}, grace "
            f"{publisher.config.schedule.grace}). Publish it by hand with `vignettes "
            f"publish {month}` if it should still go out.",
            now=now,
        )
        return f"{month}: missed"

    def next_wake(self, now: dt.datetime) -> dt.datetime | None:
        """The earliest moment something could become due: a retry or the next slot."""
        publisher = self.publisher
        with publisher.store.read() as session:
            retry = session.scalar(
                select(Post.next_attempt_at)
                .where(Post.state == "pending", Post.next_attempt_at.is_not(None))
                .order_by(Post.next_attempt_at)
                .limit(1)
            )
        here = current_month(now, publisher.config.schedule)
        slots = [publisher.slot(m).utc for m in (here, here.shift(1))]
        upcoming = [t for t in (retry, *slots) if t is not None and t > now]
        return min(upcoming) if upcoming else None

    # ---- heartbeat ----------------------------------------------------------------------

    def heartbeat(self, now: dt.datetime) -> None:
        with self.publisher.store.write() as session:
            row = session.scalars(select(Heartbeat).where(Heartbeat.instance == self.host)).first()
            if row is None:
                row = Heartbeat(
                    instance=self.host, role=self.role, at=now, started_at=now, detail={}
                )
                session.add(row)
            row.at = now
            row.role = self.role
            row.detail = {"pid_instance": self.publisher.instance}

    def last_seen(self) -> dt.datetime | None:
        """When any daemon last ticked on this database (before this tick)."""
        with self.publisher.store.read() as session:
            return session.scalar(select(Heartbeat.at).order_by(Heartbeat.at.desc()).limit(1))

    def first_run(self) -> dt.datetime | None:
        with self.publisher.store.read() as session:
            return session.scalar(select(Heartbeat.started_at).order_by(Heartbeat.started_at))
