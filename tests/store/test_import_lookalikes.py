"""Issue 11 item 9: refs are NFKC, never `.`, `..` or an option, and a ref that merely looks
like another is refused naming both."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import case_study_row, write_import
from tests.store.helpers import rejection, run_import
from vignettes.store.listing import list_case_studies
from vignettes.store.queries import Store


def test_a_full_width_ref_is_stored_in_plain_letters_with_a_warning(
    store: Store, tmp_path: Path
) -> None:
    path = write_import(tmp_path / "in.json", [case_study_row("ＩＣＳ－２０２６－１")])
    report = run_import(store, path)
    assert report.created == ["ICS-2026-1"]
    assert [w.field for w in report.warnings] == ["ref"]
    assert "stored as 'ICS-2026-1'" in report.warnings[0].reason


def test_a_full_width_ref_updates_the_plain_one_already_stored(
    store: Store, tmp_path: Path
) -> None:
    run_import(store, write_import(tmp_path / "first.json", [case_study_row("ICS-7")]))
    edited = case_study_row("ＩＣＳ-7", title="A new title")
    assert run_import(store, write_import(tmp_path / "second.json", [edited])).updated == ["ICS-7"]


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        (".", "'.' cannot be a ref (it names a folder)"),
        ("..", "'..' cannot be a ref (it names a folder)"),
        ("-rf", "must not start with '-' (it would read as a command-line option)"),
    ],
)
def test_refs_that_name_folders_or_options_are_refused(
    store: Store, tmp_path: Path, ref: str, reason: str
) -> None:
    path = write_import(tmp_path / "in.json", [case_study_row(ref)])
    assert rejection(store, path) == [f"{path}:1 {ref} ref: {reason}"]


def test_a_cyrillic_lookalike_of_a_stored_ref_is_refused_naming_both(
    store: Store, tmp_path: Path
) -> None:
    run_import(store, write_import(tmp_path / "first.json", [case_study_row("ICS-2025-001")]))
    lookalike = "\u0406CS-2025-001"  # CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I
    path = write_import(tmp_path / "second.json", [case_study_row(lookalike)])
    assert rejection(store, path) == [
        f"{path}:1 {lookalike} ref: looks like ICS-2025-001 (already in the database) but is a "
        "different ref (U+0406 CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I); use the same "
        "ref to update it, or one that looks different"
    ]
    with store.read() as session:
        assert [cs.ref for cs in list_case_studies(session)] == ["ICS-2025-001"]


def test_a_plain_ref_that_looks_like_a_stored_greek_one_is_refused(
    store: Store, tmp_path: Path
) -> None:
    greek = "\u0391\u0392-1"  # GREEK CAPITAL ALPHA, BETA
    run_import(store, write_import(tmp_path / "first.json", [case_study_row(greek)]))
    path = write_import(tmp_path / "second.json", [case_study_row("AB-1")])
    [problem] = rejection(store, path)
    assert problem.startswith(f"{path}:1 AB-1 ref: looks like {greek} (already in the database)")


def test_lookalike_refs_in_one_file_are_refused(store: Store, tmp_path: Path) -> None:
    rows = [case_study_row("ICS-9"), case_study_row("\u0406CS-9")]
    path = write_import(tmp_path / "in.json", rows)
    assert rejection(store, path) == [
        f"{path}:2 \u0406CS-9 ref: looks like ICS-9 (row 1) but is a different ref; use refs "
        "that look different"
    ]


def test_plain_ascii_refs_that_differ_by_one_digit_or_letter_both_import(
    store: Store, tmp_path: Path
) -> None:
    path = write_import(tmp_path / "in.json", [case_study_row("A-10"), case_study_row("A-1O")])
    assert run_import(store, path).created == ["A-10", "A-1O"]
