"""The publishing pipeline against the emulator: exactly once, whatever happens."""

from __future__ import annotations

import datetime as dt

from scheduler.publishing.rendering import render_vignette
from tests.platforms.conftest import closed_port, x_adapter
from tests.publishing.conftest import DECEMBER, SLOT, World
from vignettes.store.queries import get_case_study


def x_adapter_at(base: str, world: World) -> object:
    return x_adapter(base, world.clock, username="nhslibraries")


def test_the_due_month_is_posted_once_to_each_platform_with_alt_text(world: World) -> None:
    world.at(SLOT + dt.timedelta(minutes=1)).tick()
    posts = world.posts()
    assert {p: posts[p].state for p in posts} == {"x": "posted", "linkedin": "posted"}
    assert world.slot().state == "published"  # type: ignore[union-attr]
    assert world.emulator.x_posts[0].media_ids and world.emulator.linkedin_posts[0].alt_text
    world.at(SLOT + dt.timedelta(hours=1)).tick()
    assert (world.sent("x.create_tweet"), world.sent("linkedin.create_post")) == (1, 1)


def test_what_was_sent_is_kept_under_the_cards_folder(world: World) -> None:
    world.at(SLOT).tick()
    folder = world.config.cards.output_dir / "2026-12"
    sent_text = world.emulator.calls("x.create_tweet")[0].json()["text"]
    assert (folder / "ICS-2026-100-x.txt").read_text() == sent_text
    assert (folder / "ICS-2026-100-linkedin.png").read_bytes().startswith(b"\x89PNG")
    assert (folder / "ICS-2026-100-linkedin.alt.txt").read_text() == (
        world.emulator.linkedin_posts[0].alt_text
    )


def test_nothing_is_sent_before_the_slot(world: World) -> None:
    world.at(SLOT - dt.timedelta(minutes=1)).tick()
    assert world.posts() == {} and world.sent("x.create_tweet") == 0


def test_a_read_timeout_after_accept_is_unknown_and_never_resent(world: World) -> None:
    world.emulator.accept_then_timeout("x.create_tweet", stall=1.5)
    world.at(SLOT).publish()
    assert world.posts()["x"].state == "unknown"
    world.publish()
    assert world.sent("x.create_tweet") == 1 and len(world.emulator.x_posts) == 1


def test_an_unknown_post_is_settled_by_finding_it_on_the_account(world: World) -> None:
    world.emulator.accept_then_timeout("x.create_tweet", stall=1.5)
    world.at(SLOT).tick()
    world.at(SLOT + dt.timedelta(minutes=5)).tick()
    x = world.posts()["x"]
    assert (x.state, x.remote_id) == ("posted", world.emulator.x_posts[0].id)
    assert x.reason == "reconciled: found on the account"
    assert world.sent("x.create_tweet") == 1


def test_a_503_after_accept_is_unknown_then_reconciled_without_a_second_post(world: World) -> None:
    world.emulator.fail_next("linkedin.create_post", 503, perform=True)
    world.at(SLOT).tick()
    assert world.posts()["linkedin"].state == "unknown"
    world.at(SLOT + dt.timedelta(minutes=5)).tick()
    assert world.posts()["linkedin"].state == "posted"
    assert len(world.emulator.linkedin_posts) == 1 and world.sent("x.create_tweet") == 1


def test_a_503_that_created_nothing_is_sent_again_once_it_is_known_absent(world: World) -> None:
    world.emulator.fail_next("linkedin.create_post", 503, perform=False)
    world.at(SLOT).tick()
    world.at(SLOT + dt.timedelta(minutes=1)).tick()  # too soon to call it absent
    assert world.posts()["linkedin"].state == "unknown"
    world.at(SLOT + dt.timedelta(minutes=5)).tick()
    assert world.posts()["linkedin"].state == "posted" and len(world.emulator.linkedin_posts) == 1
    assert world.sent("x.create_tweet") == 1, "X was posted first and never touched again"


def test_a_429_waits_for_the_reset_without_calling_again(world: World) -> None:
    reset = SLOT + dt.timedelta(minutes=20)
    world.emulator.rate_limit_next("x.media_upload", reset, window="24h-user")
    world.at(SLOT).tick()
    x = world.posts()["x"]
    assert (x.state, x.next_attempt_at) == ("pending", reset)
    for minutes in (5, 10, 15):
        world.at(SLOT + dt.timedelta(minutes=minutes)).tick()
    assert world.sent("x.media_upload") == 1, "no call before the reset"
    world.at(reset + dt.timedelta(seconds=1)).tick()
    assert world.posts()["x"].state == "posted"


def test_a_failure_before_the_create_call_is_retried_with_backoff(world: World) -> None:
    world.emulator.fail_next("x.media_upload", 503, times=2)
    world.at(SLOT).tick()
    first = world.posts()["x"]
    assert first.state == "pending" and first.next_attempt_at is not None
    assert dt.timedelta(seconds=48) <= first.next_attempt_at - SLOT <= dt.timedelta(seconds=72)
    world.at(first.next_attempt_at).tick()
    world.at(SLOT + dt.timedelta(minutes=10)).tick()
    assert world.posts()["x"].state == "posted" and world.sent("x.create_tweet") == 1


def test_a_refused_connection_is_retried_then_posted(world: World) -> None:
    live_x = world.publisher.platforms["x"]
    world.publisher.platforms["x"] = x_adapter_at(f"http://127.0.0.1:{closed_port()}", world)
    world.at(SLOT).tick()
    assert world.posts()["x"].state == "pending"
    assert "not sent" in world.posts()["x"].reason
    world.publisher.platforms["x"] = live_x  # the network is back
    world.at(SLOT + dt.timedelta(minutes=5)).tick()
    assert world.posts()["x"].state == "posted" and len(world.emulator.x_posts) == 1


def test_linkedin_duplicate_is_recorded_as_posted_with_the_earlier_urn(world: World) -> None:
    with world.store.read() as session:
        content = get_case_study(session, "ICS-2026-100").content()
    text = render_vignette(content, world.config, DECEMBER.first_day, platforms=["linkedin"])
    world.at(SLOT)  # LinkedIn only calls it a duplicate within a few minutes
    earlier = world.emulator.linkedin.seed_post(text.post("linkedin").text)
    world.tick()
    li = world.posts()["linkedin"]
    assert (li.state, li.remote_id) == ("posted", earlier.urn)
    assert "duplicate" in li.reason
