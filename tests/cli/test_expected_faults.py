"""Faults a person can cause that are answered with a line, never a traceback: a port for
the LinkedIn redirect that is invalid or in use, a malformed VIGNETTES_FAKE_NOW, and a
chart asked for before any engagement was recorded."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run_subprocess
from tests.conftest import SECRET_VALUES

LINKEDIN_APP = {k: v for k, v in SECRET_VALUES.items() if "LINKEDIN_CLIENT" in k}


@pytest.fixture
def port_in_use() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield int(held.getsockname()[1])


def test_an_invalid_redirect_port_is_a_usage_error(tmp_path: Path) -> None:
    for port in ("0", "65536", "-1", "http"):
        result = run_subprocess("auth", "linkedin", "--port", port, cwd=tmp_path)
        assert result.code == 2 and "is not a port number (1-65535)" in result.err, port
        assert "Traceback" not in result.err


def test_a_redirect_port_in_use_says_so_and_what_to_do(
    vignettes: Any, port_in_use: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in LINKEDIN_APP.items():
        monkeypatch.setenv(key, value)

    result = vignettes("auth", "linkedin", "--port", str(port_in_use))

    assert result.code == 1
    assert result.err.splitlines()[-1] == (
        f"vignettes: linkedin: cannot wait for the redirect on 127.0.0.1:{port_in_use}: "
        "another program is already listening there; stop it, or register a redirect URL "
        "with another port and pass --port"
    )


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("yesterday", "is not an ISO-8601 date and time"),
        ("2026-13-01T10:00:00+00:00", "is not an ISO-8601 date and time"),
        ("2026-12-01T10:00:00", "has no UTC offset"),
        ("9999-12-31T23:59:00+00:00", "is outside the years 2000 to 2100"),
        ("0001-01-01T00:00:00+00:00", "is outside the years 2000 to 2100"),
        ("2101-01-01T00:00:00+00:00", "is outside the years 2000 to 2100"),
    ],
)
def test_a_malformed_fake_now_is_a_configuration_error_naming_it(
    vignettes: Any, monkeypatch: pytest.MonkeyPatch, value: str, why: str
) -> None:
    monkeypatch.setenv("VIGNETTES_FAKE_NOW", value)

    result = vignettes("status")

    assert result.code == 78
    assert "VIGNETTES_FAKE_NOW: 1 configuration problem(s)" in result.err and why in result.err


def test_a_chart_before_any_engagement_says_so_and_draws_no_empty_axes(
    vignettes: Any, tmp_path: Path
) -> None:
    chart = tmp_path / "engagement.png"

    result = vignettes("engagement", "--chart", str(chart))

    assert result.code == 0
    assert f"no engagement yet: no chart written to {chart}" in result.out
    assert not chart.exists()
