"""The publishing pipeline, shared by the daemon and `vignettes publish MONTH`.

For one month: fix the case study on the slot (pin or auto-pick), re-check its approval
and content hash, render cards and texts from that exact snapshot, then per platform:
claim the post row with a conditional UPDATE, commit `sending` *before* the HTTP call,
and record the result at once. A call whose outcome is unknown is never repeated here;
`scheduler.reconcile` settles it.
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
from scheduler.platforms.base import Platform, PlatformError, PreparedPost, Published
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

BACKOFF_START = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=1)
FINAL_POST_STATES = ("posted", "failed", "needs_reauth")


class PublishError(SchedulerError):
    """`publish` was asked for something it cannot do (exit 1)."""


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


def backoff(attempts: int, rng: random.Random) -> dt.timedelta:
    """Exponential backoff with ±20 % jitter, so a fleet of retries does not align."""
    base: dt.timedelta = min(BACKOFF_START * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
    jitter: float = rng.uniform(0.8, 1.2)
    return base * jitter


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
            action="reopened",
            month=str(month),
            previous_state=slot.state,
        )
        slot.state = "publishing" if slot.case_study_id is not None else "planned"
        slot.reason = ""
        for post in session.scalars(select(Post).where(Post.slot_id == slot.id)):
            if post.state == "failed" and "grace window ended" in post.reason:
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
        sent = session.scalars(
            select(Post).where(Post.slot_id == slot.id, Post.state != "pending")
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
                from scheduler.rendering import render_vignette

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
        if isinstance(post_id, str):
            return post_id  # the row's state: someone else has it, or it is done
        self._archive(snapshot, platform, prepared)
        adapter = self.platforms[platform]
        try:
            published = adapter.publish(prepared)
        except PlatformError as exc:
            return self.record_failure(post_id, snapshot.month, exc)
        except Exception as exc:  # a bug after the request may hide a real post
            log.exception("%s publish raised unexpectedly", platform)
            return self.record_failure(
                post_id,
                snapshot.month,
                PlatformError(
                    f"{platform}: unexpected {type(exc).__name__} during publish",
                    outcome_unknown=True,
                ),
            )
        return self.record_posted(post_id, published, reason="")

    def _archive(self, snapshot: Snapshot, platform: str, prepared: PreparedPost) -> None:
        """Keep exactly what is being sent (card, text, alt text) under cards.output_dir, so
        a person can always see what went out. A full disk must not stop the post."""
        from cards.render import write_png_atomic
        from scheduler.preview import write_text_atomic

        stem = (
            self.config.cards.output_dir
            / str(snapshot.month)
            / f"{snapshot.content.ref}-{platform}"
        )
        try:
            stem.parent.mkdir(parents=True, exist_ok=True)
            write_png_atomic(stem.with_suffix(".png"), prepared.image_png)
            write_text_atomic(stem.with_suffix(".txt"), prepared.text)
            write_text_atomic(stem.with_suffix(".alt.txt"), prepared.alt_text)
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

    def record_posted(self, post_id: int, published: Published, *, reason: str) -> str:
        now = self.clock.now()
        with self.store.write() as session:
            post = session.get(Post, post_id)
            assert post is not None
            post.state = "posted"
            post.remote_id = published.remote_id
            post.url = published.url
            post.posted_at = post.posted_at or now
            post.next_attempt_at = None
            post.reason = reason
            post.updated_at = now
            audit(
                session,
                at=now,
                actor=self.instance,
                action="posted",
                ref=post.case_study.ref,
                month=post.slot.month,
                platform=post.platform,
                remote_id=published.remote_id,
                url=published.url,
                note=reason,
            )
            month = post.slot.month
            platform = post.platform
        log.info("%s %s posted: %s", month, platform, published.url)
        self.alerts.resolve(f"post:{month}:{platform}", now=now)
        return "posted"

    def record_failure(self, post_id: int, month: Month, exc: PlatformError) -> str:
        """Store what happened on the row and decide the next step from the error's fields."""
        now = self.clock.now()
        if exc.duplicate_of is not None or type(exc).__name__ == "Duplicate":
            remote = exc.duplicate_of or ""
            url = _url_for(self.config, self._platform_of(post_id), remote)
            return self.record_posted(
                post_id,
                Published(remote, url),
                reason=f"the platform reported duplicate content: already posted ({exc.message})",
            )
        with self.store.write() as session:
            post = session.get(Post, post_id)
            assert post is not None
            post.reason = exc.message
            post.updated_at = now
            ref, platform = post.case_study.ref, post.platform
            if exc.outcome_unknown:
                post.state = "unknown"
                severity, action = (
                    "critical",
                    ("it may or may not have been posted; reconciling (never re-sent blindly)"),
                )
            elif exc.needs_reauth:
                post.state = "needs_reauth"
                severity, action = "critical", f"re-authorise with `vignettes auth {platform}`"
            elif exc.permanent:
                post.state = "failed"
                severity, action = (
                    "critical",
                    "fix the cause, then `vignettes publish "
                    f"{month} --resolve retry --platform {platform}`",
                )
            else:
                wait = backoff(post.attempts, self.rng)
                retry_at = max(now + wait, exc.retry_after or now)
                if retry_at >= self.deadline(month):
                    post.state = "failed"
                    post.reason = f"{exc.message}; the grace window ends before the next try"
                    severity, action = "critical", "the grace window ended"
                else:
                    post.state = "pending"
                    post.next_attempt_at = retry_at
                    severity, action = "", ""
            state = post.state
            audit(
                session,
                at=now,
                actor=self.instance,
                action=f"publish_{state}",
                ref=ref,
                month=str(month),
                platform=platform,
                reason=post.reason,
                next_attempt_at=post.next_attempt_at.isoformat() if post.next_attempt_at else None,
            )
        if severity:
            self.alerts.raise_alert(
                f"post:{month}:{platform}",
                severity,
                f"{month} {platform} ({ref}) is {state}: {exc.message} — {action}.",
                now=now,
            )
        else:
            log.warning(
                "%s %s: %s; next try at %s", month, platform, exc.message, retry_at.isoformat()
            )
        return state

    def _platform_of(self, post_id: int) -> str:
        with self.store.read() as session:
            post = session.get(Post, post_id)
            assert post is not None
            return post.platform

    def refresh_slot_state(self, month: Month) -> str:
        """published when every enabled platform is posted; partial when some are posted
        and the rest have given up; publishing while anything is still to do."""
        with self.store.write() as session:
            slot = get_slot(session, month)
            if slot is None:
                return "planned"
            states = {
                p.platform: p.state
                for p in session.scalars(select(Post).where(Post.slot_id == slot.id))
            }
            wanted = self.config.platforms.enabled()
            posted = [p for p in wanted if states.get(p) == "posted"]
            if wanted and len(posted) == len(wanted):
                slot.state = "published"
            elif posted and all(states.get(p) in FINAL_POST_STATES for p in wanted):
                slot.state = "partial"
            elif slot.case_study_id is not None and slot.state in (
                "planned",
                "publishing",
                "partial",
            ):
                slot.state = "partial" if posted else "publishing"
            return slot.state

    # ---- a person settles an unknown or failed post -----------------------------------

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
        """`posted`: a person saw the post on the account; `retry`: they checked it is not
        there (or fixed the cause), so it may be sent again. Returns the platforms changed."""
        if decision not in ("posted", "retry"):
            raise PublishError("--resolve takes 'posted' or 'retry'")
        now = self.clock.now()
        changed = []
        with self.store.write() as session:
            slot = get_slot(session, month)
            if slot is None:
                raise PublishError(f"{month} has no slot yet")
            wanted = (
                ("unknown", "failed", "needs_reauth")
                if decision == "retry"
                else ("unknown", "failed", "needs_reauth", "sending")
            )
            for post in session.scalars(select(Post).where(Post.slot_id == slot.id)):
                if (platform and post.platform != platform) or post.state not in wanted:
                    continue
                if decision == "posted":
                    post.state, post.remote_id = "posted", remote_id or post.remote_id
                    post.url = url or post.url or ""
                    post.posted_at = post.posted_at or now
                else:
                    post.state, post.next_attempt_at = "pending", None
                post.reason = f"resolved as {decision} by {by}"
                post.updated_at = now
                audit(
                    session,
                    at=now,
                    actor=by,
                    action=f"resolved_{decision}",
                    ref=post.case_study.ref,
                    month=str(month),
                    platform=post.platform,
                )
                changed.append(post.platform)
            if slot.state in ("partial", "missed") and decision == "retry":
                slot.state = "publishing"
        for name in changed:
            self.alerts.resolve(f"post:{month}:{name}", now=now)
        if not changed:
            raise PublishError(
                f"{month}: no {platform or ''} post is waiting to be resolved".replace("  ", " ")
            )
        self.refresh_slot_state(month)
        return changed


def _url_for(config: Config, platform: str, remote_id: str) -> str:
    if not remote_id:
        return ""
    if platform == "linkedin":
        return f"https://www.linkedin.com/feed/update/{remote_id}/"
    user = config.platforms.x.username or "i/web"
    return f"https://x.com/{user}/status/{remote_id}"


def post_rows(session: Session, month: Month) -> list[Post]:
    slot = get_slot(session, month)
    if slot is None:
        return []
    return list(session.scalars(select(Post).where(Post.slot_id == slot.id).order_by(Post.id)))
