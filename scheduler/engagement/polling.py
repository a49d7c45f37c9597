"""Engagement polling: snapshots of every published post at the `[engagement] poll_after`
offsets, and the monthly summary after the 28-day snapshot.

How a round works (the daemon runs one every tick, as a chore):
1. Every post newly `posted` gets one `due` snapshot row per offset (`posted_at + offset`).
2. Per platform, unless a rate limit persisted in `engagement_platforms` is still running,
   every due row is collected and the platform's `metrics()` is called **once** for all
   those posts (the adapter batches: X 100 ids a call, LinkedIn 20 URNs, Bluesky 25 URIs).
3. Per post only the latest due offset is filled in; earlier due offsets (the daemon was
   down while they fell due) become `skipped`. So a restart polls once, not once per miss.
4. A 429 blocks that platform until its reset (or 15 minutes when none is given), stored so
   a restart honours it. A refusal no retry can fix (X tier 403/402, a token without the
   LinkedIn scope) marks the due rows `unavailable` with the reason, once: the next call
   happens only when the next snapshot falls due, never every tick. Transient failures
   (5xx, connection) leave the rows due and back off 15 minutes; an expired or revoked
   token (401) leaves them due and looks again hourly until `vignettes auth` fixes it.

Nothing here reads the wall clock: the round gets `now`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

from scheduler.alerts import Alerter
from scheduler.config import Config, format_duration
from scheduler.engagement.figures import FIGURES
from scheduler.engagement.summary import send_summaries
from scheduler.platforms.base import Metrics, Platform, PlatformError, RateLimited, RemoteRef
from vignettes.store.models import (
    EngagementPlatform,
    EngagementSnapshot,
    Post,
)
from vignettes.store.queries import Store

log = logging.getLogger(__name__)

DEFAULT_BACKOFF = dt.timedelta(minutes=15)
REAUTH_BACKOFF = dt.timedelta(hours=1)
MAX_GAPS = 12
RESOLVED = ("taken", "unavailable", "skipped")


def plan_round(
    due: Iterable[tuple[int, int, int]],
) -> tuple[dict[int, int], list[int]]:
    """From due rows `(row_id, post_id, offset_seconds)`: the row to poll per post (its
    latest due offset) and the rows to mark skipped (earlier offsets missed while down)."""
    latest: dict[int, tuple[int, int]] = {}
    skipped: list[int] = []
    for row_id, post_id, offset in due:
        best = latest.get(post_id)
        if best is None or offset > best[1]:
            if best is not None:
                skipped.append(best[0])
            latest[post_id] = (row_id, offset)
        else:
            skipped.append(row_id)
    return {post_id: row_id for post_id, (row_id, _) in latest.items()}, skipped


def figures_of(metrics: Metrics) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(metrics, name) for name in FIGURES}
    values["engagement_rate"] = metrics.engagement_rate
    return values


@dataclass(frozen=True)
class _Due:
    row_id: int
    post_id: int
    offset_seconds: int
    remote_id: str
    posted_at: dt.datetime


class EngagementPoller:
    """The engagement chore: call it with `now`; it returns report lines. Raises nothing
    for platform failures (they are stored and shown); database errors propagate."""

    __name__ = "engagement"

    def __init__(
        self,
        store: Store,
        config: Config,
        platforms: Mapping[str, Platform],
        alerts: Alerter | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.platforms = platforms
        self.alerts = alerts

    def __call__(self, now: dt.datetime) -> list[str]:
        return self.poll(now)

    def poll(self, now: dt.datetime) -> list[str]:
        """One round: schedule new posts, poll what is due per platform, send summaries."""
        self.schedule_new_posts(now)
        lines: list[str] = []
        for name, platform in self.platforms.items():
            lines += self.poll_platform(name, platform, now)
        lines += self.send_summaries(now)
        return lines

    # ---- scheduling --------------------------------------------------------------------

    def schedule_new_posts(self, now: dt.datetime) -> int:
        """Create the due rows of every posted post that has none yet; returns how many
        posts were scheduled."""
        offsets = self.config.engagement.poll_after
        if not offsets:
            return 0
        with self.store.write() as session:
            posts = session.execute(
                select(Post.id, Post.platform, Post.posted_at).where(
                    Post.state == "posted",
                    Post.remote_id.is_not(None),
                    Post.posted_at.is_not(None),
                    ~exists().where(EngagementSnapshot.post_id == Post.id),
                )
            ).all()
            rows = [
                {
                    "post_id": post_id,
                    "platform": platform,
                    "offset_label": format_duration(offset),
                    "offset_seconds": int(offset.total_seconds()),
                    "due_at": _aware(posted_at) + offset,
                    "state": "due",
                    "unavailable": [],
                    "raw": {},
                    "updated_at": now,
                }
                for post_id, platform, posted_at in posts
                for offset in offsets
            ]
            if rows:
                session.execute(insert(EngagementSnapshot), rows)
        return len(posts)

    # ---- one platform ------------------------------------------------------------------

    def poll_platform(self, name: str, platform: Platform, now: dt.datetime) -> list[str]:
        """Poll every due snapshot of one platform with one `metrics()` call."""
        with self.store.read() as session:
            state = _platform_state(session, name)
            if state is not None and state.blocked_until and state.blocked_until > now:
                return []  # rate limited: nothing is sent before the reset
            due = [
                _Due(row_id, post_id, offset, remote_id or "", _aware(posted_at))
                for row_id, post_id, offset, remote_id, posted_at in session.execute(
                    select(
                        EngagementSnapshot.id,
                        EngagementSnapshot.post_id,
                        EngagementSnapshot.offset_seconds,
                        Post.remote_id,
                        Post.posted_at,
                    )
                    .join(Post, Post.id == EngagementSnapshot.post_id)
                    .where(
                        EngagementSnapshot.platform == name,
                        EngagementSnapshot.state == "due",
                        EngagementSnapshot.due_at <= now,
                    )
                    .order_by(EngagementSnapshot.post_id, EngagementSnapshot.offset_seconds)
                )
            ]
        if not due:
            return []
        take, skip = plan_round((d.row_id, d.post_id, d.offset_seconds) for d in due)
        polled = [d for d in due if take.get(d.post_id) == d.row_id]
        refs = [RemoteRef(d.remote_id, d.posted_at) for d in polled]
        try:
            metrics = platform.metrics(refs)
        except RateLimited as exc:
            until = exc.retry_after if exc.retry_after and exc.retry_after > now else None
            return [self._block(name, until or now + DEFAULT_BACKOFF, exc.message, now)]
        except PlatformError as exc:
            if exc.needs_reauth and exc.status == 401:
                # An expired or revoked token is fixed by `vignettes auth`, not by a tier
                # change: keep the snapshots due and look again hourly, so none is lost.
                return [self._block(name, now + REAUTH_BACKOFF, exc.message, now)]
            if exc.permanent:
                return [self._refused(name, polled, skip, exc.message, now)]
            until = exc.retry_after if exc.retry_after and exc.retry_after > now else None
            return [self._block(name, until or now + DEFAULT_BACKOFF, exc.message, now)]
        return [self._record(name, polled, skip, metrics, now)]

    def _record(
        self,
        name: str,
        polled: Sequence[_Due],
        skip: Sequence[int],
        metrics: Sequence[Metrics],
        now: dt.datetime,
    ) -> str:
        by_id = {m.remote_id: m for m in metrics}
        outbox = self._mode(name) == "outbox"
        updates: list[dict[str, Any]] = []
        gaps: dict[str, None] = {}
        taken = 0
        for d in polled:
            m = by_id.get(d.remote_id) or Metrics(
                d.remote_id, unavailable=(f"{name} returned nothing for this post",)
            )
            figures = figures_of(m)
            if outbox:  # the outbox's zeros are not measurements
                figures = dict.fromkeys(figures)
            has_any = any(v is not None for v in figures.values())
            reasons = list(m.unavailable) or ([] if has_any else ["no figures returned"])
            gaps.update(dict.fromkeys(reasons))
            taken += has_any
            updates.append(
                {
                    "id": d.row_id,
                    "state": "taken" if has_any else "unavailable",
                    "taken_at": now,
                    "unavailable": reasons,
                    "raw": m.raw,
                    "updated_at": now,
                    **figures,
                }
            )
        with self.store.write() as session:
            self._update(session, updates, skip, now)
            state = _platform_state(session, name, create=True, now=now)
            assert state is not None
            was_unavailable = bool(state.unavailable_reason)
            state.blocked_until, state.blocked_reason = None, ""
            state.last_polled_at = now
            state.gaps = list(gaps)[:MAX_GAPS]
            if outbox:
                state.unavailable_reason = next(iter(gaps), "outbox mode")
                state.unavailable_since = state.unavailable_since or now
            else:
                state.unavailable_reason, state.unavailable_since = "", None
            state.updated_at = now
        if was_unavailable and not outbox and self.alerts is not None:
            self.alerts.resolve(f"engagement:{name}", now=now)
        line = f"engagement {name}: {taken} of {len(polled)} snapshot(s) taken"
        return line + (f", {len(skip)} missed offset(s) skipped" if skip else "")

    def _refused(
        self, name: str, polled: Sequence[_Due], skip: Sequence[int], reason: str, now: dt.datetime
    ) -> str:
        """A refusal retrying cannot fix: record the due snapshots unavailable, once."""
        updates = [
            {
                "id": d.row_id,
                "state": "unavailable",
                "taken_at": now,
                "unavailable": [reason],
                "updated_at": now,
            }
            for d in polled
        ]
        with self.store.write() as session:
            self._update(session, updates, skip, now)
            state = _platform_state(session, name, create=True, now=now)
            assert state is not None
            state.unavailable_reason = reason
            state.unavailable_since = state.unavailable_since or now
            state.blocked_until, state.blocked_reason = None, ""
            state.last_polled_at = now
            state.gaps = [reason]
            state.updated_at = now
        log.warning("engagement %s unavailable: %s", name, reason)
        if self.alerts is not None:
            self.alerts.raise_alert(
                f"engagement:{name}",
                "warning",
                f"{name} engagement could not be read: {reason}. {len(polled)} snapshot(s) "
                "recorded as unavailable; the next try is when the next snapshot falls due.",
                now=now,
            )
        return f"engagement {name}: unavailable ({reason}); {len(polled)} snapshot(s) recorded"

    def _block(self, name: str, until: dt.datetime, reason: str, now: dt.datetime) -> str:
        with self.store.write() as session:
            state = _platform_state(session, name, create=True, now=now)
            assert state is not None
            state.blocked_until, state.blocked_reason = until, reason
            state.updated_at = now
        log.warning("engagement %s: %s; next try at %s", name, reason, until.isoformat())
        return f"engagement {name}: waiting until {until.isoformat()} ({reason})"

    @staticmethod
    def _update(
        session: Session, updates: list[dict[str, Any]], skip: Sequence[int], now: dt.datetime
    ) -> None:
        # Only rows still due are touched: a second poller racing this one cannot overwrite.
        # One executemany per kind of update keeps 10,000 posts to a few statements.
        if updates:
            table = EngagementSnapshot.__table__
            columns = [k for k in updates[0] if k != "id"]
            stmt = (
                table.update()  # type: ignore[attr-defined]
                .where(table.c.id == bindparam("row_id"), table.c.state == "due")
                .values({c: bindparam(c) for c in columns})
            )
            session.execute(
                stmt, [{"row_id": u["id"], **{c: u[c] for c in columns}} for u in updates]
            )
        for start in range(0, len(skip), 500):  # SQLite caps bound parameters per statement
            session.execute(
                update(EngagementSnapshot)
                .where(
                    EngagementSnapshot.id.in_(skip[start : start + 500]),
                    EngagementSnapshot.state == "due",
                )
                .values(state="skipped", updated_at=now)
            )

    def _mode(self, name: str) -> str:
        platform = getattr(self.config.platforms, name, None)
        return str(getattr(platform, "mode", "live"))

    def send_summaries(self, now: dt.datetime) -> list[str]:
        """The monthly summaries now due (see `scheduler.engagement.summary`)."""
        return send_summaries(self.store, self.config, self.alerts, now)


def _aware(when: dt.datetime | None) -> dt.datetime:
    assert when is not None  # the queries select only posts with a posted_at
    return when


def _platform_state(
    session: Session, name: str, *, create: bool = False, now: dt.datetime | None = None
) -> EngagementPlatform | None:
    row = session.scalars(
        select(EngagementPlatform).where(EngagementPlatform.platform == name)
    ).first()
    if row is None and create:
        assert now is not None
        row = EngagementPlatform(
            platform=name, blocked_reason="", unavailable_reason="", gaps=[], updated_at=now
        )
        session.add(row)
        session.flush()
    return row
