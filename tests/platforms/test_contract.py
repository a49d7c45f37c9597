"""One contract, every adapter: X, LinkedIn and Bluesky over real HTTP to the emulator, and
the outbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scheduler.platforms.base import (
    ConfigurationError,
    Duplicate,
    NeedsReauth,
    OutcomeUnknown,
    PaymentRequired,
    PlatformError,
    RateLimited,
    RemoteRef,
    Transient,
)
from tests.emulator import Emulator
from tests.platforms.conftest import (
    CREATE_OP,
    UPLOAD_OP,
    adapter_for,
    closed_port,
    created,
    prepared,
)

ALL = ["x", "linkedin", "bluesky", "outbox"]
LIVE = ["x", "linkedin", "bluesky"]


@pytest.mark.parametrize("name", ALL)
def test_a_post_goes_out_once_with_its_alt_text(
    name: str, emulator: Emulator, tmp_path: Path
) -> None:
    platform = adapter_for(name, emulator, tmp_path)

    published = platform.publish(prepared(alt_text="Chart of sign-ups, October against November"))

    assert published.remote_id and published.url
    if name == "outbox":
        folder = tmp_path / "outbox" / published.remote_id.removeprefix("outbox:")
        assert (folder / "alt.txt").read_text() == "Chart of sign-ups, October against November"
        assert (folder / "card.png").read_bytes() == prepared().image_png
        return
    [post] = created(emulator, name)
    if name == "x":
        assert emulator.x.media[post.media_ids[0]].alt_text.startswith("Chart of sign-ups")
    elif name == "bluesky":
        assert post.alt_text == "Chart of sign-ups, October against November"
        assert post.record["embed"]["images"][0]["aspectRatio"] == {"width": 4, "height": 3}
    else:
        assert post.alt_text == "Chart of sign-ups, October against November"
        assert post.image_ready


@pytest.mark.parametrize("name", ALL)
def test_every_adapter_says_who_it_acts_as(name: str, emulator: Emulator, tmp_path: Path) -> None:
    identity = adapter_for(name, emulator, tmp_path).whoami()

    expected = {
        "x": "@nhslibraries",
        "linkedin": "Library Comms",
        "bluesky": "@nhslibraries.bsky.social",
    }.get(name, "outbox at")
    assert identity.display_name.startswith(expected)


@pytest.mark.parametrize("name", LIVE)
def test_a_wrong_token_needs_reauthorisation(name: str, emulator: Emulator, tmp_path: Path) -> None:
    wrong = {"x": {"access_token": "revoked"}, "bluesky": {"app_password": "revoked"}}.get(
        name, {"token": "revoked"}
    )
    platform = adapter_for(name, emulator, tmp_path, **wrong)

    with pytest.raises(NeedsReauth) as raised:
        platform.publish(prepared())

    assert raised.value.needs_reauth and raised.value.permanent and raised.value.status == 401
    assert created(emulator, name) == []


def test_x_out_of_credits_needs_payment(emulator: Emulator, tmp_path: Path) -> None:
    emulator.fail_next("x.create_tweet", 402)

    with pytest.raises(PaymentRequired) as raised:
        adapter_for("x", emulator, tmp_path).publish(prepared())

    assert raised.value.payment_required and raised.value.permanent
    assert "credits depleted" in raised.value.message


def test_x_refuses_the_same_text_twice_as_a_duplicate(emulator: Emulator, tmp_path: Path) -> None:
    platform = adapter_for("x", emulator, tmp_path)
    platform.publish(prepared("Same words"))

    with pytest.raises(Duplicate) as raised:
        platform.publish(prepared("Same words"))

    assert raised.value.status == 403 and raised.value.duplicate_of is None
    assert len(emulator.x_posts) == 1


def test_linkedin_duplicate_names_the_post_already_made(emulator: Emulator, tmp_path: Path) -> None:
    platform = adapter_for("linkedin", emulator, tmp_path)
    first = platform.publish(prepared("Same words"))

    with pytest.raises(Duplicate) as raised:
        platform.publish(prepared("Same words"))

    assert raised.value.status == 422
    assert raised.value.duplicate_of == first.remote_id


def test_a_sunset_linkedin_version_is_a_configuration_error_saying_how_to_fix_it(
    emulator: Emulator, tmp_path: Path
) -> None:
    platform = adapter_for("linkedin", emulator, tmp_path, version="202401")

    with pytest.raises(ConfigurationError) as raised:
        platform.publish(prepared())

    assert raised.value.status == 426 and raised.value.permanent
    assert "[platforms.linkedin] version" in raised.value.message
    assert "config.toml" in raised.value.message


def test_x_rate_limit_retries_after_the_15_minute_reset(emulator: Emulator, tmp_path: Path) -> None:
    reset = emulator.clock.now() + dt.timedelta(minutes=12)
    emulator.rate_limit_next("x.create_tweet", reset, window="15min")

    with pytest.raises(RateLimited) as raised:
        adapter_for("x", emulator, tmp_path).publish(prepared())

    assert raised.value.retry_after == reset.replace(microsecond=0)
    assert not raised.value.permanent and not raised.value.outcome_unknown


@pytest.mark.parametrize("window", ["24h-user", "24h-app"])
def test_x_rate_limit_honours_the_binding_24_hour_reset(
    window: str, emulator: Emulator, tmp_path: Path
) -> None:
    reset = emulator.clock.now() + dt.timedelta(hours=20)
    emulator.rate_limit_next("x.create_tweet", reset, window=window)

    with pytest.raises(RateLimited) as raised:
        adapter_for("x", emulator, tmp_path).publish(prepared())

    assert raised.value.retry_after == reset.replace(microsecond=0)


def test_linkedin_day_limit_retries_after_midnight_utc(emulator: Emulator, tmp_path: Path) -> None:
    emulator.rate_limit_next("linkedin.create_post", emulator.clock.now())

    with pytest.raises(RateLimited) as raised:
        adapter_for("linkedin", emulator, tmp_path).publish(prepared())

    assert raised.value.retry_after == dt.datetime(2026, 12, 2, tzinfo=dt.UTC)


@pytest.mark.parametrize("status", [500, 503])
@pytest.mark.parametrize("name", LIVE)
def test_a_server_error_on_the_create_call_leaves_the_outcome_unknown(
    name: str, status: int, emulator: Emulator, tmp_path: Path
) -> None:
    emulator.fail_next(CREATE_OP[name], status, perform=True)

    with pytest.raises(OutcomeUnknown) as raised:
        adapter_for(name, emulator, tmp_path).publish(prepared())

    assert raised.value.outcome_unknown and not raised.value.permanent
    assert len(emulator.calls(CREATE_OP[name])) == 1  # never retried by the adapter


@pytest.mark.parametrize("name", LIVE)
def test_a_server_error_before_the_create_call_is_safe_to_retry(
    name: str, emulator: Emulator, tmp_path: Path
) -> None:
    emulator.fail_next(UPLOAD_OP[name], 503)

    with pytest.raises(Transient) as raised:
        adapter_for(name, emulator, tmp_path).publish(prepared())

    assert not raised.value.outcome_unknown and not raised.value.permanent
    assert emulator.calls(CREATE_OP[name]) == []


@pytest.mark.parametrize("name", LIVE)
def test_a_read_timeout_after_the_platform_accepted_is_outcome_unknown_and_posted_once(
    name: str, emulator: Emulator, tmp_path: Path
) -> None:
    emulator.accept_then_timeout(CREATE_OP[name], stall=1.5)

    with pytest.raises(OutcomeUnknown):
        adapter_for(name, emulator, tmp_path).publish(prepared())

    assert len(created(emulator, name)) == 1
    assert len(emulator.calls(CREATE_OP[name])) == 1


@pytest.mark.parametrize("name", LIVE)
def test_a_connection_reset_after_sending_is_outcome_unknown(
    name: str, emulator: Emulator, tmp_path: Path
) -> None:
    emulator.reset_connection(CREATE_OP[name])

    with pytest.raises(OutcomeUnknown):
        adapter_for(name, emulator, tmp_path).publish(prepared())

    assert len(created(emulator, name)) == 1


@pytest.mark.parametrize("name", LIVE)
def test_a_refused_connection_was_not_sent_and_is_safe_to_retry(
    name: str, emulator: Emulator, tmp_path: Path
) -> None:
    nowhere = f"http://127.0.0.1:{closed_port()}"
    platform = adapter_for(name, emulator, tmp_path, api_base=nowhere)

    with pytest.raises(Transient) as raised:
        platform.publish(prepared())

    assert not raised.value.outcome_unknown and "not sent" in raised.value.message


def test_x_text_over_280_weighted_characters_is_rejected(
    emulator: Emulator, tmp_path: Path
) -> None:
    with pytest.raises(PlatformError) as raised:
        adapter_for("x", emulator, tmp_path).publish(prepared("日本語" * 50))  # 300 weighted

    assert raised.value.permanent and "too long" in raised.value.message
    assert emulator.x_posts == []


@pytest.mark.parametrize("name", ALL)
def test_metrics_come_back_for_every_post_asked_about(
    name: str, emulator: Emulator, tmp_path: Path
) -> None:
    platform = adapter_for(name, emulator, tmp_path)
    published = platform.publish(prepared())
    emulator.clock.advance(dt.timedelta(days=2))

    [metrics] = platform.metrics([RemoteRef(published.remote_id)])

    assert metrics.remote_id == published.remote_id
    if name == "outbox":
        assert metrics.impressions == 0 and "outbox mode" in metrics.unavailable[0]
    elif name == "bluesky":  # no impressions on Bluesky: "not offered", never 0
        assert metrics.impressions is None and metrics.likes and metrics.likes > 0
        assert "impressions, link_clicks: not offered by Bluesky" in metrics.unavailable
    else:
        assert metrics.impressions and metrics.impressions > 0
        assert metrics.likes is not None and metrics.engagement_rate is not None
