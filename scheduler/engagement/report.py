"""The engagement report: per vignette and platform the latest figures and the change since
the previous snapshot. The CSV is `report_files`, the chart `chart`; the CLI's table is
`scheduler.cli.engagement_text`.

Reading is one query of plain columns (no ORM objects, no raw responses), so the report of
10,000 posts stays well under a second. matplotlib is imported inside `write_chart` only:
`vignettes --help` and every other command never pay for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from scheduler.engagement.figures import FIGURES
from scheduler.platforms.registry import NOT_OFFERED, not_offered
from vignettes.store.models import (
    CaseStudy,
    EngagementPlatform,
    EngagementSnapshot,
    MonthlySlot,
    Post,
)
from vignettes.store.queries import Store

REPORTED_STATES = ("taken", "unavailable")


@dataclass(frozen=True)
class Snapshot:
    """One reported snapshot (taken, or unavailable with reasons)."""

    offset: str
    offset_seconds: int
    taken_at: dt.datetime | None
    state: str
    figures: Mapping[str, int | None]
    engagement_rate: float | None
    unavailable: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "offset": self.offset,
            "taken_at": self.taken_at.isoformat() if self.taken_at else None,
            "state": self.state,
            **self.figures,
            "engagement_rate": self.engagement_rate,
            "unavailable": list(self.unavailable),
        }


@dataclass
class PostEngagement:
    """One vignette on one platform, with its snapshots oldest first."""

    month: str
    ref: str
    title: str
    platform: str
    remote_id: str
    url: str
    posted_at: dt.datetime | None
    snapshots: list[Snapshot] = field(default_factory=list)

    @property
    def taken(self) -> list[Snapshot]:
        return [s for s in self.snapshots if s.state == "taken"]

    @property
    def latest(self) -> Snapshot | None:
        taken = self.taken
        return taken[-1] if taken else None

    @property
    def previous(self) -> Snapshot | None:
        taken = self.taken
        return taken[-2] if len(taken) > 1 else None

    @property
    def unavailable(self) -> tuple[str, ...]:
        """Why figures are missing, from the most recent snapshot of any kind."""
        return self.snapshots[-1].unavailable if self.snapshots else ()

    def latest_known(self) -> dict[str, int | None]:
        """Per figure, its value in the latest snapshot that had it. Counts only grow, and
        a figure can become unreadable later (X's private metrics after 30 days), so this
        is what the chart sums rather than dropping link clicks at 90 days."""
        known: dict[str, int | None] = dict.fromkeys(FIGURES)
        for snapshot in self.taken:
            for name in FIGURES:
                if snapshot.figures.get(name) is not None:
                    known[name] = snapshot.figures[name]
        return known

    def change(self) -> dict[str, int | float | None]:
        """Latest minus previous snapshot, per figure (None where either is unknown)."""
        latest, previous = self.latest, self.previous
        out: dict[str, int | float | None] = {}
        if latest is None or previous is None:
            return out
        for name in FIGURES:
            a, b = latest.figures.get(name), previous.figures.get(name)
            out[name] = a - b if a is not None and b is not None else None
        a_rate, b_rate = latest.engagement_rate, previous.engagement_rate
        out["engagement_rate"] = (
            round(a_rate - b_rate, 6) if a_rate is not None and b_rate is not None else None
        )
        return out

    def to_json(self) -> dict[str, Any]:
        latest, previous = self.latest, self.previous
        return {
            "month": self.month,
            "ref": self.ref,
            "title": self.title,
            "platform": self.platform,
            "remote_id": self.remote_id,
            "url": self.url,
            "posted_at": self.posted_at.isoformat() if self.posted_at else None,
            "latest": latest.to_json() if latest else None,
            "previous": previous.to_json() if previous else None,
            "change": self.change(),
            "unavailable": list(self.unavailable),
            "snapshots": len(self.snapshots),
        }


def load(
    store: Store,
    *,
    since: str | None = None,
    platform: str | None = None,
    ref: str | None = None,
) -> list[PostEngagement]:
    """Every posted vignette (filtered by month ≥ `since`, platform, ref) with its reported
    snapshots, ordered by month and platform."""
    snap = EngagementSnapshot
    stmt = (
        select(
            MonthlySlot.month,
            CaseStudy.ref,
            CaseStudy.title,
            Post.id,
            Post.platform,
            Post.remote_id,
            Post.url,
            Post.posted_at,
            snap.offset_label,
            snap.offset_seconds,
            snap.taken_at,
            snap.state,
            *(getattr(snap, name) for name in FIGURES),
            snap.engagement_rate,
            snap.unavailable,
        )
        .select_from(Post)
        .join(MonthlySlot, MonthlySlot.id == Post.slot_id)
        .join(CaseStudy, CaseStudy.id == Post.case_study_id)
        .outerjoin(snap, and_(snap.post_id == Post.id, snap.state.in_(REPORTED_STATES)))
        .where(Post.state == "posted")
        .order_by(MonthlySlot.month, Post.platform, Post.id, snap.offset_seconds)
    )
    if since:
        stmt = stmt.where(MonthlySlot.month >= since)
    if platform:
        stmt = stmt.where(Post.platform == platform)
    if ref:
        stmt = stmt.where(CaseStudy.ref == ref)
    out: list[PostEngagement] = []
    by_post: dict[int, PostEngagement] = {}
    n = len(FIGURES)
    with store.read() as session:
        for result in session.execute(stmt):
            row: tuple[Any, ...] = tuple(result)
            month, cs_ref, title, post_id, plat, remote_id, url, posted_at = row[:8]
            entry = by_post.get(post_id)
            if entry is None:
                entry = PostEngagement(
                    month, cs_ref, title, plat, remote_id or "", url or "", posted_at
                )
                by_post[post_id] = entry
                out.append(entry)
            label, seconds, taken_at, state = row[8:12]
            if state is None:
                continue  # posted, nothing reported yet
            entry.snapshots.append(
                Snapshot(
                    label,
                    seconds,
                    taken_at,
                    state,
                    dict(zip(FIGURES, row[12 : 12 + n], strict=True)),
                    row[12 + n],
                    tuple(row[13 + n] or ()),
                )
            )
    return out


def platform_states(session: Session) -> dict[str, dict[str, Any]]:
    """Per platform: rate-limit wait, whole-platform refusal, and figures the last round
    could not read, with reasons (for `status` and the report)."""
    out = {}
    for row in session.scalars(select(EngagementPlatform).order_by(EngagementPlatform.platform)):
        out[row.platform] = {
            "last_polled_at": row.last_polled_at.isoformat() if row.last_polled_at else None,
            "blocked_until": row.blocked_until.isoformat() if row.blocked_until else None,
            "blocked_reason": row.blocked_reason or None,
            "unavailable_since": (
                row.unavailable_since.isoformat() if row.unavailable_since else None
            ),
            "unavailable_reason": row.unavailable_reason or None,
            "gaps": list(row.gaps or []),
        }
    return out


def report_json(entries: Sequence[PostEngagement], states: Mapping[str, Any]) -> dict[str, Any]:
    return {"vignettes": [e.to_json() for e in entries], "platforms": dict(states)}


def format_count(value: int | float | None, platform: str = "", figure: str = "") -> str:
    """A figure for people: `1,234`; "—" when the platform did not say; "not offered" when
    it has no such figure at all (Bluesky impressions: never shown as 0 or as a failed read)."""
    if value is None:
        return NOT_OFFERED if not_offered(platform, figure) else "—"
    return f"{value:,}"


# ---- preview -------------------------------------------------------------------------------


def preview_rows(entries: Iterable[PostEngagement]) -> dict[str, list[dict[str, object]]]:
    """For the preview page: per platform, one row per snapshot, formatted for people."""
    out: dict[str, list[dict[str, object]]] = {}
    for e in entries:
        rows = out.setdefault(e.platform, [])
        for s in e.snapshots:
            row: dict[str, object] = {
                "after": s.offset,
                "taken (UTC)": f"{s.taken_at:%Y-%m-%d %H:%M}" if s.taken_at else "",
            }
            row |= {
                f.replace("_", " "): format_count(s.figures.get(f), e.platform, f) for f in FIGURES
            }
            rate = s.engagement_rate
            row["rate"] = "—" if rate is None else f"{rate:.1%}"
            row["unavailable"] = "; ".join(s.unavailable)
            rows.append(row)
    return out
