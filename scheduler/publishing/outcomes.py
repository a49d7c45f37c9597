"""Recording what happened to a post on its row, and the slot state that follows.

A result is written only by the process that owns the send (`state = sending` and
`sending_by` is us) or, for a success, onto a row another process has since marked
`unknown`/`pending` (our answer is the truth it was missing). Anything else is a late
result: it is audited, never overwrites what another process settled.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.alerts import Alerter
from scheduler.clock import Clock
from scheduler.config import Config
from scheduler.errors import SchedulerError
from scheduler.platforms.base import ErrorKind, Platform, PlatformError, Published
from scheduler.publishing.matching import find_match
from vignettes import notices
from vignettes.notices import Links
from vignettes.planning.slots import Month
from vignettes.states import PostState
from vignettes.store.models import CaseStudy, MonthlySlot, Post
from vignettes.store.queries import Store, audit, get_slot
from vignettes.workflow import mark_showcased

log = logging.getLogger(__name__)

BACKOFF_START = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=1)
# How long after a post the platforms call identical content a duplicate (LinkedIn: about
# ten minutes; X's window is longer). A deliberate re-send to ask "was it posted?" is only
# safe inside it.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
GRACE_ENDED = "the grace window ended"
FINAL_POST_STATES = (PostState.POSTED, PostState.FAILED, PostState.NEEDS_REAUTH)


class PublishError(SchedulerError):
    """`publish` was asked for something it cannot do (exit 1)."""


def backoff(attempts: int, rng: random.Random) -> dt.timedelta:
    """Exponential backoff with ±20 % jitter, so a fleet of retries does not align."""
    base: dt.timedelta = min(BACKOFF_START * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
    jitter: float = rng.uniform(0.8, 1.2)
    return base * jitter


def post_url(config: Config, platform: str, remote_id: str) -> str:
    if not remote_id:
        return ""
    if platform == "linkedin":
        return f"https://www.linkedin.com/feed/update/{remote_id}/"
    if platform == "bluesky":
        from scheduler.platforms.bluesky.text import post_url as bluesky_post_url

        return bluesky_post_url(remote_id)
    user = config.platforms.x.username or "i/web"
    return f"https://x.com/{user}/status/{remote_id}"


class Outcomes:
    def __init__(
        self,
        store: Store,
        config: Config,
        platforms: Mapping[str, Platform],
        clock: Clock,
        alerts: Alerter,
        instance: str,
        rng: random.Random,
        deadline: Callable[[Month], dt.datetime],
    ) -> None:
        self.store = store
        self.config = config
        self.platforms = platforms
        self.clock = clock
        self.alerts = alerts
        self.instance = instance
        self.via = "daemon"  # set by the Publisher that owns it
        # Whom the audit trail names: the daemon's instance, or the person publishing.
        self.actor = instance
        self.rng = rng
        self.deadline = deadline

    # ---- success ------------------------------------------------------------------------

    def posted(self, post_id: int, published: Published, *, reason: str, own_send: bool) -> str:
        """Record a post as published. `own_send`: the result of our own call (else a
        reconciliation finding, which may only settle an `unknown` row)."""
        now = self.clock.now()
        with self.store.write() as session:
            post = session.get(Post, post_id)
            assert post is not None
            month, platform, ref = post.slot.month, post.platform, post.case_study.ref
            ours = post.state == "sending" and post.sending_by == self.instance
            settles = post.state in ("unknown", "pending") if own_send else post.state == "unknown"
            if not ((own_send and ours) or settles):
                _late(session, post, now, self.actor, f"posted as {published.remote_id}")
                conflict = post.state == "sending" or (
                    post.state == "posted" and post.remote_id not in ("", published.remote_id)
                )
                state = post.state
            else:
                post.state = "posted"
                post.remote_id = published.remote_id
                post.url = published.url
                post.posted_at = post.posted_at or now
                post.next_attempt_at = None
                post.unknown_since = None
                post.reason = reason
                post.updated_at = now
                audit(
                    session,
                    at=now,
                    actor=self.actor,
                    via=self.via,
                    action="posted",
                    ref=ref,
                    month=month,
                    platform=platform,
                    remote_id=published.remote_id,
                    url=published.url,
                    note=reason,
                )
                conflict, state = False, "posted"
        if conflict:
            self.alerts.raise_alert(
                f"conflict:{month}:{platform}",
                "critical",
                f"{month} {platform}: a send answered after another process had taken the row "
                f"over ({published.url or published.remote_id}); check the account for a "
                "second copy.",
                now=now,
            )
        if state == "posted":
            log.info("%s %s posted: %s", month, platform, published.url)
            self.alerts.resolve(f"post:{month}:{platform}", now=now)
            self.refresh_slot_state(Month.parse(month))
        return state

    # ---- failure ------------------------------------------------------------------------

    def failed(self, post_id: int, month: Month, exc: PlatformError) -> str:
        """Store what our own send ran into and decide the next step from the error's
        fields (never from HTTP codes)."""
        if exc.kind is ErrorKind.DUPLICATE:
            return self._duplicate(post_id, exc)
        now = self.clock.now()
        severity = action = ""
        retry_at: dt.datetime | None = None
        with self.store.write() as session:
            post = session.get(Post, post_id)
            assert post is not None
            ref, platform = post.case_study.ref, post.platform
            if not (post.state == "sending" and post.sending_by == self.instance):
                _late(session, post, now, self.actor, f"failed: {exc.message}")
                return post.state
            post.reason = exc.message
            post.updated_at = now
            if exc.outcome_unknown:
                self._to_unknown(post, now, keep_window=post.duplicate_probe_at is not None)
                severity = "critical"
                action = "it may or may not have been posted; reconciling (never re-sent blindly)"
            elif exc.needs_reauth:
                post.state = "needs_reauth"
                severity, action = "critical", f"re-authorise with `vignettes auth {platform}`"
            elif exc.permanent:
                post.state = "failed"
                severity = "critical"
                action = (
                    f"fix the cause, then `vignettes publish {month} --resolve retry "
                    f"--platform {platform}`"
                )
            else:
                retry_at = max(now + backoff(post.attempts, self.rng), exc.retry_after or now)
                window_end = (
                    post.ambiguous_send_at + DUPLICATE_WINDOW
                    if post.duplicate_probe_at and post.ambiguous_send_at
                    else None
                )
                if window_end is not None and retry_at > window_end:
                    # The duplicate check could not be completed in time: a later re-send
                    # could no longer be recognised as a duplicate. A person decides.
                    self._to_unknown(post, now, keep_window=True)
                    post.reason = (
                        f"{exc.message}; the duplicate check could not be finished "
                        "inside the platform's duplicate window"
                    )
                    severity = "critical"
                    action = (
                        f"look at the account, then `vignettes publish {month} --resolve "
                        f"posted|retry --platform {platform}`"
                    )
                elif retry_at >= self.deadline(month):
                    post.state = "failed"
                    post.reason = f"{exc.message}; {GRACE_ENDED} before the next try"
                    severity, action = "critical", GRACE_ENDED
                else:
                    post.state = "pending"
                    post.next_attempt_at = retry_at
            state = post.state
            audit(
                session,
                at=now,
                actor=self.actor,
                via=self.via,
                action=f"publish_{state}",
                ref=ref,
                month=str(month),
                platform=platform,
                reason=post.reason,
                next_attempt_at=retry_at.isoformat() if state == "pending" and retry_at else None,
            )
        if severity:
            self.alerts.raise_alert(
                f"post:{month}:{platform}",
                severity,
                f"{month} {platform} ({ref}) is {state}: {exc.message} — {action}.",
                now=now,
            )
        elif retry_at is not None:
            log.warning(
                "%s %s: %s; next try at %s", month, platform, exc.message, retry_at.isoformat()
            )
        self.refresh_slot_state(month)
        return state

    @staticmethod
    def _to_unknown(post: Post, now: dt.datetime, *, keep_window: bool) -> None:
        post.state = "unknown"
        post.unknown_since = now
        if not (keep_window and post.ambiguous_send_at is not None):
            post.ambiguous_send_at = post.sending_at

    def _duplicate(self, post_id: int, exc: PlatformError) -> str:
        """The platform says this content is already there: that earlier post is ours.
        X does not name it, so look it up on the account for its id where we can."""
        with self.store.read() as session:
            post = session.get(Post, post_id)
            assert post is not None
            platform, text = post.platform, post.text
            since = (
                post.ambiguous_send_at or post.sending_at or self.clock.now()
            ) - DUPLICATE_WINDOW
        remote = exc.duplicate_of or ""
        found_url = ""
        if not remote:
            try:
                match = find_match(text, self.platforms[platform].recent_posts(50), since)
            except (PlatformError, KeyError):
                match = None
            if match is not None:
                remote, found_url = match.remote_id, match.url
        note = "" if remote else "; its id is unknown (the account's posts could not be read)"
        return self.posted(
            post_id,
            Published(remote, found_url or post_url(self.config, platform, remote)),
            reason=f"the platform reported duplicate content: already posted ({exc.message})"
            + note,
            own_send=True,
        )

    # ---- the slot ---------------------------------------------------------------------

    def refresh_slot_state(self, month: Month) -> str:
        """published when every enabled platform is posted (even after `missed`: a late
        reconciliation can prove it went out); partial when some are posted and the rest
        have given up; publishing while anything is still to do."""
        now = self.clock.now()
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
            elif slot.case_study_id is not None and slot.state in ("planned", "publishing"):
                slot.state = "publishing"
            elif posted and slot.state == "missed":
                slot.state = "partial"
            state = slot.state
            if posted and slot.case_study is not None:
                self._showcased(session, slot.case_study, slot, state, now)
        if state == "published":
            self.alerts.resolve(f"missed:{month}", now=now)
        return state

    def _showcased(
        self, session: Session, cs: CaseStudy, slot: MonthlySlot, state: str, now: dt.datetime
    ) -> None:
        """A post is out: the case study is showcased; once the month is settled
        (published, or partial), its contributors are told, with the live posts."""
        mark_showcased(session, cs, now, slot.month, actor=self.actor, via=self.via)
        if state in ("published", "partial"):
            urls = session.scalars(
                select(Post.url).where(Post.slot_id == slot.id, Post.state == "posted")
            )
            links = Links(self.config.web.base_url, self.config.schedule.timezone)
            notices.showcased(session, cs, slot.month, [u for u in urls if u], links, now)

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
        settleable = ("unknown", "failed", "needs_reauth")
        with self.store.write() as session:
            slot = get_slot(session, month)
            if slot is None:
                raise PublishError(f"{month} has no slot yet")
            for post in session.scalars(select(Post).where(Post.slot_id == slot.id)):
                if (platform and post.platform != platform) or post.state not in settleable:
                    continue
                if decision == "posted":
                    post.state, post.remote_id = "posted", remote_id or post.remote_id
                    post.url = url or post.url or post_url(self.config, post.platform, remote_id)
                    post.posted_at = post.posted_at or now
                else:
                    # A person checked: the earlier attempt is not there, so the platform's
                    # duplicate window no longer matters.
                    post.state, post.next_attempt_at = "pending", None
                    post.ambiguous_send_at = post.duplicate_probe_at = None
                post.unknown_since = None
                post.reason = f"resolved as {decision} by {by}"
                post.updated_at = now
                audit(
                    session,
                    at=now,
                    actor=by,
                    via=self.via,
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
            which = f"{platform} " if platform else ""
            raise PublishError(f"{month}: no {which}post is waiting to be resolved")
        self.refresh_slot_state(month)
        return changed


def _late(session: Session, post: Post, now: dt.datetime, actor: str, what: str) -> None:
    log.warning(
        "%s %s: late result ignored (%s); the row is %s by %s",
        post.slot.month,
        post.platform,
        what,
        post.state,
        post.sending_by or "-",
    )
    audit(
        session,
        at=now,
        actor=actor,
        action="late_result",
        ref=post.case_study.ref,
        month=post.slot.month,
        platform=post.platform,
        result=what,
        row_state=post.state,
    )
