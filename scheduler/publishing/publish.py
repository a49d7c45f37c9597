"""The publishing pipeline, shared by the daemon and `vignettes publish MONTH`.

For one month: fix the case study on the slot (pin or auto-pick), re-check its approval
and content hash, render cards and texts from that exact snapshot, then per platform:
claim the post row with a conditional UPDATE, commit `sending` *before* the HTTP call,
and record the result at once. A call whose outcome is unknown is never repeated here;
`scheduler.publishing.reconcile` settles it.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.alerts import Alerter
from scheduler.clock import Clock
from scheduler.config import Config
from scheduler.errors import SchedulerError
from scheduler.platforms.base import (
    OutcomeUnknown,
    Platform,
    PlatformError,
    PreparedPost,
    Published,
)
from scheduler.publishing.archive import ARCHIVE_ALERT, archive_sent
from scheduler.publishing.claim import claim
from scheduler.publishing.fixing import SlotFixer
from scheduler.publishing.outcomes import Outcomes
from scheduler.publishing.snapshot import MonthReport, Snapshot, instance_name
from vignettes.errors import StoreError
from vignettes.planning.slots import Month, SlotTime, slot_time
from vignettes.store.models import MonthlySlot, Post
from vignettes.store.queries import Store, get_slot

__all__ = ["MonthReport", "Publisher", "Snapshot", "instance_name", "post_rows"]

log = logging.getLogger(__name__)


class Publisher:
    def __init__(
        self,
        store: Store,
        config: Config,
        platforms: Mapping[str, Platform],
        clock: Clock,
        alerts: Alerter,
        *,
        instance: str | None = None,
        rng: random.Random | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.platforms = platforms
        self.clock = clock
        self.alerts = alerts
        self.instance = instance or instance_name()
        self.rng = rng or random.Random()
        # Set by the daemon on SIGTERM: finish the call in flight, start no new one.
        self.should_stop = should_stop or (lambda: False)
        # How cards are rendered: in-process by default; the daemon renders in a short-lived
        # child process so Pillow, fonts and images do not stay resident for a month.
        self.renderer: Callable[..., Any] | None = None
        self.outcomes = Outcomes(
            store, config, platforms, clock, alerts, self.instance, self.rng, self.deadline
        )
        self.via = "daemon"
        self._unrecorded: list[Callable[[], str]] = []

    @property
    def via(self) -> str:
        """The interface on whose behalf this publisher acts, for the audit trail: "daemon",
        or "cli"/"web" when a person publishes or settles a month by hand."""
        return self.outcomes.via

    @via.setter
    def via(self, value: str) -> None:
        self.outcomes.via = value

    @property
    def actor(self) -> str:
        """Whom the audit trail names for what this publisher does: the daemon's instance
        (host:pid), or the person who publishes or settles a month by hand (never a
        process id for a person's act)."""
        return self.outcomes.actor

    @actor.setter
    def actor(self, value: str) -> None:
        self.outcomes.actor = value

    # ---- schedule ---------------------------------------------------------------------

    def slot(self, month: Month) -> SlotTime:
        return slot_time(month, self.config.schedule)

    def deadline(self, month: Month) -> dt.datetime:
        return self.slot(month).utc + self.config.schedule.grace

    # ---- the pipeline -----------------------------------------------------------------

    def publish_month(self, month: Month, *, manual: bool = False) -> MonthReport:
        """Publish `month` to every enabled platform that has not got it yet. Idempotent:
        posted platforms are never touched again. Raises nothing for platform failures
        (they are stored on the post rows and alerted)."""
        report = MonthReport(str(month))
        snapshot = self._fix_and_check(month, report, manual=manual)
        if snapshot is None:
            return report
        rendered = self._render(snapshot, report)
        if rendered is None:
            return report
        for platform in self.config.platforms.enabled():
            if self.should_stop():
                report.notes.append("stopping: remaining platforms wait for the next run")
                break
            post = rendered.post(platform)
            prepared = PreparedPost(
                text=post.text,
                image_png=post.card.png,
                alt_text=post.alt_text,
                content_hash=snapshot.content_hash,
            )
            report.posts[platform] = self._publish_one(snapshot, platform, prepared)
        report.slot_state = self.refresh_slot_state(month)
        return report

    def _fix_and_check(self, month: Month, report: MonthReport, *, manual: bool) -> Snapshot | None:
        now = self.clock.now()
        # Alerts write to the database too: on SQLite a second write transaction inside this
        # one would wait on our own lock, so they are raised only after this one commits.
        fixer = SlotFixer(
            self.store,
            self.config,
            self.alerts,
            instance=self.instance,
            via=self.via,
            slot=self.slot,
            actor=self.actor,
        )
        try:
            return fixer.fix(month, report, now, manual=manual)
        finally:
            for key, severity, text in fixer.deferred:
                self.alerts.raise_alert(key, severity, text, now=now)
            for key in fixer.resolved_on_commit:
                self.alerts.resolve(key, now=now)

    def _render(self, snapshot: Snapshot, report: MonthReport) -> Any:
        try:
            if self.renderer is None:
                from scheduler.publishing.rendering import render_vignette

                self.renderer = render_vignette
            return self.renderer(
                snapshot.content,
                self.config,
                snapshot.month.first_day,
                platforms=self.config.platforms.enabled(),
            )
        except SchedulerError as exc:
            now = self.clock.now()
            report.notes.append(f"cannot render: {exc}")
            with self.store.write() as session:
                slot = session.get(MonthlySlot, snapshot.slot_id)
                assert slot is not None
                slot.reason = f"cannot render: {exc}"
            self.alerts.raise_alert(
                f"render:{snapshot.month}",
                "critical",
                f"{snapshot.month}: {snapshot.content.ref} cannot be rendered: {exc}",
                now=now,
            )
            return None

    # ---- one platform -----------------------------------------------------------------

    def _publish_one(self, snapshot: Snapshot, platform: str, prepared: PreparedPost) -> str:
        post_id = claim(
            self.store,
            snapshot,
            platform,
            prepared,
            now=self.clock.now(),
            instance=self.instance,
            via=self.via,
            actor=self.actor,
        )
        if post_id == "blocked":
            self._block_late_edit(snapshot)
        if isinstance(post_id, str):
            return post_id  # the row's state: someone else has it, or it is done
        archive_problem = archive_sent(self.config.cards.output_dir, snapshot, platform, prepared)
        state = self._send(snapshot, platform, prepared, post_id)
        # After the send and its record are committed: nothing may stand between the
        # committed `sending` row and the HTTP call, and an alert is a write of its own.
        self._archive_alert(archive_problem)
        return state

    def _send(self, snapshot: Snapshot, platform: str, prepared: PreparedPost, post_id: int) -> str:
        adapter = self.platforms[platform]
        try:
            published = adapter.publish(prepared)
        except PlatformError as exc:
            return self._record(partial(self.outcomes.failed, post_id, snapshot.month, exc))
        except Exception as exc:  # a bug after the request may hide a real post
            log.exception("%s publish raised unexpectedly", platform)
            unexpected = OutcomeUnknown(
                f"{platform}: unexpected {type(exc).__name__} during publish"
            )
            return self._record(partial(self.outcomes.failed, post_id, snapshot.month, unexpected))
        return self._record(
            partial(self.outcomes.posted, post_id, published, reason="", own_send=True)
        )

    def _record(self, outcome: Callable[[], str]) -> str:
        """Record the outcome of our own send. If the database refuses (StoreError), keep
        it to record later: the row stays `sending` under this live process, which
        reconciliation never judges gone, so only we can settle it without a restart."""
        try:
            return outcome()
        except StoreError:
            self._unrecorded.append(outcome)
            raise

    def record_unrecorded(self) -> list[str]:
        """Record the outcomes of sends the database refused to take, oldest first (the
        daemon calls it at the start of each tick). Raises StoreError if it still refuses:
        what is left stays queued."""
        lines = []
        while self._unrecorded:
            state = self._unrecorded[0]()
            self._unrecorded.pop(0)
            lines.append(f"recorded a send the database had refused: it is {state}")
        return lines

    def _archive_alert(self, problem: str | None) -> None:
        now = self.clock.now()
        if problem is None:
            self.alerts.resolve(ARCHIVE_ALERT, now=now)
        else:
            self.alerts.raise_alert(ARCHIVE_ALERT, "warning", problem, now=now)

    def _block_late_edit(self, snapshot: Snapshot) -> None:
        now = self.clock.now()
        with self.store.write() as session:
            slot = session.get(MonthlySlot, snapshot.slot_id)
            assert slot is not None
            slot.reason = f"not sent: {snapshot.content.ref} changed or lost its approval mid-run"
        self.alerts.raise_alert(
            f"blocked:{snapshot.month}",
            "critical",
            f"{snapshot.month}: {snapshot.content.ref} changed or lost its approval while it "
            "was being published, so nothing more was sent. Re-approve it to finish, or "
            "check what already went out.",
            now=now,
        )

    # ---- outcomes (scheduler.publishing.outcomes) ------------------------------------

    def record_posted(self, post_id: int, published: Published, *, reason: str) -> str:
        """A reconciliation finding: the `unknown` post is on the account."""
        return self.outcomes.posted(post_id, published, reason=reason, own_send=False)

    def refresh_slot_state(self, month: Month) -> str:
        return self.outcomes.refresh_slot_state(month)

    def resolve(
        self,
        month: Month,
        decision: str,
        *,
        by: str,
        platform: str | None = None,
        remote_id: str = "",
        url: str = "",
    ) -> list[str]:
        """A person settles an unknown or failed post: see `Outcomes.resolve`."""
        return self.outcomes.resolve(
            month, decision, by=by, platform=platform, remote_id=remote_id, url=url
        )


def post_rows(session: Session, month: Month) -> list[Post]:
    slot = get_slot(session, month)
    if slot is None:
        return []
    return list(session.scalars(select(Post).where(Post.slot_id == slot.id).order_by(Post.id)))
