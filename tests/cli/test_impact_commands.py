"""`vignettes impact` and `vignettes evidence` over the hand-counted history
(tests/web/impact_data.py): the same figures as the dashboard, as JSON and tables; the
evidence workbook read back with openpyxl; bad input refused in one line."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scheduler.cli.main import main
from scheduler.web.frontend import locate_frontend
from tests.cli.conftest import Result
from tests.web.gallery_data import approved
from tests.web.impact_data import counted_history
from tests.web.plan_data import load

SERVICE = "Northmoor Library"


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[object]:
    console = counted_history(tmp_path, locate_frontend())
    load(console, approved("EVIL-1", title="=HYPERLINK(\"https://evil.example\",\"x\")",
                           library_service=SERVICE, organisation="Trust of EVIL-1"))  # fmt: skip
    console.ws.close()
    config = tmp_path / "cli.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "vignettes.db"}"\n')

    def command(*args: str) -> Result:
        code = main(["--config", str(config), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield command


def test_impact_prints_the_dashboards_figures_as_json(run) -> None:  # type: ignore[no-untyped-def]
    result = run("impact", "--json", "--year", "2026", "--region", "London")
    assert result.code == 0, result.err
    data = result.json()
    assert (data["year"], data["region"]) == (2026, "London")
    totals = data["totals"]
    assert (totals["submitted"], totals["accepted"], totals["pounds"]) == (3, 1, 2500)
    assert [row["key"] for row in data["by_period"]] == ["2026 Q1", "2026 Q3"]
    assert data["headline"]["case_studies"] == 1


def test_impact_without_a_year_covers_every_year_as_tables(run) -> None:  # type: ignore[no-untyped-def]
    result = run("impact")
    assert result.code == 0, result.err
    assert "submitted 6, accepted 4, escalated 4, showcased 1" in result.out
    assert "2025 Q4" in result.out and "Integrated care board" in result.out
    assert "still in review: 1, reporting 7 hours and £300" in result.out


def test_a_year_that_is_not_one_is_a_usage_error(run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stopped:  # argparse refuses it before any work
        run("impact", "--year", "26")
    assert stopped.value.code == 2


def test_the_evidence_workbook_holds_the_services_case_studies_quotes_and_posts(
    run,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    out = tmp_path / "pack.xlsx"
    result = run("evidence", "--service", SERVICE, "--year", "2026", "--out", str(out))
    assert result.code == 0, result.err
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert book.sheetnames == ["Summary", "Case studies", "Quotes", "Vignettes"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Case studies submitted"] == 2  # A2 and EVIL-1 (A1 is 2025's)
    assert summary["Accepted into the national listing"] == 2
    assert (
        summary["Showcased as vignettes"] == 1
        and summary["Hours saved (accepted case studies)"] == 5
    )
    cases = list(book["Case studies"].iter_rows(min_row=2, values_only=True))
    assert [c[0] for c in cases] == ["A2", "EVIL-1"]
    assert cases[0][6:8] == ("Accepted", "Priya Shah, Library Manager")
    # A title that looks like a formula stays text.
    cell = book["Case studies"]["B3"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    quotes = list(book["Quotes"].iter_rows(min_row=2, values_only=True))
    assert quotes[0][:4] == ("A2", "The summary gave us the confidence to change practice.",
                             "Ward Sister, Orthopaedics", "yes")  # fmt: skip
    assert "imported by operator (cli): consent yes from" in quotes[0][4]
    posts = list(book["Vignettes"].iter_rows(min_row=2, values_only=True))
    assert {(p[0], p[1], p[3]) for p in posts} == {
        ("2026-12", "A2", "x"),
        ("2026-12", "A2", "linkedin"),
    }
    linkedin = next(p for p in posts if p[3] == "linkedin")
    assert linkedin[4].startswith("https://www.linkedin.com/") and linkedin[6:9] == (500, 10, 2)


def test_an_unknown_service_is_refused_naming_the_closest(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "pack.xlsx"
    result = run("evidence", "--service", "Northmoor Libary", "--year", "2026", "--out", str(out))
    assert result.code == 1 and not out.exists()
    assert "did you mean 'Northmoor Library'?" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_an_evidence_pack_needs_a_workbook_name_in_a_folder_that_exists(
    run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    for out, says in (
        (tmp_path / "pack.csv", "name a .xlsx file"),
        (tmp_path / "nowhere" / "p.xlsx", "no such folder"),
    ):
        result = run("evidence", "--service", SERVICE, "--year", "2026", "--out", str(out))
        assert result.code == 1 and says in result.err


def test_impact_card_writes_the_x_and_linkedin_cards_with_their_alt_text(
    run,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cards"
    result = run("impact", "--year", "2026", "--card", str(folder))
    assert result.code == 0, result.err
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "impact-2026-linkedin.png",
        "impact-2026-linkedin.txt",
        "impact-2026-x.png",
        "impact-2026-x.txt",
    ]
    assert (folder / "impact-2026-x.png").read_bytes().startswith(b"\x89PNG")
    alt = (folder / "impact-2026-x.txt").read_text()
    # 2026: A2, A3 and EVIL-1 accepted; 5 hours (A2); £2,500 (A3).
    assert "3 case studies" in alt and "5 hours" in alt and "£2,500" in alt
    assert f"card written: {folder / 'impact-2026-x.png'}" in result.out
