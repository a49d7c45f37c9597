"""Invariants 1-5 of DESIGN.md, each shown failing-safe against the emulator."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from scheduler.clock import FakeClock
from tests.conftest import case_study_row
from tests.emulator import Emulator
from tests.publishing.conftest import DECEMBER, SLOT, World, make_world
from vignettes.approval import reject
from vignettes.content import CHANGED_OUTSIDE
from vignettes.planning.slots import Month
from vignettes.store.models import CaseStudy, Post
from vignettes.store.queries import Store


def test_an_edit_a_minute_before_the_slot_stops_the_send_and_alerts(world: World) -> None:
    world.at(SLOT - dt.timedelta(minutes=1))
    world.load(case_study_row("ICS-2026-100", summary="Quietly changed claim."), name="edit.json")
    world.at(SLOT).tick()
    assert world.posts() == {} and world.sent("x.media_upload") == 0
    assert "has no case study to showcase" in world.alerts()["empty:2026-12"]


def test_an_auto_pick_edited_after_it_was_fixed_gives_way_to_the_next_candidate(
    world: World,
) -> None:
    world.load(
        case_study_row("ICS-2026-200", organisation="Other Trust", approved_on="2026-07-01"),
        name="second.json",
    )
    world.emulator.fail_next("x.media_upload", 503)  # the pick is fixed, nothing is sent
    world.emulator.fail_next("linkedin.initialize_upload", 503)
    world.at(SLOT).tick()
    world.load(case_study_row("ICS-2026-100", summary="Changed after the pick."), name="edit.json")
    world.at(SLOT + dt.timedelta(minutes=5)).tick()
    assert world.slot().case_study.ref == "ICS-2026-200"  # type: ignore[union-attr]
    assert world.slot().state == "published"  # type: ignore[union-attr]
    assert len(world.emulator.x_posts) == len(world.emulator.linkedin_posts) == 1


def test_an_edit_after_one_platform_posted_stops_the_other_and_alerts(world: World) -> None:
    world.emulator.fail_next("x.media_upload", 503)
    world.at(SLOT).tick()  # LinkedIn posted the approved text; X will retry
    world.load(case_study_row("ICS-2026-100", summary="Changed after posting."), name="edit.json")
    world.at(SLOT + dt.timedelta(minutes=5)).tick()
    assert world.sent("x.create_tweet") == 0, "edited content is never sent"
    assert "changed after approval" in world.alerts()["blocked:2026-12"]


def test_an_edited_queued_case_study_is_not_sent_and_a_person_is_told(world: World) -> None:
    from vignettes.planning.plan import queue

    queue(
        world.store,
        DECEMBER,
        "ICS-2026-100",
        by="comms",
        now=world.clock.now(),
        schedule=world.config.schedule,
    )
    world.load(case_study_row("ICS-2026-100", headline="A bolder claim"), name="edit.json")
    world.at(SLOT).tick()
    assert world.posts() == {}
    assert "ICS-2026-100 changed after approval" in world.alerts()["blocked:2026-12"]


def change_behind_the_programs_back(store: Store, ref: str) -> None:
    """An SQL UPDATE of a case study's content that leaves its recorded hash as it was."""
    with store.write() as session:
        session.execute(
            update(CaseStudy).where(CaseStudy.ref == ref).values(headline="Edited in SQL")
        )


def test_content_changed_outside_is_named_so_never_sent_and_the_month_not_lost(
    world: World,
) -> None:
    world.load(case_study_row("ICS-2026-200", organisation="Other Trust", approved_on="2026-07-01"),
               name="second.json")  # fmt: skip
    change_behind_the_programs_back(world.store, "ICS-2026-100")  # the first to be picked
    report = world.at(SLOT).publish()
    assert report.notes == [
        f"ICS-2026-100: {CHANGED_OUTSIDE}: auto-pick released it and chooses again"
    ]
    assert world.slot().case_study.ref == "ICS-2026-200"  # type: ignore[union-attr]
    assert "Edited in SQL" not in str(world.emulator.x_posts)


def test_a_queued_case_study_changed_outside_is_not_sent_and_the_alert_says_why(
    world: World,
) -> None:
    from vignettes.planning.plan import queue

    queue(world.store, DECEMBER, "ICS-2026-100", by="comms", now=world.clock.now(),
          schedule=world.config.schedule)  # fmt: skip
    change_behind_the_programs_back(world.store, "ICS-2026-100")
    world.at(SLOT).tick()
    assert world.posts() == {}
    assert f"ICS-2026-100: {CHANGED_OUTSIDE}" in world.alerts()["blocked:2026-12"]


def test_a_revoked_approval_is_never_sent(world: World) -> None:
    from vignettes.planning.plan import queue

    queue(
        world.store,
        DECEMBER,
        "ICS-2026-100",
        by="comms",
        now=world.clock.now(),
        schedule=world.config.schedule,
    )
    reject(
        world.store,
        "ICS-2026-100",
        by="Dr Reviewer",
        reason="consent withdrawn",
        now=world.clock.now(),
    )
    world.at(SLOT).tick()
    assert world.posts() == {} and world.sent("x.create_tweet") == 0


def test_down_over_the_slot_and_back_inside_grace_posts_once(world: World) -> None:
    world.at(SLOT + dt.timedelta(days=2)).tick()
    world.at(SLOT + dt.timedelta(days=2, minutes=5)).tick()
    assert world.slot().state == "published"  # type: ignore[union-attr]
    assert len(world.emulator.x_posts) == len(world.emulator.linkedin_posts) == 1


def test_down_until_after_grace_marks_the_month_missed_and_alerts(world: World) -> None:
    world.at(SLOT + dt.timedelta(days=3, minutes=1)).tick()
    assert world.slot().state == "missed"  # type: ignore[union-attr]
    assert "2026-12's vignette was not published" in world.alerts()["missed:2026-12"]
    assert world.sent("x.media_upload") == 0


def test_a_person_can_still_publish_a_missed_month_by_hand(world: World) -> None:
    world.at(SLOT + dt.timedelta(days=4)).tick()
    report = world.publisher.publish_month(DECEMBER, manual=True)
    assert report.slot_state == "published"
    assert len(world.emulator.x_posts) == len(world.emulator.linkedin_posts) == 1
    assert "missed:2026-12" not in world.alerts()
    world.at(SLOT + dt.timedelta(days=4, minutes=5)).tick()
    assert world.slot().state == "published"  # type: ignore[union-attr]


def test_the_daemon_itself_never_publishes_a_missed_month(world: World) -> None:
    world.at(SLOT + dt.timedelta(days=4)).tick()
    assert world.publish().notes == ["2026-12 is already missed"]
    assert world.sent("x.media_upload") == 0


def test_a_slot_that_passed_before_the_first_run_is_skipped_quietly(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock
) -> None:
    fresh = make_world(tmp_path, store, emulator, clock)
    fresh.at(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)).tick()
    assert fresh.slot(Month(2026, 11)).state == "skipped"  # type: ignore[union-attr]
    assert fresh.alerts() == {}


@pytest.mark.slow
@pytest.mark.parametrize("month", [Month(2027, 3), Month(2027, 10)])
def test_a_slot_on_a_daylight_saving_sunday_fires_exactly_once(
    tmp_path: Path, store: Store, emulator: Emulator, clock: FakeClock, month: Month
) -> None:
    version = str(month.shift(-1)).replace("-", "")  # a LinkedIn version current then
    w = make_world(
        tmp_path,
        store,
        emulator,
        clock,
        linkedin_version=version,
        day="last sun",
        time="01:30",
        skip_holidays="",
    )
    w.load(case_study_row("DST-1", approved_on="2026-06-01"))
    token = "test-li-access-token"  # still valid in 2027: a refreshed token, as in real life
    emulator.linkedin.issue_token(
        token, emulator.linkedin.tokens[token].scopes, ttl=dt.timedelta(days=400)
    )
    slot = w.publisher.slot(month).utc  # 01:30 local on the night the clocks change
    w.at(slot - dt.timedelta(days=1)).tick()
    for step in range(0, 24 * 4):  # every 15 minutes for a day around the change
        w.at(slot - dt.timedelta(hours=12) + dt.timedelta(minutes=15 * step)).tick()
    assert len(emulator.x_posts) == len(emulator.linkedin_posts) == 1
    assert w.slot(month).state == "published"  # type: ignore[union-attr]


def test_x_posted_and_linkedin_refused_is_partial_and_a_retry_never_touches_x(
    world: World,
) -> None:
    world.emulator.fail_next("linkedin.create_post", 401)
    world.at(SLOT).tick()
    assert world.posts()["linkedin"].state == "needs_reauth"
    assert world.slot().state == "partial"  # type: ignore[union-attr]
    world.publisher.resolve(DECEMBER, "retry", by="comms", platform="linkedin")
    world.at(SLOT + dt.timedelta(minutes=5)).tick()
    assert world.slot().state == "published"  # type: ignore[union-attr]
    assert world.sent("x.create_tweet") == 1 and len(world.emulator.linkedin_posts) == 1


def test_two_publishers_racing_for_one_month_post_once(world: World) -> None:
    world.emulator.accept_then_timeout("x.media_upload", stall=0.5)  # holds the first one
    world.at(SLOT)
    other = make_world(world.tmp_path / "other", world.store, world.emulator, world.clock)
    first = threading.Thread(target=world.publish)
    first.start()
    other.publish()
    first.join()
    world.publish()
    assert len(world.emulator.x_posts) == len(world.emulator.linkedin_posts) == 1


def test_the_schema_refuses_a_second_post_for_a_slot_and_platform(world: World) -> None:
    world.at(SLOT).tick()
    with pytest.raises(IntegrityError), world.store.write() as session:
        x = session.query(Post).filter_by(platform="x").one()
        session.add(
            Post(
                slot_id=x.slot_id,
                case_study_id=x.case_study_id,
                platform="x",
                state="pending",
                content_hash=x.content_hash,
                text="",
                attempts=0,
                reason="",
                sending_by="",
                updated_at=SLOT,
            )
        )
