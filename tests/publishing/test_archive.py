"""The record of what went out cannot fail silently: when the sent-cards archive cannot be
written the post still goes out, and an alert says so (in `status` too)."""

from __future__ import annotations

import datetime as dt

from scheduler.operations.showcase.status import build_status
from tests.publishing.conftest import SLOT, World


def test_an_archive_that_cannot_be_written_does_not_stop_the_post_but_raises_an_alert(
    world: World,
) -> None:
    cards = world.config.cards.output_dir
    cards.parent.mkdir(parents=True, exist_ok=True)
    cards.write_text("a file where the archive folder should be")  # even root cannot mkdir

    report = world.at(SLOT + dt.timedelta(minutes=5)).publish()

    assert report.posts == {"x": "posted", "linkedin": "posted"}
    alert = world.alerts()["archive"]
    assert "were not archived" in alert and str(cards / "2026-12") in alert
    shown = build_status(world.config, world.store, world.clock.now()).alerts
    assert [(a.key, a.severity) for a in shown] == [("archive", "warning")]


def test_the_archive_alert_is_resolved_once_the_archive_can_be_written_again(
    world: World,
) -> None:
    cards = world.config.cards.output_dir
    cards.parent.mkdir(parents=True, exist_ok=True)
    cards.write_text("not a folder")
    world.emulator.fail_next("linkedin.initialize_upload", 503)  # LinkedIn goes out later
    world.at(SLOT + dt.timedelta(minutes=5)).publish()
    assert "archive" in world.alerts()

    cards.unlink()
    world.at(SLOT + dt.timedelta(hours=2)).tick()

    assert "archive" not in world.alerts()
    assert sorted(p.name for p in (cards / "2026-12").iterdir())[0].endswith("-linkedin.alt.txt")
