"""A real daemon with Bluesky as the third live platform, SIGKILLed just after the PDS
accepted the post: on restart the post is found in the repository, never made twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.daemon.conftest import Site, held_then_killed
from tests.emulator import Emulator
from tests.emulator.bluesky import HANDLE

pytestmark = pytest.mark.slow


def bluesky_section(emulator: Emulator) -> str:
    return (
        f'\n[platforms.bluesky]\nenabled = true\nmode = "live"\nservice = "{emulator.base_url}"\n'
        f'handle = "{HANDLE}"\ntimeout = "10s"\n'
    )


@pytest.fixture
def three_site(site: Site, emulator: Emulator) -> Site:
    return site.configure(emulator, extra=bluesky_section(emulator)).seed()


def test_killed_after_bluesky_accepted_the_post_leaves_exactly_one_bluesky_post(
    three_site: Site, emulator: Emulator, tmp_path: Path
) -> None:
    hold = emulator.hold_next("bluesky.create_record")  # the record is made, the answer held
    held_then_killed(three_site.start(), hold)
    assert len(emulator.bluesky_posts) == 1
    assert three_site.posts()["bluesky"] == "sending"

    restart = three_site.cli("run", "--once")

    assert restart.code == 0, restart.err
    assert len(emulator.bluesky_posts) == 1
    assert three_site.posts() == {"x": "posted", "linkedin": "posted", "bluesky": "posted"}
    row = next(r for r in three_site.post_rows() if r.platform == "bluesky")
    assert row.remote_id == emulator.bluesky_posts[0].uri
    assert row.reason == "reconciled: found on the account"
    assert len(emulator.calls("bluesky.create_record")) == 1


def test_status_says_bluesky_impressions_are_not_offered_and_no_token_is_shown(
    three_site: Site, emulator: Emulator, tmp_path: Path
) -> None:
    assert three_site.cli("run", "--once").code == 0

    status = three_site.cli("status")
    as_json = three_site.cli("status", "--json").json()

    assert "bluesky impressions, link clicks: not offered" in status.out
    assert as_json["not_offered"]["bluesky"] == ["impressions", "link_clicks"]
    stored = (tmp_path / "var" / "tokens.json").read_text()
    database = (tmp_path / "var" / "vignettes.db").read_bytes().decode("utf-8", "replace")
    shown = status.out + status.err + database
    assert emulator.bluesky.issued and all(t in stored for t in emulator.bluesky.issued[-2:])
    assert not [t for t in emulator.bluesky.issued if t in shown]
