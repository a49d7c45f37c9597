"""Import: every rejection reason names file, row and field, and writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import case_study_row, write_import
from tests.store.helpers import rejection, run_import, snapshot
from vignettes.store.listing import list_case_studies
from vignettes.store.queries import Store, get_case_study


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
    ({"quote_attribution": None}, "quote_attribution: is required when there is a quote"),
    (
        {"quote_text": None, "quote_attribution": None},
        "quote_consent: is true but there is no quote_text",
    ),
    ({"contains_patient_data": True}, "contains_patient_data: is true"),
    ({"approved_by": None}, "approved_by: is required when status is approved"),
    ({"approved_on": "2027-01-01"}, "approved_on: 2027-01-01 is in the future"),
    (
        {"status": "published"},
        "status: 'published' is not submitted, approved, rejected or withdrawn",
    ),
    ({"time_saved_hours": "lots"}, "time_saved_hours: must be a number"),
    ({"cost_saving_gbp": -5}, "cost_saving_gbp: must be between 0"),
    ({"hashtags": ["9lives"]}, "hashtags: '9lives' is not a hashtag"),
    ({"title": "Two\nlines"}, "title: contains a line break"),
    ({"title": "Two\u2028lines"}, "title: contains a line break"),
    (
        {"headline": "Cut waits \u202eby half"},
        "headline: contains invisible character U+202E RIGHT-TO-LEFT OVERRIDE",
    ),
    (
        {"summary": "Hidden\u2066 isolate"},
        "summary: contains invisible character U+2066 LEFT-TO-RIGHT ISOLATE",
    ),
    ({"outcome": "zero\u200bwidth"}, "outcome: contains invisible character U+200B ZERO WIDTH"),
    ({"title": "word\u2060joiner"}, "title: contains invisible character U+2060 WORD JOINER"),
    ({"title": "\ufeffBOM"}, "title: contains invisible character U+FEFF ZERO WIDTH NO-BREAK"),
    (
        {"title": "Zalgo x" + "\u0301" * 5},
        "title: has 5 combining marks in a row (stacked accents); the limit is 4",
    ),
    ({"link": "https://library.example:99999/x"}, "link: has an invalid port"),
    ({"link": "https://library.example:abc/x"}, "link: has an invalid port"),
    ({"link": "https://[::1/x"}, "link: is not a valid link"),
    (
        {"link": "https://nhs.example\u2215evil.example/x"},
        "link: host name contains U+2215 DIVISION SLASH",
    ),
    (
        {"link": "https://nhs.example\u2044evil.example/x"},
        "link: host name contains U+2044 FRACTION SLASH",
    ),
    ({"link": "https://nhs\u200d.example/x"}, "link: host name contains U+200D ZERO WIDTH JOINER"),
    ({"link": "https://nhs\u00a0x.example/x"}, "link: must not contain spaces"),
    ({"link": "https://" + "é" * 64 + ".example/"}, "link: host name "),
    (
        {"link": "https://\u2603.example/x"},  # a snowman: IDNA 2003 took it, IDNA 2008 does not
        "link: host name '\u2603.example' is not a valid international domain name",
    ),
    ({"approved_by": "x" * 121}, "approved_by: is 121 characters, the limit is 120"),
    ({"approved_by": "Priya\x1b[2K Shah"}, "approved_by: contains control character U+001B"),
    (
        {"approved_by": "Priya \u200eShah"},
        "approved_by: contains invisible character U+200E LEFT-TO-RIGHT MARK",
    ),
    ({"time_saved_hours": 10**400}, "time_saved_hours: must be a number"),
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


def test_number_fields_are_checked_alongside_other_problems(store: Store, tmp_path: Path) -> None:
    row = case_study_row("N-1", headline="", time_saved_hours="lots", cost_saving_gbp=-1)
    path = write_import(tmp_path / "in.json", [row])
    assert rejection(store, path) == [
        f"{path}:1 N-1 headline: is required",
        f"{path}:1 N-1 time_saved_hours: must be a number, got 'lots'",
        f"{path}:1 N-1 cost_saving_gbp: must be between 0 and 1,000,000,000, got -1",
    ]


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_every_line_break_is_stored_as_a_newline(store: Store, tmp_path: Path, suffix: str) -> None:
    row = case_study_row("L-1", background="Mac\rWindows\r\nUnix\nLine\u2028Para\u2029end")
    run_import(store, write_import(tmp_path / f"in{suffix}", [row]))
    with store.read() as session:
        assert get_case_study(session, "L-1").background == "Mac\nWindows\nUnix\nLine\nPara\nend"


def test_joiners_and_international_hosts_are_allowed(store: Store, tmp_path: Path) -> None:
    row = case_study_row(
        "J-1",
        summary="Our team 👩\u200d⚕️ and the می\u200cخواهم reading group",
        link="https://bibliothèque.example/impact",
        approved_by="Zoë Ó Briain",
    )
    run_import(store, write_import(tmp_path / "in.json", [row]))
    with store.read() as session:
        assert get_case_study(session, "J-1").summary == row["summary"]


def test_invisible_characters_in_a_ref_are_shown_escaped(store: Store, tmp_path: Path) -> None:
    path = write_import(tmp_path / "in.json", [case_study_row("R-1\u202e")])
    problems = rejection(store, path)
    assert all(p.startswith(f"{path}:1 R-1\\u202e ref: ") for p in problems), problems


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
