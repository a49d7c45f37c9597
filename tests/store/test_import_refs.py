"""Import: a ref names one case study, whatever its case or Unicode form, and a write the
database refuses is a clear rejection, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import case_study_row, write_import
from tests.store.helpers import rejection, run_import
from vignettes.store.listing import list_case_studies
from vignettes.store.queries import Store


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_refs_differing_only_by_case_in_one_file_are_rejected(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    rows = [case_study_row("OK-1"), case_study_row("ICS-2025-001"), case_study_row("ics-2025-001")]
    path = write_import(tmp_path / f"in{suffix}", rows)
    row, first = (3, 2) if suffix == ".json" else (4, 3)
    assert rejection(store, path) == [
        f"{path}:{row} ics-2025-001 ref: differs only by case from ICS-2025-001 (row {first})"
    ]


def test_a_new_ref_differing_only_by_case_from_a_stored_one_is_rejected(
    store: Store, tmp_path: Path
) -> None:
    run_import(store, write_import(tmp_path / "first.json", [case_study_row("ICS-2025-001")]))
    path = write_import(tmp_path / "second.json", [case_study_row("ics-2025-001")])
    assert rejection(store, path) == [
        f"{path}:1 ics-2025-001 ref: differs only by case from ICS-2025-001 "
        "(already in the database)"
    ]
    with store.read() as session:
        assert [cs.ref for cs in list_case_studies(session)] == ["ICS-2025-001"]


def test_case_is_folded_beyond_ascii_against_the_database(store: Store, tmp_path: Path) -> None:
    run_import(store, write_import(tmp_path / "first.json", [case_study_row("CAFÉ-1")]))
    path = write_import(tmp_path / "second.json", [case_study_row("cafe\u0301-1")])
    assert rejection(store, path) == [
        f"{path}:1 café-1 ref: differs only by case from CAFÉ-1 (already in the database)"
    ]


def test_the_same_stored_ref_still_updates_in_place(store: Store, tmp_path: Path) -> None:
    run_import(store, write_import(tmp_path / "first.json", [case_study_row("ICS-2025-001")]))
    path = write_import(tmp_path / "second.json", [case_study_row("ICS-2025-001", title="New")])
    assert run_import(store, path).updated == ["ICS-2025-001"]


@pytest.mark.parametrize(
    ("first", "second", "shown"),
    [("café", "cafe\u0301", "café"), (2026, 2026.0, "2026"), ("A-1", " A-1 ", "A-1")],
    ids=["nfc-vs-nfd", "int-vs-float", "padded"],
)
def test_duplicates_are_found_on_the_ref_as_stored(
    store: Store, tmp_path: Path, first: Any, second: Any, shown: str
) -> None:
    path = write_import(tmp_path / "in.json", [case_study_row(first), case_study_row(second)])
    assert rejection(store, path) == [f"{path}:2 {shown} ref: duplicate of row 1"]


def test_a_write_the_database_refuses_is_a_rejection_naming_the_file(
    store: Store, tmp_path: Path
) -> None:
    # A constraint validation knows nothing about stands in for a concurrent import.
    with store.write() as session:
        session.execute(text("CREATE UNIQUE INDEX test_one_title ON case_studies (title)"))
    path = write_import(tmp_path / "in.json", [case_study_row("U-1"), case_study_row("U-2")])
    problems = rejection(store, path)
    assert len(problems) == 1 and problems[0].startswith(
        f"{path}: the database refused the import ("
    ), problems
