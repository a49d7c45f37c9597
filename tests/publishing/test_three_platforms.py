"""Three platforms through one pipeline: Bluesky gets the same exactly-once treatment as X
and LinkedIn, and a failure on one network never touches the others."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from scheduler.publishing.reconcile import SETTLE
from tests.publishing.conftest import SLOT, World
from vignettes.store.models import EngagementSnapshot

ALL_POSTED = {"x": "posted", "linkedin": "posted", "bluesky": "posted"}


def states(world: World) -> dict[str, str]:
    return {name: post.state for name, post in world.posts().items()}


def test_the_due_month_goes_out_once_on_all_three_with_alt_text_and_a_link_facet(
    world3: World,
) -> None:
    world3.at(SLOT + dt.timedelta(minutes=1)).tick()
    world3.at(SLOT + dt.timedelta(hours=1)).tick()

    assert states(world3) == ALL_POSTED and world3.slot().state == "published"  # type: ignore[union-attr]
    [post] = world3.emulator.bluesky_posts
    link = "https://library.northmoor.nhs.example/impact/ics-2026-100"
    assert {"$type": "app.bsky.richtext.facet#link", "uri": link} in [
        f["features"][0] for f in post.facets
    ]
    assert post.alt_text.startswith("Library impact case study")
    assert world3.posts()["bluesky"].url.startswith("https://bsky.app/profile/did:plc:")
    sends = ("x.create_tweet", "linkedin.create_post", "bluesky.create_record")
    assert [world3.sent(op) for op in sends] == [1, 1, 1]


def test_what_bluesky_was_sent_is_kept_under_the_cards_folder(world3: World) -> None:
    world3.at(SLOT).tick()

    folder = world3.config.cards.output_dir / "2026-12"
    assert (folder / "ICS-2026-100-bluesky.txt").read_text() == (
        world3.emulator.bluesky_posts[0].text
    )
    assert (folder / "ICS-2026-100-bluesky.png").read_bytes().startswith(b"\x89PNG")


def test_x_posted_and_bluesky_503_sends_bluesky_later_and_leaves_x_alone(world3: World) -> None:
    world3.emulator.fail_next("bluesky.create_record", 503)
    world3.at(SLOT).tick()
    assert states(world3)["x"] == "posted" and states(world3)["bluesky"] == "unknown"

    world3.at(SLOT + dt.timedelta(minutes=1)).tick()  # not listed yet: wait for SETTLE
    assert states(world3)["bluesky"] == "unknown"
    world3.at(SLOT + SETTLE + dt.timedelta(minutes=1)).tick()

    assert states(world3) == ALL_POSTED
    assert len(world3.emulator.bluesky_posts) == 1
    assert (world3.sent("x.create_tweet"), world3.sent("bluesky.create_record")) == (1, 2)


def test_bluesky_accepted_then_timed_out_is_found_in_the_repository_not_resent(
    world3: World,
) -> None:
    world3.emulator.accept_then_timeout("bluesky.create_record", stall=1.5)
    world3.at(SLOT).tick()
    assert states(world3)["bluesky"] == "unknown"

    world3.at(SLOT + dt.timedelta(minutes=1)).tick()

    bluesky = world3.posts()["bluesky"]
    assert (bluesky.state, bluesky.remote_id) == ("posted", world3.emulator.bluesky_posts[0].uri)
    assert bluesky.reason == "reconciled: found on the account"
    assert world3.sent("bluesky.create_record") == 1 and world3.sent("bluesky.list_records") >= 1


def test_bluesky_engagement_is_snapshotted_at_every_offset_without_impressions(
    world3: World,
) -> None:
    world3.at(SLOT).tick()
    for offset in ("1h", "1d", "7d", "28d", "90d"):
        hours = {"h": 1, "d": 24}[offset[-1]] * int(offset[:-1])
        world3.at(SLOT + dt.timedelta(hours=hours, minutes=1)).tick()

    with world3.store.read() as session:
        snaps = list(
            session.scalars(
                select(EngagementSnapshot)
                .where(EngagementSnapshot.platform == "bluesky")
                .order_by(EngagementSnapshot.offset_seconds)
            )
        )
    assert [(s.offset_label, s.state) for s in snaps] == [
        (o, "taken") for o in ("1h", "1d", "7d", "28d", "90d")
    ]
    assert [s.likes for s in snaps] == [0, 12, 84, 336, 1080]
    assert all(s.impressions is None for s in snaps)
    assert "impressions, link_clicks: not offered by Bluesky" in snaps[-1].unavailable


def test_a_revoked_app_password_leaves_bluesky_needing_reauth_and_the_others_posted(
    world3: World,
) -> None:
    world3.emulator.bluesky.revoke_sessions()  # no session stored yet: sign-in is refused
    world3.emulator.fail_next("bluesky.create_session", 401)

    world3.at(SLOT).tick()

    assert states(world3) == {"x": "posted", "linkedin": "posted", "bluesky": "needs_reauth"}
    assert world3.slot().state == "partial"  # type: ignore[union-attr]
    assert "vignettes auth bluesky" in world3.alerts()["post:2026-12:bluesky"]
    assert world3.emulator.bluesky_posts == []


def test_the_report_csv_and_chart_show_bluesky_without_inventing_impressions(
    world3: World,
) -> None:
    from scheduler.cli.engagement_text import format_report
    from scheduler.engagement.chart import write_chart
    from scheduler.engagement.report import load
    from scheduler.engagement.report_files import csv_rows

    world3.at(SLOT).tick()
    world3.at(SLOT + dt.timedelta(days=1, minutes=1)).tick()
    entries = load(world3.store)

    table = format_report(entries, {})
    [bluesky_line] = [
        ln for ln in table.splitlines() if ln.startswith("2026-12  ICS-2026-100  Bluesky")
    ]
    assert "not offered" in bluesky_line and " 0 " not in bluesky_line
    [row] = [r for r in csv_rows(entries) if r[3] == "bluesky"]
    assert row[10] == "" and "not offered by Bluesky" in row[-1]  # impressions, unavailable
    write_chart(entries, world3.tmp_path / "chart.png")
    assert (world3.tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")
