"""The monthly engagement summary: after a vignette's 28-day snapshots are in, its figures
per platform against the median of the previous 12 vignettes, sent once to the alert
channels."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.alerts import Alerter
from scheduler.config import Config
from scheduler.engagement.figures import FIGURES, PLATFORM_NAMES
from vignettes.store.models import Alert, CaseStudy, EngagementSnapshot, MonthlySlot, Post
from vignettes.store.queries import Store

SUMMARY_AFTER = dt.timedelta(days=28)
# A summary whose 28-day mark passed longer ago than this is not sent late.
SUMMARY_WINDOW = dt.timedelta(days=7)
SUMMARY_PREVIOUS = 12


def summary_offset(poll_after: Sequence[dt.timedelta]) -> dt.timedelta:
    """The snapshot the monthly summary waits for: the first offset of 28 days or more (the
    last offset when none is that long)."""
    return next((o for o in poll_after if o >= SUMMARY_AFTER), poll_after[-1])


def send_summaries(
    store: Store, config: Config, alerts: Alerter | None, now: dt.datetime
) -> list[str]:
    """After a vignette's 28-day snapshots are in (every platform), send its summary
    once to the alert channels (severity info, key `summary:<month>`)."""
    if alerts is None or not config.engagement.poll_after:
        return []
    after = int(summary_offset(config.engagement.poll_after).total_seconds())
    with store.read() as session:
        # Only vignettes whose 28-day mark is recent: switching engagement on for an
        # old database, or a daemon down for months, must not flood the channels.
        months = session.scalars(
            select(MonthlySlot.month)
            .join(Post, Post.slot_id == MonthlySlot.id)
            .join(EngagementSnapshot, EngagementSnapshot.post_id == Post.id)
            .where(
                EngagementSnapshot.offset_seconds == after,
                EngagementSnapshot.state != "due",
                EngagementSnapshot.due_at >= now - SUMMARY_WINDOW,
            )
            .distinct()
        ).all()
        sent = set(
            session.scalars(
                select(Alert.key).where(Alert.key.in_([f"summary:{m}" for m in months]))
            )
        )
        texts = []
        for month in sorted(months):
            if f"summary:{month}" in sent:
                continue
            text = summary_for(session, month, after)
            if text is not None:
                texts.append((month, text))
    for month, text in texts:
        key = f"summary:{month}"
        alerts.raise_alert(key, "info", text, now=now)
        # A summary is news, not a problem: it must not sit among open alerts.
        alerts.resolve(key, now=now)
    if not texts:
        return []
    shown = ", ".join(m for m, _ in texts[:6]) + (" …" if len(texts) > 6 else "")
    return [f"engagement summary sent for {len(texts)} month(s): {shown}"]


# ---- summary composition ---------------------------------------------------------------

SUMMARY_FIGURES = ("impressions", "likes", "reposts", "replies", "link_clicks")


def figures_at(session: Session, months: Sequence[str], after: int) -> dict[str, dict[str, Any]]:
    """Per month, per platform: the figures of the first taken snapshot at or after
    `after` seconds (the 28-day one, or the next when it was skipped)."""
    rows = session.execute(
        select(MonthlySlot.month, Post.platform, EngagementSnapshot)
        .join(Post, Post.slot_id == MonthlySlot.id)
        .join(EngagementSnapshot, EngagementSnapshot.post_id == Post.id)
        .where(
            MonthlySlot.month.in_(months),
            EngagementSnapshot.offset_seconds >= after,
            EngagementSnapshot.state == "taken",
        )
        .order_by(EngagementSnapshot.offset_seconds.desc())
    ).all()
    out: dict[str, dict[str, Any]] = {}
    for month, platform, snap in rows:  # descending: the smallest offset wins
        values = {name: getattr(snap, name) for name in (*FIGURES, "engagement_rate")}
        values["offset"] = snap.offset_label
        out.setdefault(month, {})[platform] = values
    return out


def summary_for(session: Session, month: str, after: int) -> str | None:
    """The summary text for `month`, or None while a platform's snapshot is still due or
    when no platform gave any figures."""
    slot = session.scalars(select(MonthlySlot).where(MonthlySlot.month == month)).first()
    if slot is None or slot.case_study_id is None:
        return None
    posts = list(session.scalars(select(Post).where(Post.slot_id == slot.id)))
    posted = [p for p in posts if p.state == "posted"]
    for post in posted:
        pending = session.scalar(
            select(EngagementSnapshot.id).where(
                EngagementSnapshot.post_id == post.id,
                EngagementSnapshot.offset_seconds <= after,
                EngagementSnapshot.state == "due",
            )
        )
        if pending is not None:
            return None
    previous = list(
        session.scalars(
            select(MonthlySlot.month)
            .join(Post, Post.slot_id == MonthlySlot.id)
            .where(MonthlySlot.month < month, Post.state == "posted")
            .distinct()
            .order_by(MonthlySlot.month.desc())
            .limit(SUMMARY_PREVIOUS)
        )
    )
    figures = figures_at(session, [month, *previous], after)
    if month not in figures:
        return None
    cs = session.get(CaseStudy, slot.case_study_id)
    assert cs is not None
    return summary_text(
        month,
        cs.ref,
        cs.title,
        figures[month],
        [figures[m] for m in previous if m in figures],
    )


def summary_text(
    month: str,
    ref: str,
    title: str,
    figures: Mapping[str, Mapping[str, Any]],
    previous: Sequence[Mapping[str, Mapping[str, Any]]],
) -> str:
    """Plain words for people: the vignette, each platform's figures, and each figure
    against the median of the previous vignettes (up to 12) on that platform."""
    parts = [f"Engagement summary for {month}: {ref} “{title}”."]
    for platform in sorted(figures):
        mine = figures[platform]
        earlier = [p[platform] for p in previous if platform in p]
        shown = []
        for name in SUMMARY_FIGURES:
            value = mine.get(name)
            if value is None:
                continue
            label = name.replace("_", " ")
            past = [e[name] for e in earlier if e.get(name) is not None]
            if past:
                median = statistics.median(past)
                shown.append(f"{value:,} {label} ({_versus(value, median)})")
            else:
                shown.append(f"{value:,} {label}")
        rate = mine.get("engagement_rate")
        if rate is not None:
            shown.append(f"engagement rate {rate:.1%}")
        head = f"{PLATFORM_NAMES.get(platform, platform)} after {mine.get('offset', '28d')}"
        parts.append(f"{head}: {', '.join(shown) or 'no figures'}.")
    n = max((len([p for p in previous if k in p]) for k in figures), default=0)
    parts.append(
        f"Compared with the median of the previous {n} vignette(s)."
        if n
        else "No earlier vignettes to compare with yet."
    )
    return " ".join(parts)


def _versus(value: float, median: float) -> str:
    shown = f"{median:,.0f}" if float(median).is_integer() else f"{median:,.1f}"
    if median == 0:
        return f"median {shown}"
    change = (value - median) / median
    return f"median {shown}, {change:+.0%}"
