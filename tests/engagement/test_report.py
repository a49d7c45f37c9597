"""The report: latest figures and change, CSV columns and encoding, the chart, the command
and the preview page."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from cards.brand import contrast_ratio
from scheduler.cli.engagement_text import format_report
from scheduler.cli.main import FAKE_NOW_ENV, main
from scheduler.engagement.chart import (
    PLATFORM_COLOURS,
    VIGNETTE_COLOURS,
    draw_chart,
    write_chart,
)
from scheduler.engagement.report import load
from scheduler.engagement.report_files import CSV_COLUMNS, write_csv
from tests.engagement.conftest import World, months_before, report_entry

WELSH = "Llyfrgell Gŵyr: tystiolaeth i’r ward"


def polled_twice(world: World, month: str = "2026-11", **kw: object) -> None:
    world.publish(month, **kw)  # type: ignore[arg-type]
    world.later(hours=1).poll()
    world.later(hours=23).poll()


def test_the_report_shows_the_latest_figures_and_the_change_since_the_previous(
    world: World,
) -> None:
    polled_twice(world)

    [entry] = load(world.store)

    assert entry.latest is not None and entry.latest.offset == "1d"
    assert entry.latest.figures["impressions"] == 985
    assert entry.change()["impressions"] == 985 - 65
    assert "985 (+920)" in format_report([entry], {})


def test_the_csv_has_one_row_per_snapshot_under_the_documented_columns_in_utf8(
    world: World, tmp_path: Path
) -> None:
    polled_twice(world, title=WELSH)
    out = tmp_path / "engagement.csv"

    assert write_csv(load(world.store), out) == 2

    assert "ŵ".encode() in out.read_bytes() and not out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["offset"] for r in rows] == ["1h", "1d"]
    assert rows[1]["title"] == WELSH and rows[1]["impressions"] == "985"
    assert rows[1]["unavailable"] == "" and rows[1]["state"] == "taken"


def test_the_chart_is_a_png_of_1200_by_1000_pixels(world: World, tmp_path: Path) -> None:
    for month in months_before("2026-12", 8):
        polled_twice(world, month, platforms=("x", "linkedin"))
    out = tmp_path / "chart.png"

    write_chart(load(world.store), out)

    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == (1200, 1000)


def test_with_no_engagement_yet_no_chart_of_empty_axes_is_drawn(
    world: World, tmp_path: Path
) -> None:
    world.publish("2026-11")  # posted, never polled yet

    assert write_chart([], tmp_path / "empty.png") is False
    assert write_chart(load(world.store), tmp_path / "none-yet.png") is False

    assert list(tmp_path.glob("*.png")) == []


def test_a_chart_of_nothing_but_zeros_has_whole_ticks_from_zero(tmp_path: Path) -> None:
    nothing = report_entry(impressions=0, each=0)
    assert write_chart([nothing], tmp_path / "zeros.png") is True
    for ax in draw_chart([nothing]).axes:
        ticks = list(ax.get_yticks())
        labels = [label.get_text() for label in ax.get_yticklabels()]
        assert ticks[0] == 0 and len(ticks) >= 2 and all(t == int(t) for t in ticks), ticks
        assert len(set(labels)) == len(labels) and "-0" not in labels, labels
        assert ax.get_ylim() == (0, 1)


def test_chart_colours_stand_out_from_the_white_background() -> None:
    for colour in (*PLATFORM_COLOURS.values(), *VIGNETTE_COLOURS):
        assert contrast_ratio(colour, "#FFFFFF") >= 3.0, colour


def test_the_command_filters_and_writes_json_csv_and_chart(
    world: World,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    polled_twice(world, "2026-10", platforms=("x", "linkedin"))
    polled_twice(world, "2026-11", platforms=("x", "linkedin"))
    config = tmp_path / "cli.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n')
    monkeypatch.setenv(FAKE_NOW_ENV, world.clock.now().isoformat())
    args = ["--config", str(config), "engagement", "--since", "2026-11", "--platform", "x"]
    files = ["--csv", str(tmp_path / "e.csv"), "--chart", str(tmp_path / "e.png")]

    code = main([*args, "--json", *files])

    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(v["month"], v["platform"]) for v in out["vignettes"]] == [("2026-11", "x")]
    assert out["vignettes"][0]["change"]["impressions"] == 920
    assert len((tmp_path / "e.csv").read_text(encoding="utf-8").splitlines()) == 3
    assert (tmp_path / "e.png").stat().st_size > 10_000


def test_the_help_and_the_report_module_never_import_matplotlib() -> None:
    probe = (
        "import sys, scheduler.cli.main, scheduler.engagement.report;"
        "import scheduler.operations.showcase.status;"
        "scheduler.cli.main.build_parser(); print('matplotlib' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)

    assert result.stdout.strip() == "False", result.stderr


def test_the_preview_of_a_posted_vignette_shows_its_engagement(
    world: World,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    polled_twice(world, "2026-11", title=WELSH)
    config = tmp_path / "cli.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n')
    monkeypatch.setenv(FAKE_NOW_ENV, world.clock.now().isoformat())

    code = main(["--config", str(config), "preview", "ICS-2026-11", "--out", str(tmp_path / "p")])

    page = (tmp_path / "p" / "preview.html").read_text(encoding="utf-8")
    assert code == 0, capsys.readouterr().err
    assert "<h2>Engagement</h2>" in page and "985" in page and "taken (UTC)" in page
