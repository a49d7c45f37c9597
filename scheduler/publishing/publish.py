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
import os
import random
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduler.alerts import Alerter
from scheduler.clock import Clock
from scheduler.config import Config
from scheduler.errors import SchedulerError
from scheduler.files import write_atomic
from scheduler.platforms.base import Platform, PlatformError, PreparedPost, Published
from scheduler.publishing.outcomes import GRACE_ENDED, Outcomes
from vignettes.content import CaseStudyContent
from vignettes.models import CaseStudy, MonthlySlot, Post
from vignettes.selection import auto_pick
from vignettes.slots import Month, SlotTime, slot_time
from vignettes.store import (
    Store,
    audit,
    auto_pick_candidates,
    get_case_study,
    get_slot,
    lock_month,
    organisations_by_month,
)

log = logging.getLogger(__name__)


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class MonthReport:
    month: str
    slot_state: str = "planned"
    ref: str | None = None
    posts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "slot_state": self.slot_state,
            "ref": self.ref,
            "posts": self.posts,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Snapshot:
    slot_id: int
    case_study_id: int
    month: Month
    content: CaseStudyContent
    content_hash: str


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
        self._deferred: list[tuple[str, str, str]] = []  # alerts raised after commit
        self._resolved_on_commit: list[str] = []  # alerts resolved after commit
        self.outcomes = Outcomes(
            store, config, platforms, clock, alerts, self.instance, self.rng, self.deadline
        )
        self.via = "daemon"

    @property
    def via(self) -> str:
        """The interface on whose behalf this publisher acts, for the audit trail: "daemon",
        or "cli"/"web" when a person publishes or settles a month by hand."""
        return self.outcomes.via

    @via.setter
    def via(self, value: str) -> None:
        self.outcomes.via = value

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
        self._deferred = []
        try:
            return self._fix_and_check_in_transaction(month, report, now, manual=manual)
        finally:
            for key, severity, text in self._deferred:
                self.alerts.raise_alert(key, severity, text, now=now)
            self._deferred = []
            for key in self._resolved_on_commit:
                self.alerts.resolve(key, now=now)
            self._resolved_on_commit = []

    def _fix_and_check_in_transaction(
        self, month: Month, report: MonthReport, now: dt.datetime, *, manual: bool
    ) -> Snapshot | None:
        with self.store.write() as session:
            lock_month(session, month)
            slot = get_slot(session, month)
            if slot is None:
                slot = MonthlySlot(month=str(month), state="planned", reason="")
                session.add(slot)
            report.slot_state = slot.state
            if manual and slot.state in ("missed", "skipped"):
                self._reopen(session, slot, month, now)
            if slot.state in ("published", "missed", "skipped"):
                report.notes.append(f"{month} is already {slot.state}")
                return None
            slot.scheduled_at = self.slot(month).utc
            # Twice at most: an auto-pick edited before anything was sent is released and
            # chosen again at once.
            for _ in range(2):
                if slot.case_study is None and not self._auto_pick_into(
                    session, slot, month, report
                ):
                    return None
                cs = slot.case_study
                assert cs is not None
                report.ref = cs.ref
                content = cs.content()
                current = content.content_hash()
                if cs.approval_is_current and current == cs.approved_hash == cs.content_hash:
                    break
                if not self._blocked(session, slot, cs, month, report, now):
                    return None
            else:
                return None
            if slot.fixed_at is None:
                slot.fixed_at = now
                audit(
                    session,
                    at=now,
                    actor=self.instance,
                    via=self.via,
                    action="slot_fixed",
                    ref=cs.ref,
                    month=str(month),
                    source=slot.source,
                    content_hash=current,
                )
            slot.content_hash = current
            if slot.state == "planned":
                slot.state = "publishing"
            slot.reason = ""
            snapshot = Snapshot(slot.id, cs.id, month, content, current)
        self.alerts.resolve(f"blocked:{month}", now=now)
        self.alerts.resolve(f"empty:{month}", now=now)
        return snapshot

    def _reopen(self, session: Session, slot: MonthlySlot, month: Month, now: dt.datetime) -> None:
        """A person asked to publish a month the daemon gave up on: let it go out late.
        Posts that failed only because the grace window ended may be sent again."""
        audit(
            session,
            at=now,
            actor=self.instance,
            via=self.via,
            action="reopened",
            month=str(month),
            previous_state=slot.state,
        )
        slot.state = "publishing" if slot.case_study_id is not None else "planned"
        slot.reason = ""
        for post in session.scalars(select(Post).where(Post.slot_id == slot.id)):
            if post.state == "failed" and GRACE_ENDED in post.reason:
                post.state, post.next_attempt_at, post.updated_at = "pending", None, now
        self._resolved_on_commit.append(f"missed:{month}")

    def _auto_pick_into(
        self, session: Session, slot: MonthlySlot, month: Month, report: MonthReport
    ) -> bool:
        if not self.config.selection.auto_pick:
            slot.reason = "nothing queued and auto_pick is off"
        else:
            result = auto_pick(
                month,
                auto_pick_candidates(session),
                organisations_by_month(session),
                self.config.selection.avoid_same_organisation_months,
            )
            if result.candidate is not None:
                slot.case_study_id = get_case_study(session, result.candidate.ref).id
                slot.source = "auto"
                session.flush()
                session.refresh(slot)
                return True
            slot.reason = result.reason
        report.notes.append(f"{month}: nothing to publish: {slot.reason}")
        self._deferred.append(
            (
                f"empty:{month}",
                "critical",
                f"{month} has no case study to showcase: {slot.reason}. Queue one with "
                f"`vignettes queue {month} REF`.",
            )
        )
        return False

    def _blocked(
        self,
        session: Session,
        slot: MonthlySlot,
        cs: CaseStudy,
        month: Month,
        report: MonthReport,
        now: dt.datetime,
    ) -> bool:
        why = (
            f"{cs.ref} changed after approval"
            if cs.approved_hash is None and cs.approvals and cs.approvals[-1].decision == "voided"
            else f"{cs.ref} is not approved ({cs.status})"
        )
        # A row may exist on the platform if it is posted, in flight or unknown, or if an
        # earlier send of it was ambiguous and never proven absent (even when back to
        # pending for a retry). Only failures known to have posted nothing allow a re-pick.
        sent = session.scalars(
            select(Post).where(
                Post.slot_id == slot.id,
                Post.state.in_(("posted", "sending", "unknown"))
                | Post.ambiguous_send_at.is_not(None)
                | Post.duplicate_probe_at.is_not(None),
            )
        ).first()
        if slot.source == "auto" and sent is None:
            # Nothing went out yet: let auto-pick choose again rather than lose the month.
            slot.case_study_id = None
            slot.fixed_at = None
            slot.source = None
            for post in session.scalars(select(Post).where(Post.slot_id == slot.id)):
                session.delete(post)
            audit(
                session,
                at=now,
                actor=self.instance,
                via=self.via,
                action="auto_pick_released",
                ref=cs.ref,
                month=str(month),
                reason=why,
            )
            report.notes.append(f"{why}: auto-pick released it and chooses again")
            session.flush()
            session.refresh(slot)
            return True
        slot.reason = f"not sent: {why}"
        report.notes.append(slot.reason)
        text = (
            f"{month}: {why}, so nothing was sent. Re-approve it (`vignettes approve "
            f"{cs.ref} --by NAME`) or queue another case study."
        )
        self._deferred.append((f"blocked:{month}", "critical", text))
        return False

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
        post_id = self._claim(snapshot, platform, prepared)
        if post_id == "blocked":
            self._block_late_edit(snapshot)
        if isinstance(post_id, str):
            return post_id  # the row's state: someone else has it, or it is done
        self._archive(snapshot, platform, prepared)
        adapter = self.platforms[platform]
        try:
            published = adapter.publish(prepared)
        except PlatformError as exc:
            return self.outcomes.failed(post_id, snapshot.month, exc)
        except Exception as exc:  # a bug after the request may hide a real post
            log.exception("%s publish raised unexpectedly", platform)
            return self.outcomes.failed(
                post_id,
                snapshot.month,
                PlatformError(
                    f"{platform}: unexpected {type(exc).__name__} during publish",
                    outcome_unknown=True,
                ),
            )
        return self.outcomes.posted(post_id, published, reason="", own_send=True)

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

    def _archive(self, snapshot: Snapshot, platform: str, prepared: PreparedPost) -> None:
        """Keep exactly what is being sent (card, text, alt text) under cards.output_dir, so
        a person can always see what went out. A full disk must not stop the post."""
        stem = (
            self.config.cards.output_dir
            / str(snapshot.month)
            / f"{snapshot.content.ref}-{platform}"
        )
        try:
            stem.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(stem.with_suffix(".png"), prepared.image_png)
            write_atomic(stem.with_suffix(".txt"), prepared.text)
            write_atomic(stem.with_suffix(".alt.txt"), prepared.alt_text)
        except OSError as exc:
            log.warning(
                "%s %s: card not archived in %s: %s",
                snapshot.month,
                platform,
                stem.parent,
                exc.strerror,
            )

    def _claim(self, snapshot: Snapshot, platform: str, prepared: PreparedPost) -> int | str:
        """Own the row by moving it pending → sending in one conditional UPDATE, committed
        before any HTTP call. Returns the row id, or the row's state when not ours."""
        now = self.clock.now()
        try:
            with self.store.write() as session:
                lock_month(session, snapshot.month)
                post = session.scalars(
                    select(Post).where(Post.slot_id == snapshot.slot_id, Post.platform == platform)
                ).first()
                if post is None:
                    post = Post(
                        slot_id=snapshot.slot_id,
                        case_study_id=snapshot.case_study_id,
                        platform=platform,
                        state="pending",
                        content_hash=snapshot.content_hash,
                        text=prepared.text,
                        attempts=0,
                        reason="",
                        sending_by="",
                        updated_at=now,
                    )
                    session.add(post)
                    session.flush()
                if post.state != "pending":
                    return post.state
                if post.next_attempt_at is not None and post.next_attempt_at > now:
                    return "pending"
                # Invariant 1 at the last moment: rendering and earlier platforms take time,
                # and an edit or a revoked approval in between must stop this send.
                cs = session.get(CaseStudy, snapshot.case_study_id)
                if cs is None or not (
                    cs.approval_is_current and cs.content_hash == snapshot.content_hash
                ):
                    return "blocked"
                claimed = session.execute(
                    update(Post)
                    .where(Post.id == post.id, Post.state == "pending")
                    .values(
                        state="sending",
                        sending_at=now,
                        sending_by=self.instance,
                        attempts=Post.attempts + 1,
                        content_hash=snapshot.content_hash,
                        text=prepared.text,
                        updated_at=now,
                    )
                    .execution_options(synchronize_session=False)
                )
                if claimed.rowcount != 1:  # type: ignore[attr-defined]
                    return "sending"
                audit(
                    session,
                    at=now,
                    actor=self.instance,
                    via=self.via,
                    action="sending",
                    ref=snapshot.content.ref,
                    month=str(snapshot.month),
                    platform=platform,
                )
                return int(post.id)
        except IntegrityError:
            # Another process created the row (or this case study was already posted to
            # this platform in another slot): the constraint did its job.
            log.warning(
                "%s %s: post row already exists elsewhere; not sending", snapshot.month, platform
            )
            return "conflict"

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
