"""Publishing a month by hand and settling a post whose outcome is unknown. The same
pipeline as the daemon's, so a person can never post twice what the daemon posted once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scheduler.daemon.runtime import build_worker
from scheduler.daemon.tick import Worker
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.publishing.publish import MonthReport
from scheduler.publishing.reconcile import reconcile
from vignettes.slots import Month

__all__ = ["MonthReport", "Settled", "month_succeeded", "publish_month", "settle"]

# Post states a person has to look at: the month did not go out as asked.
FAILED_STATES = ("failed", "unknown", "needs_reauth")


def _worker(ws: Workspace, actor: Actor) -> Worker:
    worker = build_worker(ws.config, ws.store, ws.clock)
    worker.publisher.via = actor.via
    return worker


def publish_month(ws: Workspace, actor: Actor, month: Month) -> MonthReport:
    """Settle what can be settled, then publish `month` to every enabled platform that has
    not got it yet (a `missed` or `skipped` month is reopened: a person asked for it).
    Platform failures are recorded on their rows and alerted, not raised; raises
    ConfigError for missing credentials before anything is sent."""
    publisher = _worker(ws, actor).publisher
    reconcile(publisher)
    return publisher.publish_month(month, manual=True)


def month_succeeded(report: MonthReport) -> bool:
    """Whether a hand publish did what was asked (the CLI's exit code)."""
    if any(state in FAILED_STATES for state in report.posts.values()):
        return False
    return bool(report.posts) or not report.notes or report.slot_state == "published"


@dataclass(frozen=True)
class Settled:
    month: Month
    resolution: str
    platforms: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"month": str(self.month), "resolved": self.resolution, "platforms": self.platforms}


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
    `retry` (it is not there; it may be sent again). Raises PublishError when no post is
    waiting to be settled."""
    publisher = _worker(ws, actor).publisher
    changed = publisher.resolve(
        month, resolution, by=actor.name, platform=platform, remote_id=remote_id, url=url
    )
    return Settled(month, resolution, tuple(changed))
