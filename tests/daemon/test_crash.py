"""SIGKILL at the two dangerous moments of a send, then a restart: never a second post."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.publishing.reconcile import SETTLE
from tests.daemon.conftest import MONTH, SLOT_NOW, Site, held_then_killed
from tests.emulator import Emulator

pytestmark = pytest.mark.slow


def test_killed_after_x_accepted_the_post_never_posts_it_twice(
    live_site: Site, emulator: Emulator
) -> None:
    hold = emulator.hold_next("x.create_tweet")  # the tweet is created, the answer held
    held_then_killed(live_site.start(), hold)
    assert len(emulator.x_posts) == 1
    assert live_site.posts()["x"] == "sending"

    restart = live_site.cli("run", "--once")

    assert restart.code == 0, restart.err
    assert len(emulator.x_posts) == 1
    assert live_site.posts() == {"x": "posted", "linkedin": "posted"}
    x_row = live_site.post_rows()[0]
    assert x_row.remote_id == emulator.x_posts[0].id
    assert x_row.reason == "reconciled: found on the account"


def test_killed_after_sending_was_committed_but_before_the_create_call_posts_once(
    live_site: Site, emulator: Emulator
) -> None:
    hold = emulator.hold_next("x.media_upload", perform=False)
    held_then_killed(live_site.start(), hold)
    assert live_site.posts()["x"] == "sending"
    assert emulator.calls("x.create_tweet") == []

    too_soon = live_site.cli("run", "--once")  # the account may not show it yet
    assert too_soon.code == 0, too_soon.err
    assert live_site.posts()["x"] == "unknown"

    later = SLOT_NOW + SETTLE + dt.timedelta(minutes=1)
    emulator.clock.set(later)
    settled = live_site.cli("run", "--once", now=later)

    assert settled.code == 0, settled.err
    assert len(emulator.x_posts) == 1
    assert live_site.posts() == {"x": "posted", "linkedin": "posted"}
    assert live_site.cli("status", "--json", now=later).json()["this_month"]["state"] == (
        "published"
    )
    assert MONTH in settled.err
