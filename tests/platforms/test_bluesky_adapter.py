"""The Bluesky adapter over real HTTP to the emulated PDS: the record it makes, its session,
and every error class."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from scheduler.credentials.tokens import TokenStore
from scheduler.platforms.base import NeedsReauth, RateLimited, Rejected, RemoteRef
from tests.emulator import Emulator
from tests.platforms.conftest import bluesky_adapter, png, prepared

TEXT = "Café evidence 🇬🇧👩🏽‍⚕️ https://library.example.nhs.uk/impact/1 #NHSLibraries #Évidence"


def adapter(emulator: Emulator, tmp_path: Path, **kw: object):  # type: ignore[no-untyped-def]
    return bluesky_adapter(emulator.base_url, emulator.clock, tmp_path, **kw)


def test_the_record_carries_text_langs_time_alt_text_and_byte_exact_facets(
    emulator: Emulator, tmp_path: Path
) -> None:
    adapter(emulator, tmp_path).publish(prepared(TEXT, alt_text="Card: evidence"))

    [post] = emulator.bluesky_posts
    data = post.text.encode("utf-8")
    spans = {
        f["features"][0].get("uri") or f["features"][0]["tag"]: data[
            f["index"]["byteStart"] : f["index"]["byteEnd"]
        ].decode()
        for f in post.facets
    }
    assert spans == {
        "https://library.example.nhs.uk/impact/1": "https://library.example.nhs.uk/impact/1",
        "NHSLibraries": "#NHSLibraries",
        "Évidence": "#Évidence",
    }
    assert post.record["langs"] == ["en-GB"] and post.record["createdAt"].endswith("Z")
    assert post.alt_text == "Card: evidence"


def test_a_configured_mention_becomes_a_mention_facet_with_the_accounts_did(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.bluesky.handles["nhsengland.bsky.social"] = "did:plc:nhsenglandtest000000000000"
    adapter(emulator, tmp_path).publish(
        prepared("With @nhsengland.bsky.social and @nobody.example")
    )

    [facet] = emulator.bluesky_posts[0].facets  # @nobody.example does not resolve: plain text
    assert facet["features"] == [
        {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:nhsenglandtest000000000000"}
    ]


def test_the_session_is_stored_privately_and_reused_rather_than_signing_in_again(
    emulator: Emulator, tmp_path: Path
) -> None:
    adapter(emulator, tmp_path).publish(prepared("first"))
    adapter(emulator, tmp_path).whoami()  # a new process: reads tokens.json

    store = TokenStore.in_var_dir(tmp_path / "var")
    assert len(emulator.calls("bluesky.create_session")) == 1
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert store.get("bluesky")["access_jwt"] in emulator.bluesky.issued  # type: ignore[index]


def test_an_expired_access_token_is_refreshed_and_the_new_pair_saved_before_use(
    emulator: Emulator, tmp_path: Path
) -> None:
    platform = adapter(emulator, tmp_path)
    platform.whoami()
    emulator.clock.advance(dt.timedelta(hours=3))  # access tokens live about two hours

    platform.publish(prepared())

    stored = TokenStore.in_var_dir(tmp_path / "var").get("bluesky") or {}
    assert len(emulator.calls("bluesky.refresh_session")) == 1
    assert emulator.calls("bluesky.upload_blob")[-1].header("authorization") == (
        f"Bearer {stored['access_jwt']}"
    )
    assert len(emulator.bluesky_posts) == 1


def test_a_revoked_session_signs_in_again_with_the_app_password(
    emulator: Emulator, tmp_path: Path
) -> None:
    platform = adapter(emulator, tmp_path)
    platform.whoami()
    emulator.bluesky.revoke_sessions()

    platform.publish(prepared())

    assert len(emulator.calls("bluesky.create_session")) == 2
    assert len(emulator.bluesky_posts) == 1


def test_a_revoked_session_without_the_app_password_needs_reauthorisation(
    emulator: Emulator, tmp_path: Path
) -> None:
    adapter(emulator, tmp_path).whoami()
    emulator.bluesky.revoke_sessions()

    with pytest.raises(NeedsReauth) as raised:
        adapter(emulator, tmp_path, app_password=None).publish(prepared())

    assert raised.value.status == 401 and "VIGNETTES_BLUESKY_APP_PASSWORD" in raised.value.message
    assert emulator.bluesky_posts == []


def test_rate_limit_exceeded_retries_at_the_ratelimit_reset(
    emulator: Emulator, tmp_path: Path
) -> None:
    reset = emulator.clock.now() + dt.timedelta(minutes=40)
    emulator.rate_limit_next("bluesky.create_record", reset)

    with pytest.raises(RateLimited) as raised:
        adapter(emulator, tmp_path).publish(prepared())

    assert raised.value.retry_after == reset.replace(microsecond=0)
    assert emulator.bluesky_posts == []


def test_a_blob_too_large_answer_is_a_rejection(emulator: Emulator, tmp_path: Path) -> None:
    emulator.fail_next(
        "bluesky.create_record",
        400,
        body={"error": "BlobTooLarge", "message": "This file is too large."},
    )

    with pytest.raises(Rejected) as raised:
        adapter(emulator, tmp_path).publish(prepared())

    assert "BlobTooLarge" in raised.value.message and raised.value.permanent


def test_an_image_over_a_million_bytes_is_never_sent(emulator: Emulator, tmp_path: Path) -> None:
    too_big = png() + b"\0" * 1_000_000

    with pytest.raises(Rejected):
        adapter(emulator, tmp_path).publish(prepared(image_png=too_big))

    assert emulator.calls("bluesky.upload_blob") == []


def test_text_over_300_graphemes_is_rejected_by_the_pds_and_locally(
    emulator: Emulator, tmp_path: Path
) -> None:
    with pytest.raises(Rejected):
        adapter(emulator, tmp_path).publish(prepared("é" * 301))
    assert emulator.calls("bluesky.create_record") == []
    adapter(emulator, tmp_path).publish(prepared("👨‍👩‍👧‍👦" * 100))  # 100 graphemes, 2500 bytes
    assert len(emulator.bluesky_posts) == 1


def test_metrics_are_batched_25_at_a_time_and_impressions_are_not_offered(
    emulator: Emulator, tmp_path: Path
) -> None:
    posts = [emulator.bluesky.seed_post(f"post {i}", age=dt.timedelta(days=3)) for i in range(30)]
    refs = [RemoteRef(p.uri) for p in posts] + [RemoteRef(posts[0].uri[:-1] + "a")]

    metrics = adapter(emulator, tmp_path).metrics(refs)

    assert len(emulator.calls("bluesky.get_posts")) == 2 and len(metrics) == 31
    assert metrics[0].likes == 36 and metrics[0].impressions is None
    assert "deleted" in metrics[-1].unavailable[0]


def test_recent_posts_are_the_accounts_own_records_newest_first(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.bluesky.seed_post("older", age=dt.timedelta(days=2))
    adapter(emulator, tmp_path).publish(prepared("newest"))

    recent = adapter(emulator, tmp_path).recent_posts(10)

    assert [p.text for p in recent] == ["newest", "older"]
    assert recent[0].url.startswith("https://bsky.app/profile/did:plc:")
