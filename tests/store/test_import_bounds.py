"""Issue 11 items 4 and 5: a malformed CSV never loses rows, and only regular files are read,
within bounds (XLSX included)."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import case_study_row, write_import
from tests.store.helpers import rejection
from vignettes.errors import ImportRejected
from vignettes.importing.sources import read_file_bytes
from vignettes.store.queries import Store


def _csv(tmp_path: Path, *lines: str) -> Path:
    path = write_import(tmp_path / "in.csv", [case_study_row("C-1")])
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _row(ref: str) -> str:
    """A valid row for the header of `case_study_row()` (16 columns)."""
    values = [
        str(v) if not isinstance(v, list | bool) else "" for v in case_study_row(ref).values()
    ]
    values[-3:] = ["submitted", "", ""]
    return ",".join(v.replace(",", " ") for v in values)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ('C-2,"An unterminated title' + ",x" * 14, "a quote opens a field and is never closed"),
        ('C-2,A "stray" quote' + ",x" * 14, "a quote inside a field that is not in quotes"),
        ('C-2,"Closed" then more' + ",x" * 14, "text after the closing quote of a field"),
    ],
)
def test_a_quoting_mistake_names_its_row_and_line(
    store: Store, tmp_path: Path, bad: str, reason: str
) -> None:
    path = _csv(tmp_path, _row("C-1"), bad, _row("C-3"))
    assert rejection(store, path) == [
        f"{path}:3 - row: not valid CSV: {reason} (line 3); put the whole field in quotes and "
        'double any quote inside it ("")'
    ]


def test_a_stray_quote_that_swallows_the_next_rows_names_both_lines(
    store: Store, tmp_path: Path
) -> None:
    swallowing = 'C-2,"A stray quote' + ",x" * 14  # its quote closes only on line 5
    path = _csv(tmp_path, _row("C-1"), swallowing, _row("C-3"), _row("C-4") + '"', _row("C-5"))
    assert rejection(store, path) == [
        f"{path}:3 - row: has 2 cells but the header has 16: a quote opened on line 3 is only "
        "closed on line 5, so lines 3–5 are read as one cell"
    ]


def test_every_quoting_mistake_is_found_in_one_round(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, 'C-1,A "stray" quote' + ",x" * 14, _row("C-2"),
                'C-3,Another "stray" one' + ",x" * 14)  # fmt: skip
    assert [p.split(": ", 2)[2] for p in rejection(store, path)] == [
        "a quote inside a field that is not in quotes (line 2); put the whole field in quotes "
        'and double any quote inside it ("")',
        "a quote inside a field that is not in quotes (line 4); put the whole field in quotes "
        'and double any quote inside it ("")',
    ]


@pytest.mark.parametrize("cells", [15, 17])
def test_a_row_with_more_or_fewer_cells_than_the_header_is_refused(
    store: Store, tmp_path: Path, cells: int
) -> None:
    path = _csv(tmp_path, _row("C-1"), ",".join(["C-2", *["x"] * (cells - 1)]))
    assert f"{path}:3 - row: has {cells} cells but the header has 16 (line 3)" in rejection(
        store, path
    )


def test_a_missing_required_column_is_one_problem_not_one_per_row(
    store: Store, tmp_path: Path
) -> None:
    rows = [{k: v for k, v in case_study_row(f"M-{i}").items() if k != "headline"}
            for i in range(50)]  # fmt: skip
    path = write_import(tmp_path / "in.csv", rows)
    assert rejection(store, path) == [f"{path}:1 - headline: no column holds this required field"]


def test_a_fifo_is_refused_before_it_is_opened(store: Store, tmp_path: Path) -> None:
    fifo = tmp_path / "in.csv"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer for ever
    assert rejection(store, fifo) == [
        f"{fifo}: is a named pipe (FIFO), not a regular file; only regular files are imported"
    ]


def test_a_symlink_to_a_device_is_refused(store: Store, tmp_path: Path) -> None:
    link = tmp_path / "in.json"
    link.symlink_to("/dev/zero")  # would feed the import without end
    assert rejection(store, link) == [
        f"{link}: is a character device, not a regular file; only regular files are imported"
    ]


def test_no_more_than_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(b"[" + b" " * 100 + b"]")
    with pytest.raises(ImportRejected, match="the limit is 0 MB"):
        read_file_bytes(path, str(path), limit=50)
    assert read_file_bytes(path, str(path), limit=102) == path.read_bytes()


def test_a_workbook_that_expands_beyond_200_mb_is_refused_before_loading(
    store: Store, tmp_path: Path
) -> None:
    path = write_import(tmp_path / "in.xlsx", [case_study_row()])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/padding.bin", b"\0" * (201 * 1024 * 1024))
    [problem] = rejection(store, path)
    assert re.match(rf"{re.escape(str(path))}: the workbook expands to [\d,]+ bytes, more than "
                    "the 200 MB an import may hold", problem)  # fmt: skip


@pytest.mark.parametrize(
    ("dimension", "says"),
    [("A1:P100001", "100,001 rows and 16 columns"), ("A1:GS2", "2 rows and 201 columns")],
)
def test_a_sheet_beyond_the_row_or_column_limit_is_refused(
    store: Store, tmp_path: Path, dimension: str, says: str
) -> None:
    path = _with_dimension(write_import(tmp_path / "in.xlsx", [case_study_row()]), dimension)
    assert rejection(store, path) == [
        f"{path}: sheet 'Sheet' says it has {says}; an import may have 100,000 rows and 200 columns"
    ]


def test_a_formula_without_a_saved_result_is_a_problem_naming_the_cell(
    store: Store, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = write_import(tmp_path / "in.xlsx", [case_study_row()])
    book = load_workbook(path)
    book.active["B2"] = '=CONCAT("Evidence ", "review")'  # type: ignore[index]
    book.save(path)
    assert rejection(store, path) == [
        f"{path}:2 ICS-2026-100 title: cell B2 holds a formula whose result was never saved; "
        "open the file in a spreadsheet, let it calculate and save it again (or paste the values)"
    ]


def test_when_no_sheet_holds_case_studies_the_sheets_looked_at_are_named(
    store: Store, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Guidance"  # type: ignore[union-attr]
    book.active.append(["Read me", "first"])  # type: ignore[union-attr]
    book.create_sheet("Blank")
    path = tmp_path / "in.xlsx"
    book.save(path)
    assert rejection(store, path) == [
        f"{path}: no sheet holds case studies (a header row with a ref column, or a sheet named "
        "'case_studies'); looked at 'Guidance' (columns: Read me, first); 'Blank' (empty)"
    ]


def _with_dimension(path: Path, dimension: str) -> Path:
    changed = path.with_name("dim-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(changed, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(),
                              data)  # fmt: skip
            dst.writestr(item, data)
    return changed
