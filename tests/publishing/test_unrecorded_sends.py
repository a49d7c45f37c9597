"""A post that went out while the database refused to record it: the daemon keeps the
outcome and records it at its next tick. Without that, the row would only be reconciled
(for a LinkedIn member, by a duplicate check that works only within ten minutes of the
send), and after a longer outage handed to a person, though the daemon knew it had posted."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scheduler.clock import FakeClock
from scheduler.platforms.base import Platform, PreparedPost, Published
from tests.conftest import case_study_row
from tests.emulator import Emulator
from tests.emulator.linkedin import MEMBER_SUB
from tests.faults import write_lock
from tests.publishing.conftest import SLOT, make_world
from vignettes.store.faults import DatabaseBusy
from vignettes.store.queries import Store


class LockedWhileSending:
    """The real adapter; while its publish is in flight, another process takes the
    database's write lock (and keeps it until the test lets go)."""

    def __init__(self, real: Platform, lock: Callable[[], None]) -> None:
        self.real, self.lock = real, lock

    def publish(self, post: PreparedPost) -> Published:
        published = self.real.publish(post)
        self.lock()
        return published

    def __getattr__(self, item: str) -> Any:
        return getattr(self.real, item)


def test_a_send_the_database_refused_to_record_is_recorded_when_it_is_back_not_resent(
    tmp_path: Path, db_url: str, emulator: Emulator, clock: FakeClock
) -> None:
    store = Store.open(db_url, busy_timeout=0.3)
    world = make_world(tmp_path, store, emulator, clock, author=f"urn:li:person:{MEMBER_SUB}")
    world.load(case_study_row("ICS-2026-100"))
    world.at(SLOT - dt.timedelta(days=2)).tick()
    held = contextlib.ExitStack()
    platforms = world.publisher.platforms
    world.publisher.platforms = {
        **platforms,
        "linkedin": LockedWhileSending(
            platforms["linkedin"], lambda: held.enter_context(write_lock(db_url))
        ),
    }

    with pytest.raises(DatabaseBusy):
        world.at(SLOT).tick()
    held.close()  # the database is back half an hour later: past the duplicate window
    world.publisher.platforms = platforms
    world.at(SLOT + dt.timedelta(minutes=30)).tick()

    linkedin = world.posts()["linkedin"]
    assert (linkedin.state, linkedin.remote_id) == ("posted", emulator.linkedin_posts[0].urn)
    assert len(emulator.linkedin_posts) == 1 and world.alerts() == {}
    store.close()
