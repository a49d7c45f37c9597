"""The months gone by, as the console's plan shows them under the year ahead: what each
showcased and how each platform's post ended, with links to the live posts. Two queries,
whatever the size of the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from scheduler.operations.context import Workspace
from vignettes.planning.slots import Month, SlotTime, current_month, slot_time
from vignettes.store import read_models
from vignettes.store.models import CaseStudy, MonthlySlot, Post


@dataclass(frozen=True)
class PastPost:
    platform: str
    state: str
    url: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "state": self.state,
            "url": self.url,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PastMonth:
    month: Month
    slot: SlotTime
    state: str  # the slot's state, or "none" when the month has no slot row
    ref: str | None
    title: str | None
    organisation: str | None
    reason: str
    posts: tuple[PastPost, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "month": str(self.month),
            "slot_local": self.slot.local.isoformat(),
            "slot_utc": self.slot.utc.isoformat(),
            "state": self.state,
            "ref": self.ref,
            "title": self.title,
            "organisation": self.organisation,
            "reason": self.reason or None,
            "posts": [p.to_json() for p in self.posts],
        }


def past_months(ws: Workspace, months: int = 12) -> list[PastMonth]:
    """The `months` months before the current one, most recent first (cached until
    the database changes: they depend on it and on the current month alone)."""
    here = current_month(ws.now(), ws.config.schedule)
    found = read_models.cached(
        ws.store, ("past months", str(here), months), lambda: _read(ws, here, months)
    )
    return list(found)


def _read(ws: Workspace, here: Month, months: int) -> tuple[PastMonth, ...]:
    schedule = ws.config.schedule
    wanted = [here.shift(-i) for i in range(1, months + 1)]
    with ws.store.read() as session:
        rows = session.execute(
            select(
                MonthlySlot.id,
                MonthlySlot.month,
                MonthlySlot.state,
                MonthlySlot.reason,
                CaseStudy.ref,
                CaseStudy.title,
                CaseStudy.organisation,
            )
            .outerjoin(CaseStudy, CaseStudy.id == MonthlySlot.case_study_id)
            .where(MonthlySlot.month.in_([str(m) for m in wanted]))
        ).all()
        slot_ids = [r.id for r in rows]
        posts: dict[int, list[PastPost]] = {}
        if slot_ids:
            for p in session.execute(
                select(Post.slot_id, Post.platform, Post.state, Post.url, Post.reason)
                .where(Post.slot_id.in_(slot_ids))
                .order_by(Post.platform)
            ):
                posts.setdefault(p.slot_id, []).append(
                    PastPost(p.platform, p.state, p.url, p.reason or "")
                )
    by_month = {r.month: r for r in rows}
    out = []
    for month in wanted:
        row = by_month.get(str(month))
        out.append(
            PastMonth(
                month=month,
                slot=slot_time(month, schedule),
                state=row.state if row else "none",
                ref=row.ref if row else None,
                title=row.title if row else None,
                organisation=row.organisation if row else None,
                reason=(row.reason or "") if row else "",
                posts=tuple(posts.get(row.id, ())) if row else (),
            )
        )
    return tuple(out)
