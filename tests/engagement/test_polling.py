"""Polling: a snapshot at each offset, batched per platform, resumable after a crash,
and patient with rate limits."""

from __future__ import annotations

import datetime as dt

from scheduler.daemon.runtime import build_worker
from tests.conftest import START
from tests.engagement.conftest import World, months_before
from vignettes.store.queries import Store

OFFSETS = ["1h", "1d", "7d", "28d", "90d"]


def test_a_post_is_snapshotted_once_at_each_offset_as_its_figures_grow(world: World) -> None:
    world.publish("2026-11")

    for hours in (1, 24, 24 * 7, 24 * 28, 24 * 90):
        world.clock.set(START + dt.timedelta(hours=hours))
        world.poll()
        world.poll()  # a second tick at the same moment finds nothing due

    snaps = world.snapshots()
    assert [(s.offset_label, s.state) for s in snaps] == [(o, "taken") for o in OFFSETS]
    assert [s.impressions for s in snaps] == [65, 985, 6745, 26905, 26905]
    assert [s.taken_at - START for s in snaps] == [s.due_at - START for s in snaps]
    assert snaps[0].raw["public_metrics"]["impression_count"] == 65
    assert world.calls() == 5


def test_nothing_is_polled_before_the_first_offset(world: World) -> None:
    world.publish("2026-11")

    world.later(minutes=59).poll()

    assert set(world.states("2026-11").values()) == {"due"}
    assert world.calls() == 0


def test_250_posts_are_read_in_3_x_calls_and_13_linkedin_calls(world: World) -> None:
    for month in months_before("2026-12", 250):
        world.publish(month, platforms=("x", "linkedin"))

    lines = world.later(hours=1).poll()

    assert world.calls("x.get_tweets") == 3
    assert world.calls("linkedin.share_statistics") == 13  # 20 URNs a call
    taken = [s for s in world.snapshots() if s.state == "taken"]
    assert len(taken) == 500 and all(s.offset_label == "1h" for s in taken)
    assert "engagement x: 250 of 250 snapshot(s) taken" in lines


def test_a_poll_due_while_the_daemon_was_down_happens_once_on_restart(
    world: World, db_url: str
) -> None:
    world.publish("2026-11")
    world.later(hours=1).poll()

    world.later(days=10)  # the daemon was down: the 1d and 7d polls fell due meanwhile
    restarted = Store.open(db_url)
    world.poller(restarted).poll(world.clock.now())
    world.poller(restarted).poll(world.clock.now())
    restarted.close()

    assert world.calls() == 2
    assert world.states("2026-11") == {
        "1h": "taken",
        "1d": "skipped",
        "7d": "taken",
        "28d": "due",
        "90d": "due",
    }


def test_a_rate_limit_stops_polling_until_its_reset_even_across_a_restart(
    world: World, db_url: str
) -> None:
    world.publish("2026-11")
    world.later(hours=1)
    reset = world.clock.now() + dt.timedelta(minutes=10)
    world.emulator.rate_limit_next("x.get_tweets", reset_at=reset)

    world.poll()
    restarted = Store.open(db_url)
    for _ in range(9):  # every minute until just before the reset: nothing is sent
        world.later(minutes=1).poller(restarted).poll(world.clock.now())
    assert world.calls() == 1 and world.states("2026-11")["1h"] == "due"

    world.later(minutes=1).poller(restarted).poll(world.clock.now())
    restarted.close()

    assert world.calls() == 2
    assert world.states("2026-11")["1h"] == "taken"


def test_a_linkedin_daily_throttle_waits_for_midnight_utc(world: World) -> None:
    world.publish("2026-11", platforms=("linkedin",))
    world.emulator.rate_limit_next("linkedin.share_statistics", reset_at=START)

    world.later(hours=1).poll()
    world.clock.set(dt.datetime(2026, 12, 1, 23, 59, tzinfo=dt.UTC))
    world.poll()
    world.clock.set(dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC))
    world.poll()

    assert world.calls("linkedin.share_statistics") == 2
    assert world.states("2026-11", "linkedin")["1h"] == "taken"
    assert world.states("2026-11", "linkedin")["1d"] == "due"


def test_a_server_error_leaves_the_snapshot_due_and_backs_off(world: World) -> None:
    world.publish("2026-11")
    world.emulator.fail_next("x.get_tweets", 503)

    world.later(hours=1).poll()
    world.later(minutes=5).poll()
    world.later(minutes=10).poll()

    assert world.calls() == 2
    assert world.states("2026-11")["1h"] == "taken"


def test_the_daemon_tick_polls_engagement(world: World) -> None:
    world.publish("2026-11")
    worker = build_worker(world.config, world.store, world.clock, platforms=world.platforms)

    world.later(hours=1)
    report = worker.tick()

    assert "engagement x: 1 of 1 snapshot(s) taken" in report.chores
    assert world.states("2026-11")["1h"] == "taken"
