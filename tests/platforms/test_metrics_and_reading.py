"""Reading back: metrics in batches, partial field errors, timelines for reconciliation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scheduler.platforms.base import NotSupported, RemoteRef, Transient
from tests.emulator import Emulator
from tests.platforms.conftest import adapter_for, prepared


def test_250_x_posts_are_read_in_3_calls_of_at_most_100(emulator: Emulator, tmp_path: Path) -> None:
    refs = [RemoteRef(emulator.x.seed_post(f"post {i}").id) for i in range(250)]
    emulator.clock.advance(dt.timedelta(days=1))

    metrics = adapter_for("x", emulator, tmp_path).metrics(refs)

    calls = emulator.calls("x.get_tweets")
    assert [len(c.query["ids"].split(",")) for c in calls] == [100, 100, 50]
    assert [m.remote_id for m in metrics] == [r.remote_id for r in refs]
    assert all(m.impressions for m in metrics)


def test_x_metrics_grow_as_time_passes(emulator: Emulator, tmp_path: Path) -> None:
    platform = adapter_for("x", emulator, tmp_path)
    ref = RemoteRef(platform.publish(prepared()).remote_id)
    emulator.clock.advance(dt.timedelta(hours=1))
    [early] = platform.metrics([ref])

    emulator.clock.advance(dt.timedelta(days=6))
    [later] = platform.metrics([ref])

    assert later.impressions > early.impressions  # type: ignore[operator]
    assert later.likes > early.likes  # type: ignore[operator]


def test_x_refusing_private_metrics_for_an_old_post_is_recorded_not_raised(
    emulator: Emulator, tmp_path: Path
) -> None:
    old = emulator.x.seed_post("last quarter", age=dt.timedelta(days=45))

    [metrics] = adapter_for("x", emulator, tmp_path).metrics([RemoteRef(old.id)])

    assert metrics.impressions and metrics.likes is not None
    assert metrics.link_clicks is None
    assert any("non_public_metrics" in reason for reason in metrics.unavailable)


def test_x_metrics_accept_the_new_repost_count_name(emulator: Emulator, tmp_path: Path) -> None:
    emulator.x.new_names = True
    post = emulator.x.seed_post("renamed fields", age=dt.timedelta(days=3))

    [metrics] = adapter_for("x", emulator, tmp_path).metrics([RemoteRef(post.id)])

    assert metrics.reposts == emulator.x.figures(post)["reposts"] > 0


def test_x_metrics_for_a_deleted_post_say_so(emulator: Emulator, tmp_path: Path) -> None:
    [metrics] = adapter_for("x", emulator, tmp_path).metrics([RemoteRef("1234567")])

    assert metrics.impressions is None
    assert "not found" in metrics.unavailable[0]


def test_45_linkedin_posts_are_read_in_3_share_statistics_calls(
    emulator: Emulator, tmp_path: Path
) -> None:
    refs = [RemoteRef(emulator.linkedin.seed_post(f"post {i}").urn) for i in range(45)]
    emulator.clock.advance(dt.timedelta(days=1))

    metrics = adapter_for("linkedin", emulator, tmp_path).metrics(refs)

    assert len(emulator.calls("linkedin.share_statistics")) == 3
    assert all(m.impressions and m.reposts is not None for m in metrics)


def test_a_member_author_gets_likes_and_comments_and_is_told_what_is_missing(
    emulator: Emulator, tmp_path: Path
) -> None:
    member = "urn:li:person:782bbtaQ"
    emulator.linkedin.tokens["test-li-access-token"].scopes.add("r_member_social")
    post = emulator.linkedin.seed_post("mine", author=member, age=dt.timedelta(days=2))

    [metrics] = adapter_for("linkedin", emulator, tmp_path, author=member).metrics(
        [RemoteRef(post.urn)]
    )

    assert metrics.likes and metrics.impressions is None
    assert any("r_member_postAnalytics" in reason for reason in metrics.unavailable)


def test_linkedin_publish_waits_for_image_processing_on_the_clock(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.linkedin.processing_polls = 3
    start = emulator.clock.now()

    adapter_for("linkedin", emulator, tmp_path).publish(prepared())

    assert len(emulator.calls("linkedin.get_image")) == 4
    assert emulator.clock.now() - start == dt.timedelta(seconds=1 + 2 + 4)
    assert emulator.linkedin_posts[0].image_ready


def test_linkedin_gives_up_on_an_image_that_never_finishes_without_posting(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.linkedin.processing_polls = 100

    with pytest.raises(Transient, match="still PROCESSING") as raised:
        adapter_for("linkedin", emulator, tmp_path, image_polls=3).publish(prepared())

    assert not raised.value.outcome_unknown
    assert emulator.linkedin_posts == []


@pytest.mark.parametrize("name", ["x", "linkedin", "outbox"])
def test_recent_posts_find_what_was_just_published(
    name: str, emulator: Emulator, tmp_path: Path
) -> None:
    platform = adapter_for(name, emulator, tmp_path)
    published = platform.publish(prepared("Reconcile me"))

    recent = platform.recent_posts(5)

    assert recent[0].remote_id == published.remote_id
    assert recent[0].text.startswith("Reconcile me")


def test_a_member_author_cannot_list_its_posts(emulator: Emulator, tmp_path: Path) -> None:
    platform = adapter_for("linkedin", emulator, tmp_path, author="urn:li:person:782bbtaQ")

    with pytest.raises(NotSupported, match="r_member_social"):
        platform.recent_posts(5)


def test_linkedin_commentary_is_sent_as_is_and_the_emulator_cuts_it_like_production(
    emulator: Emulator, tmp_path: Path
) -> None:
    platform = adapter_for("linkedin", emulator, tmp_path)

    platform.publish(prepared("Escaped \\(fine\\) #NHS"))
    platform.publish(prepared("Guam (GPA) lost the rest"))

    escaped, raw = emulator.linkedin_posts
    assert escaped.commentary == "Escaped \\(fine\\) #NHS"
    assert escaped.visible_text == "Escaped (fine) #NHS"
    assert raw.visible_text == "Guam "
