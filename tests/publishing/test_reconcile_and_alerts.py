"""Settling unknown outcomes without a blind resend, and alerts a person can act on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scheduler.clock import FakeClock
from tests.conftest import case_study_row
from tests.emulator import Emulator
from tests.emulator.linkedin import MEMBER_SUB
from tests.publishing.conftest import DECEMBER, SLOT, Webhook, World, make_world
from vignettes.store.queries import Store


def member_world(tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock) -> World:
    # A member author: LinkedIn offers no list of the member's posts to reconcile against.
    world = make_world(tmp_path, store, emulator, clock, author=f"urn:li:person:{MEMBER_SUB}")
    world.load(case_study_row("ICS-2026-100", approved_on="2026-06-01"))
    world.at(SLOT - dt.timedelta(days=2)).tick()
    return world


def test_without_a_post_list_the_duplicate_check_inside_the_window_settles_it(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock
) -> None:
    world = member_world(tmp_path, store, emulator, clock)
    emulator.fail_next("linkedin.create_post", 503, perform=True)
    world.at(SLOT).tick()
    assert world.posts()["linkedin"].state == "unknown"
    world.at(SLOT + dt.timedelta(minutes=2)).tick()  # resend → 422 DUPLICATE_POST with URN
    li = world.posts()["linkedin"]
    assert (li.state, li.remote_id) == ("posted", emulator.linkedin_posts[0].urn)
    assert len(emulator.linkedin_posts) == 1


def test_an_outcome_that_cannot_be_checked_is_left_to_a_person_who_settles_it(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock
) -> None:
    world = member_world(tmp_path, store, emulator, clock)
    emulator.fail_next("linkedin.create_post", 503, perform=True)
    world.at(SLOT).tick()
    world.at(SLOT + dt.timedelta(minutes=30)).tick()  # past the duplicate window: no resend
    assert world.posts()["linkedin"].state == "unknown"
    assert "--resolve posted --platform linkedin" in world.alerts()["post:2026-12:linkedin"]
    world.publisher.resolve(
        DECEMBER,
        "posted",
        by="comms",
        platform="linkedin",
        remote_id=emulator.linkedin_posts[0].urn,
    )
    assert world.posts()["linkedin"].state == "posted" and world.alerts() == {}
    assert world.slot().state == "published"  # type: ignore[union-attr]
    assert len(emulator.linkedin_posts) == 1


def test_the_same_alert_reaches_the_webhook_once_not_every_tick(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock, webhook: Webhook
) -> None:
    world = make_world(tmp_path, store, emulator, clock, webhook_url=webhook.url)
    world.at(SLOT - dt.timedelta(days=2)).tick()  # nothing approved: December will be empty
    for minutes in range(0, 60, 5):
        world.at(SLOT + dt.timedelta(minutes=minutes)).tick()
    texts = [m["text"] for m in webhook.received]
    assert len(texts) == 1 and "2026-12 has no case study to showcase" in texts[0]
