"""Claiming a post row before sending: the heart of invariant 2.

The row moves `pending → sending` in one conditional UPDATE, committed before any HTTP
call, so of any number of processes racing for one (slot, platform), exactly one sends.
The approval and content hash are checked again in the same transaction: an edit or a
revoked approval at the last moment stops the send.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from scheduler.platforms.base import PreparedPost
from scheduler.publishing.snapshot import Snapshot
from vignettes.store.models import CaseStudy, Post
from vignettes.store.queries import Store, audit, lock_month

log = logging.getLogger(__name__)


def claim(
    store: Store,
    snapshot: Snapshot,
    platform: str,
    prepared: PreparedPost,
    *,
    now: dt.datetime,
    instance: str,
    via: str,
    actor: str | None = None,
) -> int | str:
    """Own the row by moving it pending → sending in one conditional UPDATE, committed
    before any HTTP call. Returns the row id, or the row's state when not ours. The row
    is owned by `instance` (this process); the audit trail names `actor`, the person
    publishing by hand (the instance itself for the daemon)."""
    try:
        with store.write() as session:
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
                    sending_by=instance,
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
                actor=actor or instance,
                via=via,
                action="sending",
                ref=snapshot.content.ref,
                month=str(snapshot.month),
                platform=platform,
                process=instance,
            )
            return int(post.id)
    except IntegrityError:
        # Another process created the row (or this case study was already posted to
        # this platform in another slot): the constraint did its job.
        log.warning(
            "%s %s: post row already exists elsewhere; not sending", snapshot.month, platform
        )
        return "conflict"
