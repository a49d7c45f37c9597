"""A small world for engagement tests: a real store (SQLite and PostgreSQL), the API
emulator whose metrics grow with its fake clock, live adapters talking HTTP to it, and
builders that put published vignettes in both the emulator and the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scheduler.alerts import Alerter
from scheduler.clock import FakeClock
from scheduler.config import Config, parse_config
from scheduler.daemon.runtime import build_platforms
from scheduler.engagement.figures import FIGURES
from scheduler.engagement.polling import EngagementPoller
from scheduler.engagement.report import PostEngagement, Snapshot
from scheduler.platforms.base import Platform
from tests.conftest import SECRET_VALUES
from tests.emulator import Emulator
from tests.emulator.linkedin import ORGANIZATION
from vignettes.planning.slots import Month
from vignettes.store.models import Alert, CaseStudy, EngagementSnapshot, MonthlySlot, Post
from vignettes.store.queries import Store


def engagement_config(tmp_path: Path, emulator: Emulator, **platforms: Any) -> Config:
    live = {"mode": "live", "api_base": emulator.base_url, "timeout": "2s"}
    data = {
        "platforms": {
            "x": {**live, "username": "nhslibraries"} | platforms.get("x", {}),
            "linkedin": {**live, "oauth_base": emulator.base_url, "author": ORGANIZATION}
            | platforms.get("linkedin", {}),
        },
        "daemon": {"var_dir": str(tmp_path / "var")},
    }
    return parse_config(data, tmp_path / "config.toml")


@dataclass
class World:
    tmp_path: Path
    store: Store
    emulator: Emulator
    clock: FakeClock
    config: Config
    platforms: dict[str, Platform]

    def poller(self, store: Store | None = None) -> EngagementPoller:
        """A fresh poller, as a restarted daemon would build it (nothing kept in memory)."""
        store = store or self.store
        return EngagementPoller(store, self.config, self.platforms, Alerter(store, []))

    def poll(self) -> list[str]:
        return self.poller().poll(self.clock.now())

    def later(self, **delta: float) -> World:
        self.clock.advance(dt.timedelta(**delta))
        return self

    def publish(
        self,
        month: str,
        *,
        platforms: tuple[str, ...] = ("x",),
        ago: dt.timedelta = dt.timedelta(0),
        title: str = "Evidence helped the ward get patients moving sooner",
    ) -> dict[str, str]:
        """A vignette for `month` posted `ago` on each platform (emulator and database);
        returns the remote ids by platform."""
        ids = {}
        for name in platforms:
            if name == "x":
                ids[name] = self.emulator.x.seed_post(f"{month} {title}", age=ago).id
            else:
                ids[name] = self.emulator.linkedin.seed_post(f"{month} {title}", age=ago).urn
        add_vignette(self.store, month, ids, self.clock.now() - ago, title=title)
        return ids

    def snapshots(self, month: str | None = None) -> list[EngagementSnapshot]:
        with self.store.read() as session:
            stmt = select(EngagementSnapshot).join(Post).join(MonthlySlot)
            if month:
                stmt = stmt.where(MonthlySlot.month == month)
            return list(
                session.scalars(
                    stmt.order_by(MonthlySlot.month, Post.platform, EngagementSnapshot.due_at)
                )
            )

    def states(self, month: str, platform: str = "x") -> dict[str, str]:
        return {s.offset_label: s.state for s in self.snapshots(month) if s.platform == platform}

    def alerts(self) -> dict[str, Alert]:
        with self.store.read() as session:
            return {a.key: a for a in session.scalars(select(Alert))}

    def calls(self, op: str = "x.get_tweets") -> int:
        return len(self.emulator.calls(op))


def add_vignette(
    store: Store,
    month: str,
    remote_ids: dict[str, str],
    posted_at: dt.datetime,
    *,
    title: str = "Evidence helped the ward get patients moving sooner",
) -> None:
    """A case study shown in `month` and posted on each platform at `posted_at`."""
    ref = f"ICS-{month}"
    at = posted_at
    with store.write() as session:
        cs = CaseStudy(
            ref=ref,
            title=title,
            organisation="Northmoor Teaching Hospitals NHS Foundation Trust",
            headline=title[:90],
            summary="A rapid evidence summary from the library shaped a new protocol.",
            impact_categories=[],
            hashtags=[],
            status="approved",
            content_hash="h" * 64,
            approved_hash="h" * 64,
            approved_by="Priya Shah",
            approved_at=at,
            created_at=at,
            updated_at=at,
        )
        slot = MonthlySlot(month=month, case_study=cs, state="published", scheduled_at=at)
        session.add_all([cs, slot])
        session.flush()
        for platform, remote_id in remote_ids.items():
            session.add(
                Post(
                    slot_id=slot.id,
                    case_study_id=cs.id,
                    platform=platform,
                    state="posted",
                    content_hash="h" * 64,
                    text=title,
                    remote_id=remote_id,
                    url=f"https://example.invalid/{remote_id}",
                    posted_at=posted_at,
                    updated_at=at,
                )
            )


def months_before(month: str, count: int) -> list[str]:
    """The `count` months before `month`, oldest first."""
    m = Month.parse(month)
    return [str(m.shift(-i)) for i in range(count, 0, -1)]


def make_world(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock, **platforms: Any
) -> World:
    config = engagement_config(tmp_path, emulator, **platforms)
    adapters = build_platforms(config, clock, environ=SECRET_VALUES)
    return World(tmp_path, store, emulator, clock, config, adapters)


@pytest.fixture
def world(tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock) -> Iterator[World]:
    yield make_world(tmp_path, store, emulator, clock)


def report_entry(
    *,
    title: str = "Evidence helped the ward get patients moving sooner",
    ref: str = "ICS-2026-11",
    remote_id: str = "1850000000000000001",
    url: str = "https://x.com/nhslibraries/status/1850000000000000001",
    unavailable: tuple[str, ...] = (),
    impressions: int | None = 985,
    each: int = 3,
) -> PostEngagement:
    """One vignette on X with one taken snapshot, for report-writing tests that need exact
    text in the cells (what `report.load` returns, built directly); `each` is every
    figure but impressions."""
    posted = dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC)
    figures: dict[str, int | None] = dict.fromkeys(FIGURES, each)
    figures["impressions"] = impressions
    snapshot = Snapshot(
        "1d", 86400, posted + dt.timedelta(days=1), "taken", figures, 0.0125, unavailable
    )
    return PostEngagement("2026-11", ref, title, "x", remote_id, url, posted, [snapshot])
