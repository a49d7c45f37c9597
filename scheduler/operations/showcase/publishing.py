"""Publishing a month by hand and settling a post whose outcome is unknown. The same
pipeline as the daemon's, so a person can never post twice what the daemon posted once.

A person may publish only the current month, a month still inside its grace window, or a
`missed`/`skipped` month (late, on purpose): `publish_refusal` is that rule, a pure function
both interfaces share. Anything else (next year's month from a typo, a long-gone month) is
refused unless forced, and a forced publish is recorded in the audit trail. The daemon
never goes through this rule: it publishes only what is due (`scheduler.daemon.tick`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scheduler.config import ScheduleConfig
from scheduler.daemon.runtime import build_worker
from scheduler.daemon.tick import Worker
from scheduler.errors import OperationFailed
from scheduler.operations.accounts.permissions import Permission, require
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.publishing.publish import MonthReport, post_rows
from scheduler.publishing.reconcile import reconcile
from vignettes.planning.slots import Month, current_month, slot_time
from vignettes.store import read_models
from vignettes.store.queries import audit, get_slot

__all__ = [
    "MonthReport",
    "PublishRefused",
    "Settled",
    "hand_publish_refusal",
    "is_post_address",
    "is_web_address",
    "month_succeeded",
    "publish_month",
    "publish_refusal",
    "settle",
]

# Slot states a person may publish late, on purpose: the daemon gave up on them (or they
# passed before it ever ran).
LATE_STATES = ("missed", "skipped")
NOT_STARTED = "not started"


class PublishRefused(OperationFailed):
    """A hand publish outside the bounds (exit 1); `reason` says why."""

    def __init__(self, month: Month, reason: str) -> None:
        self.month = month
        self.reason = reason
        super().__init__(f"not publishing {month}: {reason}")


def publish_refusal(
    month: Month, now: dt.datetime, schedule: ScheduleConfig, slot_state: str | None
) -> str | None:
    """Why `month` may not be published by hand at `now`, or None if it may: it is the
    current month (in the schedule's time zone), its slot has passed and its grace window
    has not ended, or it is past and `missed` or `skipped`. `slot_state` is the month's
    slot row state (None: no row yet)."""
    here = current_month(now, schedule)
    if month == here:
        return None
    slot = slot_time(month, schedule)
    deadline = slot.utc + schedule.grace
    if slot.utc <= now < deadline:
        return None
    if month > here:
        return (
            f"it is a future month (its slot is {slot.local:%a %d %b %Y %H:%M %Z}, when the "
            "daemon publishes it)"
        )
    if slot_state in LATE_STATES:
        return None
    ended = deadline.astimezone(schedule.tz)
    return (
        f"its grace window ended {ended:%a %d %b %Y %H:%M %Z} and it is "
        f"{slot_state or 'planned'}; only the current month, a month in its grace window, "
        "or a missed or skipped month may be published by hand"
    )


def hand_publish_refusal(ws: Workspace, month: Month) -> str | None:
    """`publish_refusal` for `month` as things stand now (its slot's state read from the
    store, cached until anyone commits: home asks on every load): why a person may
    not publish it now, or None if they may."""

    def read_state() -> str | None:
        with ws.store.read() as session:
            slot = get_slot(session, month)
            return slot.state if slot is not None else None

    state = read_models.cached(ws.store, ("slot state", str(month)), read_state)
    return publish_refusal(month, ws.now(), ws.config.schedule, state)


def _worker(ws: Workspace, actor: Actor) -> Worker:
    worker = build_worker(ws.config, ws.store, ws.clock)
    worker.publisher.via = actor.via
    worker.publisher.actor = actor.name  # the audit names the person, not this process
    return worker


def publish_month(ws: Workspace, actor: Actor, month: Month, *, force: bool = False) -> MonthReport:
    """Settle what can be settled, then publish `month` to every enabled platform that has
    not got it yet (a `missed` or `skipped` month is reopened: a person asked for it).
    The report's `posts` holds every enabled platform's state afterwards.

    Raises PublishRefused when `publish_refusal` refuses the month, unless `force`: then the
    override is recorded in the audit trail (who, through which interface, what was
    overridden) before anything is sent. Platform failures are recorded on their rows and
    alerted, not raised; raises ConfigError for missing credentials before anything is
    sent, PermissionDenied for a console role that may not publish now."""
    require(actor, Permission.PUBLISH_NOW)
    now = ws.now()
    refusal = hand_publish_refusal(ws, month)
    if refusal is not None and not force:
        raise PublishRefused(month, refusal)
    publisher = _worker(ws, actor).publisher
    if refusal is not None:
        with ws.store.write() as session:
            audit(
                session,
                at=now,
                actor=actor.name,
                via=actor.via,
                action="publish_forced",
                month=str(month),
                overrode=refusal,
            )
    reconcile(publisher)
    return _with_final_states(ws, publisher.publish_month(month, manual=True))


def _with_final_states(ws: Workspace, report: MonthReport) -> MonthReport:
    # What each enabled platform ended as, read back: a month already published, or a
    # platform another process holds, is reported as it is, not as what this run did.
    month = Month.parse(report.month)
    with ws.store.read() as session:
        rows = {p.platform: p.state for p in post_rows(session, month)}
    report.posts = {
        name: rows.get(name) or report.posts.get(name) or NOT_STARTED
        for name in ws.config.platforms.enabled()
    }
    return report


def month_succeeded(report: MonthReport) -> bool:
    """Whether a hand publish did what was asked (the CLI's exit code): every enabled
    platform ended `posted`. Pending, sending, retrying, unknown, failed or not started
    is not success."""
    return bool(report.posts) and all(state == "posted" for state in report.posts.values())


def is_post_address(url: str) -> bool:
    """Whether `url` may be recorded as a post's address when a person settles it: https
    with a host, as every platform serves its posts (the form and the command say so)."""
    return is_web_address(url) and urlsplit(url).scheme == "https"


def is_web_address(url: str) -> bool:
    """Whether `url` is an http(s) address with a host (a link a page may show: never
    `javascript:` or `data:`)."""
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and url == url.strip()


@dataclass(frozen=True)
class Settled:
    month: Month
    resolution: str
    platforms: tuple[str, ...]
    # For `retry`: the publish that followed, with every enabled platform's state.
    publish: MonthReport | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "month": str(self.month),
            "resolved": self.resolution,
            "platforms": self.platforms,
        }
        if self.publish is not None:
            data["publish"] = self.publish.to_json()
        return data

    @property
    def succeeded(self) -> bool:
        return self.publish is None or month_succeeded(self.publish)


def settle(
    ws: Workspace,
    actor: Actor,
    month: Month,
    resolution: str,
    *,
    platform: str | None = None,
    remote_id: str = "",
    url: str = "",
) -> Settled:
    """A person settles an unknown or failed post: `posted` (they saw it on the account) or
    `retry` (it is not there; it is sent again at once, whatever the month: only posts a
    person has just settled can go out). `url`, if given, must be an https address: it
    becomes the link people follow to the post. Raises PublishError when no post is
    waiting to be settled, OperationFailed for another kind of `url`, PermissionDenied
    for a console role that may not settle."""
    require(actor, Permission.SETTLE)
    if url and not is_post_address(url):
        raise OperationFailed(
            f"{url[:80]!r} is not the address of a post: it must start with https://"
        )
    publisher = _worker(ws, actor).publisher
    changed = publisher.resolve(
        month, resolution, by=actor.name, platform=platform, remote_id=remote_id, url=url
    )
    report = None
    if resolution == "retry":
        reconcile(publisher)
        report = _with_final_states(ws, publisher.publish_month(month, manual=True))
    return Settled(month, resolution, tuple(changed), report)
