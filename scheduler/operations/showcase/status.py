"""What `status` and the console's home page show: is the daemon alive, what is next, and
everything that needs a person. One query per concern, so it stays fast on a big database."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from scheduler.config import Config
from scheduler.engagement.report import platform_states
from scheduler.operations.context import Workspace
from scheduler.platforms.registry import INFO
from vignettes.planning.plan import PlanEntry, build_plan, clock_phase
from vignettes.planning.slots import current_month, slot_time
from vignettes.store import read_models
from vignettes.store.models import Alert, Heartbeat, MonthlySlot, Post
from vignettes.store.outbox import OutboxCounts
from vignettes.store.outbox import counts as outbox_counts
from vignettes.store.queries import Store, get_slot

STALE_HEARTBEAT = 3  # ticks without a heartbeat before status calls the daemon down
PLAN_MONTHS = 3  # months of plan status reads: enough for the next slot
OPEN_STATES = ("unknown", "failed", "needs_reauth", "pending", "sending")


@dataclass(frozen=True)
class DaemonSeen:
    instance: str
    role: str
    last_seen: dt.datetime
    age_seconds: int
    alive: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "instance": self.instance,
            "role": self.role,
            "last_seen": self.last_seen.isoformat(),
            "age_seconds": self.age_seconds,
            "alive": self.alive,
        }


@dataclass(frozen=True)
class PostState:
    platform: str
    state: str
    url: str | None
    reason: str | None
    attempts: int

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "url": self.url,
            "reason": self.reason,
            "attempts": self.attempts,
        }


@dataclass(frozen=True)
class ThisMonth:
    month: str
    slot_local: dt.datetime
    state: str
    ref: str | None
    reason: str | None
    posts: tuple[PostState, ...]
    # The plan's view of the month (queued or auto-picked case study, title, note), which
    # names a case study even before publishing fixes one on the slot.
    plan: PlanEntry | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "slot_local": self.slot_local.isoformat(),
            "state": self.state,
            "ref": self.ref,
            "reason": self.reason,
            "posts": {p.platform: p.to_json() for p in self.posts},
            "plan": self.plan.to_json() if self.plan else None,
        }


@dataclass(frozen=True)
class OpenPost:
    """A post that is not done: waiting, in flight, failed, unknown or needing re-auth."""

    month: str
    platform: str
    state: str
    reason: str
    attempts: int
    next_attempt_at: dt.datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "platform": self.platform,
            "state": self.state,
            "reason": self.reason,
            "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
        }


@dataclass(frozen=True)
class OpenAlert:
    key: str
    severity: str
    message: str
    since: dt.datetime
    count: int

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "severity": self.severity,
            "message": self.message,
            "since": self.since.isoformat(),
            "count": self.count,
        }


@dataclass(frozen=True)
class Status:
    now: dt.datetime
    daemons: tuple[DaemonSeen, ...]
    next_slot: PlanEntry | None
    this_month: ThisMonth
    problems: tuple[OpenPost, ...]
    alerts: tuple[OpenAlert, ...]
    credentials: tuple[str, ...]
    # Per platform: polling paused by a rate limit, refused (tier, scope, outbox), and
    # figures the last round could not read, each with the reason.
    engagement: dict[str, dict[str, Any]]
    # Figures an enabled platform has no API for at all (Bluesky impressions): shown as
    # "not offered", never as 0 or as a failure.
    not_offered: dict[str, tuple[str, ...]]
    # The email outbox, and whether `[email]` lets anything leave it.
    outbox: OutboxCounts | None = None
    email_sending: bool = False
    # Whether any post ever went out (a new installation has no engagement to read yet).
    posted_any: bool = False

    @property
    def email_note(self) -> str:
        """One line on the outbox for a person, or "" when there is nothing to say."""
        box = self.outbox
        if box is None:
            return ""
        parts = []
        if box.pending and not self.email_sending:
            parts.append(f"{box.pending} waiting: email is not configured ([email] in config.toml)")
        elif box.pending:
            parts.append(f"{box.pending} waiting")
        if box.failed:
            parts.append(f"{box.failed} failed")
        if box.unknown:
            parts.append(f"{box.unknown} may not have arrived (the server went quiet)")
        if parts and box.last_error:
            parts.append(f"last error: {box.last_error}")
        return "; ".join(parts)

    @property
    def daemon_alive(self) -> bool:
        return any(d.alive for d in self.daemons)

    def to_json(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "daemon": {
                "alive": self.daemon_alive,
                "instances": [d.to_json() for d in self.daemons],
            },
            "next_slot": self.next_slot.to_json() if self.next_slot else None,
            "this_month": self.this_month.to_json(),
            "problems": [p.to_json() for p in self.problems],
            "alerts": [a.to_json() for a in self.alerts],
            "credentials": list(self.credentials),
            "engagement": self.engagement,
            "not_offered": {name: list(figures) for name, figures in self.not_offered.items()},
            "email": {
                "sending": self.email_sending,
                "outbox": self.outbox.to_json() if self.outbox else None,
            },
        }


def status(ws: Workspace) -> Status:
    """The daemon's heartbeat, the next slot, this month's posts and what needs a person."""
    return build_status(ws.config, ws.store, ws.now())


@dataclass(frozen=True)
class _Read:
    """What status reads from the database (besides the credentials' files)."""

    beats: tuple[tuple[str, str, dt.datetime], ...]
    plan: tuple[PlanEntry, ...]
    this_month: ThisMonth
    problems: tuple[OpenPost, ...]
    engagement: dict[str, dict[str, Any]]
    alerts: tuple[OpenAlert, ...]
    outbox: OutboxCounts | None = None
    posted_any: bool = False


def build_status(config: Config, store: Store, now: dt.datetime) -> Status:
    """Status at `now`. What it reads is cached while the database is unchanged, under
    the only ways the clock enters it: the current month and whether each of the three
    months' slot and grace have passed (the heartbeats' ages are worked out afresh)."""
    phase = clock_phase(now, config.schedule, PLAN_MONTHS)
    read = read_models.cached(store, ("status", phase), lambda: _read(config, store, now))
    limit = config.daemon.tick * STALE_HEARTBEAT
    return Status(
        now=now,
        daemons=tuple(
            DaemonSeen(instance, role, at, int((now - at).total_seconds()), now - at <= limit)
            for instance, role, at in read.beats
        ),
        next_slot=next((e for e in read.plan if e.slot.utc > now), None),
        this_month=read.this_month,
        problems=read.problems,
        alerts=read.alerts,
        credentials=tuple(_credential_warnings(config, now)),
        engagement=copy.deepcopy(read.engagement),  # cached: each caller gets its own
        not_offered={
            name: INFO[name].not_offered
            for name in config.platforms.enabled()
            if INFO[name].not_offered
        },
        outbox=read.outbox,
        email_sending=config.email.sending,
        posted_any=read.posted_any,
    )


def _read(config: Config, store: Store, now: dt.datetime) -> _Read:
    here = current_month(now, config.schedule)
    with store.read() as session:
        beats = tuple(
            (b.instance, b.role, b.at)
            for b in session.scalars(select(Heartbeat).order_by(Heartbeat.at.desc()))
        )
        plan = build_plan(
            session,
            now=now,
            schedule=config.schedule,
            selection=config.selection,
            months=PLAN_MONTHS,
            candidates=read_models.candidates(store, session, config.selection.prefer_ready),
        )
        slot = get_slot(session, here)
        this_month = ThisMonth(
            month=str(here),
            slot_local=slot_time(here, config.schedule).local,
            state=slot.state if slot else "planned",
            ref=slot.case_study.ref if slot and slot.case_study else None,
            reason=(slot.reason or None) if slot else None,
            posts=tuple(
                PostState(p.platform, p.state, p.url, p.reason or None, p.attempts)
                for p in session.scalars(select(Post).where(Post.slot_id == slot.id))
            )
            if slot
            else (),
            plan=next((e for e in plan if e.month == here), None),
        )
        problems = tuple(
            OpenPost(p.slot.month, p.platform, p.state, p.reason, p.attempts, p.next_attempt_at)
            for p in session.scalars(
                select(Post)
                .join(MonthlySlot)
                .where(Post.state.in_(OPEN_STATES))
                .order_by(MonthlySlot.month)
            )
        )
        engagement = platform_states(session)
        alerts = tuple(
            OpenAlert(a.key, a.severity, a.message, a.first_at, a.count)
            for a in session.scalars(
                select(Alert).where(Alert.resolved_at.is_(None)).order_by(Alert.first_at)
            )
        )
        outbox = outbox_counts(session)
        posted_any = session.scalar(select(Post.id).where(Post.state == "posted").limit(1))
    return _Read(
        beats, tuple(plan), this_month, problems, engagement, alerts, outbox,
        posted_any is not None,
    )  # fmt: skip


def _credential_warnings(config: Config, now: dt.datetime) -> list[str]:
    li = config.platforms.linkedin
    if not (li.enabled and li.mode == "live"):
        return []
    from scheduler.credentials.tokens import TokenStore, expiry_warnings
    from scheduler.errors import ConfigError
    from scheduler.platforms.linkedin.version import linkedin_version_age_warning

    lines = []
    try:
        lines += [
            w.message for w in expiry_warnings(TokenStore.in_var_dir(config.daemon.var_dir), now)
        ]
    except ConfigError as exc:
        lines += exc.problems
    warning = linkedin_version_age_warning(li.version, now)
    if warning:
        lines.append(warning)
    return lines
