"""Edge cases of recovery found in review: slow live senders, probes that fail, late
edits, long outages and late reconciliations. Each once caused a double post, a send of
edited content or a silently lost month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scheduler.clock import FakeClock
from scheduler.platforms.base import Platform, PreparedPost, Published
from tests.conftest import case_study_row
from tests.emulator import Emulator
from tests.emulator.linkedin import MEMBER_SUB
from tests.publishing.conftest import DECEMBER, SLOT, World, make_world
from vignettes.store.queries import Store

DEADLINE = SLOT + dt.timedelta(days=3)


class Slow:
    """The real adapter, with something happening while its first publish is in flight
    (the network is slow, another process ticks, comms edits the case study)."""

    def __init__(self, real: Platform, during: Callable[[], None]) -> None:
        self.real, self.during, self.calls = real, during, 0
        self.name = real.name

    def publish(self, post: PreparedPost) -> Published:
        self.calls += 1
        if self.calls == 1:
            self.during()
        return self.real.publish(post)

    def __getattr__(self, item: str) -> Any:
        return getattr(self.real, item)


def slow(world: World, platform: str, during: Callable[[], None]) -> None:
    world.publisher.platforms = {
        **world.publisher.platforms,
        platform: Slow(world.publisher.platforms[platform], during),
    }


def test_a_slow_live_sender_is_never_taken_for_dead_by_another_process(
    world: World, tmp_path: Path
) -> None:
    other = make_world(tmp_path / "other", world.store, world.emulator, world.clock)
    other.publisher.instance = "cli-host:4242"

    def eleven_slow_minutes() -> None:
        world.clock.advance(dt.timedelta(minutes=6))
        other.tick()  # e.g. `vignettes publish` run by hand meanwhile
        world.clock.advance(dt.timedelta(minutes=5))

    slow(world, "linkedin", eleven_slow_minutes)
    world.at(SLOT).tick()
    assert len(world.emulator.linkedin_posts) == len(world.emulator.x_posts) == 1
    assert world.posts()["linkedin"].remote_id == world.emulator.linkedin_posts[0].urn


def member_world(tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock) -> World:
    world = make_world(tmp_path, store, emulator, clock, author=f"urn:li:person:{MEMBER_SUB}")
    world.load(case_study_row("ICS-2026-100", approved_on="2026-06-01"))
    world.at(SLOT - dt.timedelta(days=2)).tick()
    return world


def test_a_duplicate_check_that_cannot_finish_in_the_window_goes_to_a_person(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock
) -> None:
    world = member_world(tmp_path, store, emulator, clock)
    emulator.fail_next("linkedin.create_post", 503, perform=True)  # posted, answer lost
    world.at(SLOT).tick()
    emulator.fail_next("linkedin.initialize_upload", 503, times=5)  # the check cannot run
    for minute in range(2, 40):
        world.at(SLOT + dt.timedelta(minutes=minute)).tick()
    assert len(emulator.linkedin_posts) == 1
    linkedin = world.posts()["linkedin"]
    assert linkedin.state == "unknown" and "duplicate window" in linkedin.reason
    assert "--resolve posted --platform linkedin" in world.alerts()["post:2026-12:linkedin"]


def test_an_edit_during_rendering_stops_every_send(world: World) -> None:
    from scheduler.publishing.rendering import render_vignette

    def edit_while_rendering(*args: Any, **kwargs: Any) -> Any:
        world.load(case_study_row("ICS-2026-100", summary="Consent withdrawn."), name="e.json")
        return render_vignette(*args, **kwargs)

    world.publisher.renderer = edit_while_rendering
    world.at(SLOT).tick()
    assert world.emulator.x_posts == [] and world.emulator.linkedin_posts == []
    assert "lost its approval" in world.alerts()["blocked:2026-12"]


def test_an_edit_while_x_is_sending_stops_linkedin(world: World) -> None:
    slow(
        world,
        "x",
        lambda: world.load(case_study_row("ICS-2026-100", summary="Edited."), name="e.json"),
    )
    world.at(SLOT).tick()
    assert len(world.emulator.x_posts) == 1 and world.emulator.linkedin_posts == []


def test_a_month_lost_in_a_long_outage_is_still_reported_missed(world: World) -> None:
    world.at(dt.datetime(2027, 3, 10, 12, tzinfo=dt.UTC)).tick()
    alerts = world.alerts()
    assert {"missed:2026-12", "missed:2027-01", "missed:2027-02"} <= alerts.keys()


def test_posts_found_after_the_grace_window_make_the_month_published(world: World) -> None:
    world.emulator.fail_next("x.create_tweet", 503, perform=True)
    world.emulator.fail_next("linkedin.create_post", 503, perform=True)
    world.at(SLOT).tick()
    world.emulator.fail_next("x.user_tweets", 503)  # the account cannot be read in time
    world.emulator.fail_next("linkedin.find_posts", 503)
    world.at(DEADLINE + dt.timedelta(minutes=1)).tick()
    assert world.slot().state == "missed"  # type: ignore[union-attr]
    world.at(DEADLINE + dt.timedelta(minutes=10)).tick()
    assert world.slot().state == "published"  # type: ignore[union-attr]
    assert "missed:2026-12" not in world.alerts()
    assert len(world.emulator.x_posts) == len(world.emulator.linkedin_posts) == 1


def test_a_hand_publish_resends_what_failed_only_because_grace_ran_out(world: World) -> None:
    world.emulator.fail_next("x.media_upload", 503)
    world.emulator.fail_next("linkedin.initialize_upload", 503)
    world.at(DEADLINE - dt.timedelta(seconds=30)).tick()
    world.at(DEADLINE + dt.timedelta(minutes=5)).tick()
    assert world.slot().state == "missed"  # type: ignore[union-attr]
    report = world.publisher.publish_month(DECEMBER, manual=True)
    assert report.slot_state == "published"
    assert len(world.emulator.x_posts) == len(world.emulator.linkedin_posts) == 1
