"""Figures the tier or token cannot read are recorded as unavailable once, with the reason
in `status` and the report, and are not asked for again every tick."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scheduler.cli.engagement_text import format_report
from scheduler.engagement.report import load, platform_states
from scheduler.operations.showcase.status import build_status
from tests.emulator import Emulator
from tests.engagement.conftest import World, make_world
from vignettes.store.queries import Store


def test_an_x_tier_refusal_is_recorded_once_and_not_retried_every_tick(world: World) -> None:
    world.emulator.x.metrics_forbidden = True
    world.publish("2026-11")

    world.later(hours=1).poll()
    for _ in range(12):  # an hour of five-minute ticks
        world.later(minutes=5).poll()

    assert world.calls() == 1
    [snap] = [s for s in world.snapshots() if s.state != "due"]
    assert snap.offset_label == "1h" and snap.state == "unavailable"
    assert "lacks API access" in snap.unavailable[0]
    engagement = build_status(world.config, world.store, world.clock.now()).to_json()["engagement"]
    assert "lacks API access" in engagement["x"]["unavailable_reason"]
    assert world.alerts()["engagement:x"].count == 1


def test_the_refused_platform_is_tried_again_when_the_next_snapshot_falls_due(
    world: World,
) -> None:
    world.emulator.x.metrics_forbidden = True
    world.publish("2026-11")
    world.later(hours=1).poll()

    world.emulator.x.metrics_forbidden = False  # the account moved to a tier that can read
    world.later(days=1).poll()

    assert world.calls() == 2
    assert world.states("2026-11")["1d"] == "taken"
    with world.store.read() as session:
        assert platform_states(session)["x"]["unavailable_reason"] is None
    assert world.alerts()["engagement:x"].resolved_at is not None


def test_x_private_metrics_of_a_post_over_30_days_old_are_unavailable_with_the_reason(
    world: World,
) -> None:
    world.publish("2026-09", ago=dt.timedelta(days=89, hours=23))

    world.later(hours=1).poll()

    snap = next(s for s in world.snapshots() if s.state == "taken")
    assert snap.offset_label == "90d" and snap.impressions and snap.link_clicks is None
    assert any("non_public_metrics" in r and "30 days" in r for r in snap.unavailable)
    text = format_report(load(world.store), {})
    assert "non_public_metrics" in text and "2026-09 x" in text


def test_a_linkedin_token_without_the_statistics_scope_is_recorded_unavailable(
    world: World,
) -> None:
    world.emulator.linkedin.tokens["test-li-access-token"].scopes.discard("rw_organization_admin")
    world.publish("2026-11", platforms=("linkedin",))

    world.later(hours=1).poll()
    world.later(minutes=5).poll()

    assert world.calls("linkedin.share_statistics") == 1
    assert world.states("2026-11", "linkedin")["1h"] == "unavailable"
    with world.store.read() as session:
        assert "ACCESS_DENIED" in platform_states(session)["linkedin"]["unavailable_reason"]


def test_outbox_mode_records_unavailable_not_zeros(
    tmp_path: Path, store: Store, emulator: Emulator
) -> None:
    world = make_world(tmp_path, store, emulator, emulator.clock, x={"mode": "outbox"})
    world.publish("2026-11")

    world.later(hours=1).poll()

    [snap] = [s for s in world.snapshots() if s.state != "due"]
    assert snap.state == "unavailable" and snap.impressions is None
    assert "outbox mode" in snap.unavailable[0]
    engagement = build_status(world.config, store, world.clock.now()).to_json()["engagement"]
    assert "outbox mode" in engagement["x"]["unavailable_reason"]


def test_an_expired_token_keeps_the_snapshot_due_and_looks_again_hourly(world: World) -> None:
    world.publish("2026-11", platforms=("linkedin",))
    world.emulator.fail_next("linkedin.share_statistics", 401)

    world.later(hours=1).poll()
    world.later(minutes=30).poll()
    assert world.states("2026-11", "linkedin")["1h"] == "due"

    world.later(minutes=30).poll()  # the token was renewed meanwhile

    assert world.calls("linkedin.share_statistics") == 2
    assert world.states("2026-11", "linkedin")["1h"] == "taken"
