"""Import: a file that cannot be read, or whose layout would drop data, is rejected with
`FILE:` and the row and column, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import case_study_row, write_import
from tests.store.helpers import rejection, run_import
from tests.store.xlsx_files import break_shared_strings, write_sheet
from vignettes.store.queries import Store, get_case_study


def test_a_json_number_with_thousands_of_digits_is_rejected(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text('[{"ref": ' + "9" * 5000 + "}]")
    assert rejection(store, path) == [
        f"{path}: not usable JSON: a number has 5000 digits; no field needs that many"
    ]


def test_deeply_nested_json_is_rejected(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert rejection(store, path) == [
        f"{path}: not usable JSON: lists or objects are nested too deeply"
    ]


def test_a_huge_csv_cell_is_reported_by_row_and_field(store: Store, tmp_path: Path) -> None:
    path = write_import(tmp_path / "in.csv", [case_study_row("C-1", title="t" * 200_000)])
    assert rejection(store, path) == [f"{path}:2 C-1 title: is 200000 characters, the limit is 200"]


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_a_folder_named_like_a_file_is_rejected(store: Store, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"x{suffix}"
    path.mkdir()
    assert rejection(store, path) == [f"{path}: is a folder, not a file"]


def test_a_damaged_sheet_names_the_sheet_and_row(store: Store, tmp_path: Path) -> None:
    path = break_shared_strings(write_import(tmp_path / "in.xlsx", [case_study_row()]))
    [problem] = rejection(store, path)
    assert problem.startswith(f"{path}:2 - row: sheet 'Sheet' is damaged and cannot be read")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_repeated_column_name_is_rejected(store: Store, tmp_path: Path, suffix: str) -> None:
    path = write_import(tmp_path / f"in{suffix}", [case_study_row()])
    header, cells = _rows(path)
    path = _rewrite(path, [*header, "title"], [*cells, "A second title"])
    column = chr(ord("A") + len(header))
    assert rejection(store, path) == [
        f"{path}:1 - title: column {column} repeats the name of column B; "
        "each field may appear once"
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_data_under_an_empty_header_is_rejected(store: Store, tmp_path: Path, suffix: str) -> None:
    path = write_import(tmp_path / f"in{suffix}", [case_study_row()])
    header, cells = _rows(path)
    path = _rewrite(path, [*header, "", "notes"], [*cells, "lost?", "x"])
    column = chr(ord("A") + len(header))
    problems = rejection(store, path)
    assert f"{path}:2 - column {column}: has data but no column name in the header row" in problems


def test_xlsx_cells_right_of_the_header_are_rejected(store: Store, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "in.xlsx", ["ref", "title"], ["W-1", "A title", "stray"])
    assert f"{path}:2 - column C: has data but no column name in the header row" in rejection(
        store, path
    )


def test_xlsx_error_cells_are_not_imported_as_text(store: Store, tmp_path: Path) -> None:
    path = write_import(tmp_path / "in.xlsx", [case_study_row("X-1", title="#N/A")])
    assert rejection(store, path) == [
        f"{path}:2 X-1 title: is the spreadsheet error #N/A; put the real value in the cell"
    ]


def test_xlsx_numeric_refs_beyond_exact_range_are_rejected(store: Store, tmp_path: Path) -> None:
    path = write_import(tmp_path / "in.xlsx", [case_study_row(2**60), case_study_row(2**52)])
    [problem] = rejection(store, path)
    assert problem.startswith(f"{path}:2 - ref: is the number 1.15")
    assert problem.endswith("keep every digit; format the column as Text and type it again")


def test_a_whole_number_ref_within_range_still_imports(store: Store, tmp_path: Path) -> None:
    run_import(store, write_import(tmp_path / "in.xlsx", [case_study_row(2026)]))
    with store.read() as session:
        assert get_case_study(session, "2026").ref == "2026"


def _rows(path: Path) -> tuple[list[str], list[Any]]:
    if path.suffix == ".csv":
        import csv

        with path.open(newline="", encoding="utf-8") as fh:
            header, cells = list(csv.reader(fh))
        return header, cells
    from openpyxl import load_workbook

    values = list(load_workbook(path).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    return [str(v) for v in values[0]], list(values[1])


def _rewrite(path: Path, header: list[str], cells: list[Any]) -> Path:
    if path.suffix == ".xlsx":
        return write_sheet(path, header, cells)
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, cells])
    return path
