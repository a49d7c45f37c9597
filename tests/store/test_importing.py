"""Import: every rejection reason names file, row and field, and writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NOW, case_study_row, schedule_rule, write_import
from tests.store.helpers import snapshot
from vignettes.errors import ImportRejected
from vignettes.importing import import_file
from vignettes.store import Store, get_case_study, list_case_studies


def run_import(store: Store, path: Path, **kwargs: Any) -> Any:
    return import_file(store, path, now=NOW, actor="tester", schedule=schedule_rule(), **kwargs)


def rejection(store: Store, path: Path) -> list[str]:
    before = snapshot(store)
    with pytest.raises(ImportRejected) as caught:
        run_import(store, path)
    assert snapshot(store) == before, "a rejected import must leave the database as it was"
    return caught.value.problems


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_a_valid_file_in_each_format_imports_every_row(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    path = write_import(tmp_path / f"in{suffix}", [case_study_row("A-1"), case_study_row("A-2")])
    report = run_import(store, path)
    assert report.created == ["A-1", "A-2"]
    with store.read() as session:
        cs = get_case_study(session, "A-1")
        assert cs.approval_is_current and cs.approved_by == "Priya Shah, Library Manager"
        assert cs.impact_categories == ["patient-care", "time-saved"] and cs.quote_consent is True


REJECTIONS = [
    ({"headline": ""}, "headline: is required"),
    ({"headline": "x" * 91}, "headline: is 91 characters, the limit is 90"),
    ({"summary": "y" * 321}, "summary: is 321 characters, the limit is 320"),
    ({"link": "http://library.example/x"}, "link: must be an https:// link"),
    ({"link": "https://user:pw@library.example/x"}, "link: must not contain a user name"),
    (
        {"impact_categories": ["patient-care", "wellbeing"]},
        "impact_categories: unknown category 'wellbeing'",
    ),
    ({"showcase_month": "2026-13"}, "showcase_month: '2026-13' is not a month"),
    ({"showcase_month": "2026-10"}, "showcase_month: 2026-10 is in the past"),
    ({"quote_consent": None}, "quote_consent: must say true or false when there is a quote"),
    ({"quote_attribution": None}, "quote_attribution: is required when there is a quote"),
    (
        {"quote_text": None, "quote_attribution": None},
        "quote_consent: is true but there is no quote_text",
    ),
    ({"contains_patient_data": True}, "contains_patient_data: is true"),
    ({"approved_by": None}, "approved_by: is required when status is approved"),
    ({"approved_on": "2027-01-01"}, "approved_on: 2027-01-01 is in the future"),
    ({"status": "published"}, "status: 'published' is not submitted, approved or rejected"),
    ({"time_saved_hours": "lots"}, "time_saved_hours: must be a number"),
    ({"cost_saving_gbp": -5}, "cost_saving_gbp: must be between 0"),
    ({"hashtags": ["9lives"]}, "hashtags: '9lives' is not a hashtag"),
    ({"headlin": "typo"}, "headlin: unknown field (did you mean 'headline'?)"),
    ({"title": "Two\nlines"}, "title: contains a line break"),
]


@pytest.mark.parametrize(("change", "expected"), REJECTIONS, ids=[e for _, e in REJECTIONS])
@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_an_invalid_row_is_reported_with_file_row_and_field(
    store: Store, tmp_path: Path, change: dict[str, Any], expected: str, suffix: str
) -> None:
    rows = [case_study_row("OK-1"), case_study_row("BAD-1", **change)]
    path = write_import(tmp_path / f"in{suffix}", rows)
    problems = rejection(store, path)
    row = 2 if suffix == ".json" else 3
    assert any(p.startswith(f"{path}:{row} BAD-1 {expected}") for p in problems), problems


def test_duplicate_refs_in_one_file_are_rejected(store: Store, tmp_path: Path) -> None:
    path = write_import(tmp_path / "in.json", [case_study_row("D-1"), case_study_row("D-1")])
    assert f"{path}:2 D-1 ref: duplicate of row 1" in rejection(store, path)


def test_every_problem_in_the_file_is_listed_not_just_the_first(
    store: Store, tmp_path: Path
) -> None:
    rows = [case_study_row("E-1", headline=""), case_study_row("E-2", link="ftp://x.example")]
    problems = rejection(store, write_import(tmp_path / "in.csv", rows))
    assert len(problems) == 2


def test_one_bad_row_keeps_the_good_rows_of_the_same_file_out(store: Store, tmp_path: Path) -> None:
    rows = [case_study_row("G-1"), case_study_row("G-2", summary="")]
    rejection(store, write_import(tmp_path / "in.xlsx", rows))
    with store.read() as session:
        assert list_case_studies(session) == []


def test_unreadable_files_say_what_is_wrong(store: Store, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"ref": "X-1",}]')
    assert "not valid JSON" in rejection(store, broken)[0]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("ref,title\nX-1,Caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in rejection(store, latin)[0]
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    assert "unknown format '.txt'" in rejection(store, other)[0]


def test_html_is_stored_as_plain_text(store: Store, tmp_path: Path) -> None:
    row = case_study_row("H-1", summary="<b>Bold</b> & <script>alert(1)</script> claims")
    run_import(store, write_import(tmp_path / "in.json", [row]))
    with store.read() as session:
        assert get_case_study(session, "H-1").summary == row["summary"]


def test_a_dry_run_reports_but_writes_nothing(store: Store, tmp_path: Path) -> None:
    before = snapshot(store)
    report = run_import(store, write_import(tmp_path / "in.json", [case_study_row()]), dry_run=True)
    assert report.created == ["ICS-2026-100"] and report.dry_run
    assert snapshot(store) == before


def test_reimporting_unchanged_content_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_import(tmp_path / "in.json", [case_study_row()])
    run_import(store, path)
    before = snapshot(store)
    assert run_import(store, path).unchanged == ["ICS-2026-100"]
    assert snapshot(store) == before
