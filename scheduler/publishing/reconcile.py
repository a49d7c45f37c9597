"""Settling posts whose outcome is unknown (invariant 2): never a blind resend.

1. A `sending` row whose sender is gone (crash, SIGKILL) becomes `unknown`. A sender on
   this host that is still alive is never judged gone, however slow; one on another host
   is judged gone only after longer than any publish can take with the configured timeouts.
2. Where the account's recent posts can be read, look for our text there: found → posted
   with its id; still absent once the platform has had time to show it (counted from when
   the row became unknown) → safe to send again.
3. Where they cannot be read, send once more *inside the platform's duplicate window*
   (counted from the ambiguous send) so its duplicate check answers (X 403 duplicate,
   LinkedIn 422 DUPLICATE_POST naming the URN).
4. Anything else stays `unknown` with an alert telling a person what to check, settled by
   `vignettes publish MONTH --resolve posted|retry`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from sqlalchemy import select

from scheduler.config import PLATFORM_NAMES, Config
from scheduler.platforms.base import NotSupported, PlatformError, Published, RecentPost
from scheduler.publishing.matching import find_match
from scheduler.publishing.outcomes import DUPLICATE_WINDOW
from scheduler.publishing.publish import Publisher
from vignettes.planning.slots import Month
from vignettes.store.models import Post

log = logging.getLogger(__name__)

SETTLE = dt.timedelta(minutes=2)
# LinkedIn's publish is the longest: about nine HTTP calls plus a bounded wait for image
# processing. Twelve timeouts and a minute cover it with room to spare.
CALLS_PER_PUBLISH = 12


def stale_after(config: Config) -> dt.timedelta:
    """How long a `sending` row of another host's process may stay before it is presumed
    dead: longer than any publish can take with these timeouts."""
    timeout = max(config.platforms.get(name).timeout for name in PLATFORM_NAMES)
    return max(dt.timedelta(minutes=15), timeout * CALLS_PER_PUBLISH + dt.timedelta(minutes=1))


def _owner_alive_here(sending_by: str) -> bool | None:
    """True/False for a sender on this host; None when it is on another host."""
    host, _, pid = sending_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reconcile(publisher: Publisher) -> list[str]:
    """One reconciliation pass; returns a line per post it changed."""
    now = publisher.clock.now()
    changes = _expire_interrupted_sends(publisher, now)
    with publisher.store.read() as session:
        unknown = [
            (
                p.id,
                p.platform,
                Month.parse(p.slot.month),
                p.text,
                p.unknown_since or p.updated_at,
                p.ambiguous_send_at or p.sending_at,
                p.duplicate_probe_at,
            )
            for p in session.scalars(select(Post).where(Post.state == "unknown"))
        ]
    for post_id, platform, month, text, unknown_since, sent_at, probed in unknown:
        adapter = publisher.platforms.get(platform)
        if adapter is None:
            continue
        since = sent_at - DUPLICATE_WINDOW if sent_at else None
        try:
            recent: list[RecentPost] | None = adapter.recent_posts(50)
        except NotSupported:
            recent = None
        except PlatformError as exc:
            log.warning(
                "%s %s: cannot read recent posts to reconcile (%s); next tick",
                month,
                platform,
                exc.message,
            )
            continue
        if recent is not None:
            match = find_match(text, recent, since)
            if match is not None:
                publisher.record_posted(
                    post_id,
                    Published(match.remote_id, match.url),
                    reason="reconciled: found on the account",
                )
                changes.append(f"{month} {platform}: found on the account as {match.remote_id}")
            elif now - unknown_since >= SETTLE:
                _requeue(publisher, post_id, now, "reconciled: not on the account; sending again")
                changes.append(f"{month} {platform}: not on the account; will send again")
            continue
        in_window = sent_at is not None and now - sent_at <= DUPLICATE_WINDOW
        if probed is None and in_window:
            _requeue(
                publisher,
                post_id,
                now,
                "reconciling: sending again inside the duplicate window so the platform's "
                "duplicate check tells whether the first attempt was posted",
                probe=True,
            )
            changes.append(f"{month} {platform}: duplicate check inside the window")
            continue
        when = f"{sent_at:%Y-%m-%d %H:%M} UTC" if sent_at else "an unknown time"
        publisher.alerts.raise_alert(
            f"post:{month}:{platform}",
            "critical",
            f"{month} {platform}: the outcome of the send at {when} is unknown and cannot be "
            f"checked automatically. Look at the account, then run `vignettes publish {month} "
            f"--resolve posted --platform {platform}` if it is there or `--resolve retry` if "
            "it is not.",
            now=now,
        )
    return changes


def _expire_interrupted_sends(publisher: Publisher, now: dt.datetime) -> list[str]:
    limit = stale_after(publisher.config)
    changes = []
    with publisher.store.write() as session:
        for post in session.scalars(select(Post).where(Post.state == "sending")):
            alive = _owner_alive_here(post.sending_by)
            if post.sending_by == publisher.instance:
                # Ticks never overlap in one process: a row we still hold is a send whose
                # result was never recorded.
                gone = True
            elif alive is not None:
                gone = not alive
            else:
                gone = post.sending_at is None or now - post.sending_at >= limit
            if not gone:
                continue
            post.state = "unknown"
            post.unknown_since = now
            post.ambiguous_send_at = post.ambiguous_send_at or post.sending_at
            post.reason = (
                f"interrupted while sending (by {post.sending_by}); the platform "
                "may or may not have the post"
            )
            post.updated_at = now
            changes.append(f"{post.slot.month} {post.platform}: interrupted send → unknown")
    return changes


def _requeue(
    publisher: Publisher, post_id: int, now: dt.datetime, reason: str, *, probe: bool = False
) -> None:
    with publisher.store.write() as session:
        post = session.get(Post, post_id)
        if post is None or post.state != "unknown":
            return
        post.state = "pending"
        post.next_attempt_at = None
        post.unknown_since = None
        post.reason = reason
        post.updated_at = now
        if probe:
            post.duplicate_probe_at = now
        else:
            # Proven absent: the earlier attempt no longer needs the duplicate window.
            post.ambiguous_send_at = post.duplicate_probe_at = None
