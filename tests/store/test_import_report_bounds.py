"""Issue 17, item 2: an import's report stays readable and bounded whatever the file.
Identical problems are one line naming their rows, at most DETAIL_LINES lines of detail
are given (with the count of the rest), and every problem of a file is found in one round,
the database's checks included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import case_study_row, write_import
from tests.store.helpers import rejection, run_import
from vignettes.errors import ImportRejected
from vignettes.importing.issue_groups import DETAIL_LINES, row_ranges
from vignettes.store.queries import Store


def submitted(ref: str, **fields: object) -> dict[str, object]:
    return case_study_row(ref, status=None, approved_by=None, approved_on=None, **fields)


def test_rows_are_written_as_ranges_and_the_rest_counted() -> None:
    assert row_ranges([2, 3, 4, 5, 9, 12, 13]) == "2–5, 9, 12–13"
    assert row_ranges(list(range(2, 100_002))) == "2–100,001"
    assert row_ranges([2, 4, 6, 8, 10], limit=2) == "2, 4 and 3 more"


def test_identical_problems_are_one_line_naming_their_rows(store: Store, tmp_path: Path) -> None:
    rows = [submitted(f"G-{n}", impact_categories="Foo") for n in range(300)]
    with pytest.raises(ImportRejected) as caught:
        run_import(store, write_import(tmp_path / "big.csv", rows))
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{tmp_path / 'big.csv'}: 300 problems; nothing was imported"
    assert len(lines) == 2
    assert lines[1].startswith(
        f"{tmp_path / 'big.csv'}:2–301 (300 rows) impact_categories: unknown category 'Foo'; "
    )
    assert len(caught.value.issues) == 300  # scripts (--json) still get each one


def test_no_more_than_the_detail_lines_are_given_and_the_rest_is_counted(
    store: Store, tmp_path: Path
) -> None:
    rows = [submitted(f"D-{n}", impact_categories=f"Foo{n}") for n in range(DETAIL_LINES + 50)]
    with pytest.raises(ImportRejected) as caught:
        run_import(store, write_import(tmp_path / "many.json", rows))
    lines = str(caught.value).splitlines()
    assert len(lines) == 1 + DETAIL_LINES + 1
    assert lines[-1] == "and 50 more problems (50 more lines) not shown"


def test_every_problem_of_a_file_is_found_in_one_round(store: Store, tmp_path: Path) -> None:
    run_import(store, write_import(tmp_path / "first.json", [case_study_row("R-1")]))
    rows = [
        case_study_row("r-1"),  # clashes with a stored ref: a check against the database
        case_study_row("R-2", headline="x" * 91),  # the file's own problem
        case_study_row("R-3", showcase_month="2025-01"),  # in the past
    ]
    problems = rejection(store, write_import(tmp_path / "second.json", rows))
    assert [p.split(" ", 2)[1:] for p in problems] == [
        ["r-1", "ref: differs only by case from R-1 (already in the database)"],
        ["R-2", "headline: is 91 characters, the limit is 90"],
        ["R-3", "showcase_month: 2025-01 is in the past"],
    ]


def test_an_item_that_is_not_an_object_hides_no_other_problem(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([1, submitted("J-1", headline=""), "x"]), encoding="utf-8")
    assert [p.split(" ", 1)[1] for p in rejection(store, path)] == [
        "- row: expected an object, got int",
        "J-1 headline: is required",
        "- row: expected an object, got str",
    ]


def test_a_second_row_for_one_ref_is_reported_and_never_reaches_the_database(
    store: Store, tmp_path: Path
) -> None:
    rows = [submitted("T-1"), submitted("T-1"), submitted("T-2", headline="")]
    problems = rejection(store, write_import(tmp_path / "twice.json", rows))
    assert [p.split(" ", 1)[1] for p in problems] == [
        "T-1 ref: duplicate of row 1",
        "T-2 headline: is required",
    ]
