"""Settling posts whose outcome is unknown (invariant 2): never a blind resend.

1. A `sending` row whose process is gone (crash, SIGKILL) becomes `unknown`.
2. Where the account's recent posts can be read, look for our text there: found → posted
   with its id; still absent once the platform has had time to show it → safe to send.
3. Where they cannot be read, send once more *within the platform's duplicate window* so
   its duplicate check answers (X 403 duplicate, LinkedIn 422 DUPLICATE_POST with the URN).
4. Anything else stays `unknown` with an alert telling a person what to check, settled by
   `vignettes publish MONTH --resolve posted|retry`.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
import socket
from collections.abc import Sequence

from sqlalchemy import select

from scheduler.platforms.base import NotSupported, PlatformError, Published, RecentPost
from scheduler.publish import Publisher
from vignettes.models import Post
from vignettes.slots import Month

log = logging.getLogger(__name__)

STALE_SENDING = dt.timedelta(minutes=5)
SETTLE = dt.timedelta(minutes=2)
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
MATCH_PREFIX = 80
_URL = re.compile(r"https?://\S+")
_ESCAPE = re.compile(r"\\(.)")
_HASHTAG_TEMPLATE = re.compile(r"\{hashtag\|\\?[#＃]\|([^}]*)\}")


def normalise(text: str) -> str:
    """Comparable text: X rewrites links to t.co and HTML-escapes; LinkedIn returns
    little-text escapes and hashtag templates. Compare what a reader would see."""
    text = html.unescape(text)
    text = _HASHTAG_TEMPLATE.sub(r"#\1", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _URL.sub(" ", text)
    return " ".join(text.split()).casefold()


def find_match(
    sent: str, recent: Sequence[RecentPost], since: dt.datetime | None
) -> RecentPost | None:
    want = normalise(sent)[:MATCH_PREFIX]
    for post in recent:
        if since is not None and post.created_at is not None and post.created_at < since:
            continue
        if want and normalise(post.text).startswith(want):
            return post
    return None


def _process_gone(sending_by: str) -> bool:
    host, _, pid = sending_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


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
                p.sending_at,
                p.duplicate_probe_at,
            )
            for p in session.scalars(select(Post).where(Post.state == "unknown"))
        ]
    for post_id, platform, month, text, sending_at, probed in unknown:
        adapter = publisher.platforms.get(platform)
        if adapter is None:
            continue
        since = sending_at - DUPLICATE_WINDOW if sending_at else None
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
        age = now - sending_at if sending_at else dt.timedelta.max
        if recent is not None:
            match = find_match(text, recent, since)
            if match is not None:
                publisher.record_posted(
                    post_id,
                    Published(match.remote_id, match.url),
                    reason="reconciled: found on the account",
                )
                changes.append(f"{month} {platform}: found on the account as {match.remote_id}")
            elif age >= SETTLE:
                _requeue(publisher, post_id, now, "reconciled: not on the account; sending again")
                changes.append(f"{month} {platform}: not on the account; will send again")
            continue
        if probed is None and age <= DUPLICATE_WINDOW:
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
        publisher.alerts.raise_alert(
            f"post:{month}:{platform}",
            "critical",
            f"{month} {platform}: the outcome of the send at {sending_at:%Y-%m-%d %H:%M} UTC is "
            f"unknown and cannot be checked automatically. Look at the account, then run "
            f"`vignettes publish {month} --resolve posted --platform {platform}` if it is there "
            f"or `--resolve retry` if it is not.",
            now=now,
        )
    return changes


def _expire_interrupted_sends(publisher: Publisher, now: dt.datetime) -> list[str]:
    changes = []
    with publisher.store.write() as session:
        for post in session.scalars(select(Post).where(Post.state == "sending")):
            stale = post.sending_at is None or now - post.sending_at >= STALE_SENDING
            if stale or _process_gone(post.sending_by) or post.sending_by == publisher.instance:
                post.state = "unknown"
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
        post.reason = reason
        post.updated_at = now
        if probe:
            post.duplicate_probe_at = now
