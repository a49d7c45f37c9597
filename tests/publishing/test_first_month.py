"""A new installation's first months: `skipped` (silently) only for a slot that passed
before this database ever had a daemon tick and that nobody tried to publish; any slot
whose publishing was attempted and did not go out is `missed`, with a critical alert."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scheduler.clock import FakeClock
from tests.conftest import case_study_row
from tests.emulator import Emulator
from tests.publishing.conftest import DECEMBER, SLOT, World, make_world
from vignettes.store.queries import Store

AFTER_GRACE = SLOT + dt.timedelta(days=3, hours=1)


def new_install(tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock) -> World:
    """No daemon has ever ticked on this database."""
    return make_world(tmp_path, store, emulator, clock)


def sends_fail_before_anything_is_posted(world: World) -> None:
    world.emulator.fail_next("x.media_upload", 503, times=50)
    world.emulator.fail_next("linkedin.initialize_upload", 503, times=50)


def test_a_month_published_by_hand_before_any_daemon_that_failed_is_missed_and_alerted(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock
) -> None:
    world = new_install(tmp_path, store, emulator, clock)
    world.load(case_study_row("ICS-2026-100"))
    sends_fail_before_anything_is_posted(world)
    world.at(SLOT + dt.timedelta(hours=1)).publisher.publish_month(DECEMBER, manual=True)

    world.at(AFTER_GRACE).tick()  # the first daemon tick this database has seen

    slot = world.slot()
    assert slot is not None and slot.state == "missed"
    assert "was not published" in world.alerts()["missed:2026-12"]


def test_on_the_very_first_start_a_slot_inside_its_grace_is_published_at_once(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock
) -> None:
    world = new_install(tmp_path, store, emulator, clock)
    world.load(case_study_row("ICS-2026-100"))

    report = world.at(SLOT + dt.timedelta(days=2)).tick()

    assert [r.month for r in report.published] == ["2026-12"]
    assert {p: post.state for p, post in world.posts().items()} == {
        "x": "posted",
        "linkedin": "posted",
    }


def test_a_slot_inside_its_grace_on_the_first_start_that_cannot_go_out_is_missed(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock
) -> None:
    world = new_install(tmp_path, store, emulator, clock)  # nothing approved to show
    world.at(SLOT + dt.timedelta(days=1)).tick()
    assert "empty:2026-12" in world.alerts()

    world.at(AFTER_GRACE).tick()

    slot = world.slot()
    assert slot is not None and slot.state == "missed"
    assert "missed:2026-12" in world.alerts()


def test_a_slot_that_passed_before_the_first_tick_untouched_is_skipped_without_alert(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock
) -> None:
    world = new_install(tmp_path, store, emulator, clock)
    world.load(case_study_row("ICS-2026-100"))

    world.at(AFTER_GRACE).tick()

    slot = world.slot()
    assert slot is not None and slot.state == "skipped"
    assert "missed:2026-12" not in world.alerts() and world.posts() == {}
