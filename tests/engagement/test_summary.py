"""The monthly summary: sent once to the alert channels after the 28-day snapshot, with
each platform's figures against the median of the previous 12 vignettes."""

from __future__ import annotations

import datetime as dt

from scheduler.engagement.summary import summary_text
from tests.engagement.conftest import World, add_vignette, months_before
from vignettes.store.models import EngagementSnapshot, Post
from vignettes.store.queries import Store

TWENTY_EIGHT_DAYS = dt.timedelta(days=28)


def past_vignette(store: Store, month: str, impressions: int, at: dt.datetime) -> None:
    """A vignette from an earlier month with only its 28-day X snapshot on record."""
    add_vignette(store, month, {"x": f"9{impressions}"}, at - dt.timedelta(days=60))
    with store.write() as session:
        post = session.query(Post).filter_by(remote_id=f"9{impressions}").one()
        session.add(
            EngagementSnapshot(
                post_id=post.id,
                platform="x",
                offset_label="28d",
                offset_seconds=int(TWENTY_EIGHT_DAYS.total_seconds()),
                due_at=at,
                state="taken",
                taken_at=at,
                impressions=impressions,
                likes=impressions // 25,
                unavailable=[],
                raw={},
                updated_at=at,
            )
        )


def test_the_summary_after_28_days_compares_with_the_median_of_the_previous_12(
    world: World,
) -> None:
    earlier = months_before("2026-11", 13)
    past_vignette(world.store, earlier[0], 1_000_000, world.clock.now())  # 13th: left out
    for i, month in enumerate(earlier[1:], start=1):
        past_vignette(world.store, month, 1000 * i, world.clock.now())
    world.publish("2026-11", ago=TWENTY_EIGHT_DAYS - dt.timedelta(minutes=1))

    world.later(minutes=1).poll()

    summary = world.alerts()["summary:2026-11"]
    assert summary.severity == "info" and summary.resolved_at is not None
    assert "ICS-2026-11" in summary.message and "X after 28d" in summary.message
    assert "26,905 impressions (median 6,500, +314%)" in summary.message
    assert "previous 12 vignette(s)" in summary.message


def test_the_summary_is_sent_once(world: World) -> None:
    world.publish("2026-11", ago=TWENTY_EIGHT_DAYS - dt.timedelta(minutes=1))

    world.later(minutes=1).poll()
    world.later(days=1).poll()
    world.later(days=70).poll()  # the 90-day snapshot

    summary = world.alerts()["summary:2026-11"]
    assert summary.count == 1
    assert "No earlier vignettes to compare with yet." in summary.message


def test_the_summary_waits_until_every_platform_has_its_28_day_snapshot(world: World) -> None:
    world.publish("2026-11", platforms=("x", "linkedin"), ago=TWENTY_EIGHT_DAYS)
    world.emulator.fail_next("linkedin.share_statistics", 503)

    world.poll()
    assert "summary:2026-11" not in world.alerts()

    world.later(minutes=15).poll()
    message = world.alerts()["summary:2026-11"].message
    assert "X after 28d" in message and "LinkedIn after 28d" in message


def test_a_summary_names_a_figure_without_history_plainly() -> None:
    text = summary_text(
        "2026-11",
        "ICS-1",
        "Gŵyl y llyfrgell",
        {"linkedin": {"impressions": 1200, "likes": 30, "engagement_rate": 0.05}},
        [{"x": {"impressions": 10}}],
    )

    assert "LinkedIn after 28d: 1,200 impressions, 30 likes, engagement rate 5.0%." in text
    assert "“Gŵyl y llyfrgell”" in text


def test_vignettes_whose_28_days_passed_long_ago_get_no_late_summary(world: World) -> None:
    world.publish("2026-09", ago=dt.timedelta(days=60))  # engagement switched on late

    lines = world.later(minutes=1).poll()

    assert world.states("2026-09")["28d"] == "taken"
    assert "summary:2026-09" not in world.alerts()
    assert not any("summary" in line for line in lines)
