"""Daemon logs: one line per event, UTC timestamps, JSON on request, never a secret."""

from __future__ import annotations

import json
import re

from tests.daemon.conftest import LOG_LINE, Site, leaked_secrets
from tests.emulator import Emulator


def test_each_log_line_is_one_event_with_a_utc_timestamp(live_site: Site) -> None:
    result = live_site.cli("run", "--once")

    lines = result.log_lines()
    assert result.code == 0, result.err
    assert any("2026-12 x posted" in line for line in lines)
    assert [line for line in lines if not re.match(LOG_LINE, line)] == []


def test_log_format_json_gives_one_json_object_per_line(live_site: Site) -> None:
    result = live_site.cli("run", "--once", "--log-format", "json")

    events = [json.loads(line) for line in result.log_lines()]
    assert result.code == 0, result.err
    assert {"ts", "level", "logger", "msg"} <= set(events[0])
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["ts"]) for e in events)
    assert any(e["msg"].startswith("2026-12 linkedin posted") for e in events)


def test_failing_platform_calls_log_no_credentials(live_site: Site, emulator: Emulator) -> None:
    emulator.fail_next("x.create_tweet", 401)
    emulator.fail_next("linkedin.create_post", 500, perform=True)

    result = live_site.cli("run", "--once")

    assert result.code == 0, result.err
    assert live_site.posts() == {"x": "needs_reauth", "linkedin": "unknown"}
    assert leaked_secrets([result.out, result.err]) == []  # also checked for every test


def test_the_secret_scan_would_catch_a_leak() -> None:
    assert leaked_secrets(["Authorization: Bearer test-li-access-token"]) == [
        "VIGNETTES_LINKEDIN_ACCESS_TOKEN"
    ]
