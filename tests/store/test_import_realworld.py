"""Issue 10: case studies as they really arrive import as they are, and the report says
what was done with them (warnings apart from problems, each with file, row, ref, field)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import NOW, case_study_row, schedule_rule, write_import
from tests.store import realistic
from tests.store.helpers import rejection, run_import
from vignettes.errors import ImportRejected
from vignettes.importing.files import import_file
from vignettes.store.listing import list_case_studies
from vignettes.store.queries import Store, get_case_study

WRITERS = {".xlsx": realistic.write_xlsx, ".csv": realistic.write_csv}


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_realistic_export_imports_every_row(store: Store, tmp_path: Path, suffix: str) -> None:
    report = run_import(store, WRITERS[suffix](tmp_path / f"network{suffix}"))
    assert len(report.created) == 11
    with store.read() as session:
        rows = list_case_studies(session)
        assert all(r.status == "approved" and r.approval_current for r in rows)
        first = get_case_study(session, "NWL-2025-001")
        assert first.impact_categories == ["patient-care", "time-saved"]
        assert first.organisation == "Fenbridge University Hospitals NHS Trust"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_labels_in_any_case_and_separator_become_codes(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    run_import(store, WRITERS[suffix](tmp_path / f"network{suffix}"))
    with store.read() as session:
        codes = {r: get_case_study(session, r).impact_categories for r in ("NWL-2025-002",
                 "NWL-2025-003", "NWL-2025-004", "NWL-2025-006", "NWL-2025-007")}  # fmt: skip
    assert codes == {
        "NWL-2025-002": ["patient-safety", "cost-saving"],
        "NWL-2025-003": ["education"],
        "NWL-2025-004": ["research"],  # "research" and "Innovation" are one category
        "NWL-2025-006": ["patient-safety", "decision-making"],
        "NWL-2025-007": [],  # approved without categories: the card shows none
    }


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_uk_dates_excel_dates_and_day_numbers_are_read(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    run_import(store, WRITERS[suffix](tmp_path / f"network{suffix}"))
    with store.read() as session:
        days = [get_case_study(session, f"NWL-2025-00{i}").approved_at for i in (1, 2, 3)]
    assert [d.date() if d else None for d in days] == [
        dt.date(2025, 1, 10),  # a date cell
        dt.date(2025, 1, 22),  # day number 45679
        dt.date(2025, 2, 7),  # "07/02/2025": day first
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_blank_and_no_consent_store_the_quote_but_never_use_it(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    path = WRITERS[suffix](tmp_path / f"network{suffix}")
    report = run_import(store, path)
    with store.read() as session:
        consent = {r: get_case_study(session, r).quote_consent for r in ("NWL-2025-001",
                   "NWL-2025-002", "NWL-2025-004", "NWL-2025-011")}  # fmt: skip
    assert consent == {"NWL-2025-001": True, "NWL-2025-002": False, "NWL-2025-004": False,
                       "NWL-2025-011": True}  # fmt: skip
    blank = [str(w) for w in report.warnings if w.field == "quote_consent"]
    assert blank == [
        f"{path}:5 NWL-2025-004 quote_consent: is blank: no consent recorded, so the quote is "
        "stored but never used on a card, in alt text or in a post",
        f"{path}:10 NWL-2025-009 quote_consent: is blank: no consent recorded, so the quote is "
        "stored but never used on a card, in alt text or in a post",
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_columns_that_are_no_field_are_warned_about_once(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    path = WRITERS[suffix](tmp_path / f"network{suffix}")
    ignored = [str(w) for w in run_import(store, path).warnings if w.row == 1]
    assert ignored == [
        f"{path}:1 - Submitted by: column S: ignored: not a field",
        f"{path}:1 - Notes: column T: ignored: not a field",
    ]


def test_a_near_miss_header_says_which_field_it_resembles(store: Store, tmp_path: Path) -> None:
    path = write_import(tmp_path / "in.csv", [case_study_row("T-1", Headlin="typo")])
    [warning] = [w for w in run_import(store, path).warnings if w.row == 1]
    assert warning.field == "Headlin" and "did you mean 'headline'?" in warning.reason


def test_header_variants_and_local_names_map_to_fields(store: Store, tmp_path: Path) -> None:
    from vignettes.importing.columns import ColumnRules
    from vignettes.importing.validation import DefaultRules

    row = case_study_row("V-1", status="submitted", approved_by=None, approved_on=None)
    renamed = {"Case-Study REF": row.pop("ref"), "ORGANISATION_NAME": row.pop("organisation"),
               "Bib. service": row.pop("library_service"), **row}  # fmt: skip
    path = write_import(tmp_path / "in.csv", [renamed])
    rules = DefaultRules(columns=ColumnRules({"bib service": "library_service"}))
    assert run_import(store, path, rules=rules).created == ["V-1"]
    with store.read() as session:
        assert get_case_study(session, "V-1").library_service == "Northmoor Healthcare Library"


def test_an_unknown_category_names_the_known_ones_and_the_closest(
    store: Store, tmp_path: Path
) -> None:
    path = write_import(tmp_path / "in.json", [case_study_row("U-1", impact_categories=[
        "Patient Safty"])])  # fmt: skip
    [problem] = rejection(store, path)
    assert problem.startswith(
        f"{path}:1 U-1 impact_categories: unknown category 'Patient Safty'; did you mean "
        "'Patient safety and risk'? known: Better patient care, More informed decisions, "
    )  # the labels a person writes, no command to run


def test_two_columns_for_one_field_are_one_problem_for_the_file(
    store: Store, tmp_path: Path
) -> None:
    rows = [case_study_row(f"D-{i}", **{"Organisation name": "Another"}) for i in range(3)]
    problems = rejection(store, write_import(tmp_path / "in.csv", rows))
    assert [p for p in problems if "both hold this field" in p] == [
        f"{tmp_path / 'in.csv'}:1 - organisation: columns C ('organisation') and Q "
        "('Organisation name') both hold this field; keep one"
    ]


@pytest.mark.parametrize(
    ("written", "tags"),
    [
        ("#NHS #Libraries", ["NHS", "Libraries"]),
        ("#NHS, #Libraries", ["NHS", "Libraries"]),
        ("#NHS;#Libraries", ["NHS", "Libraries"]),
        ("NHS,  Libraries ; Evidence", ["NHS", "Libraries", "Evidence"]),
    ],
)
def test_hashtags_separated_by_spaces_or_commas_are_read(
    store: Store, tmp_path: Path, written: str, tags: list[str]
) -> None:
    run_import(store, write_import(tmp_path / "in.csv", [case_study_row("H-1", hashtags=written)]))
    with store.read() as session:
        assert get_case_study(session, "H-1").hashtags == tags


@pytest.mark.parametrize(
    ("cost", "hours", "read"),
    [("£1,200", "1,200", (1200.0, 1200.0)), ("1,200,000.50", "12", (1_200_000.5, 12.0)),
     ("£ 950", "0.5", (950.0, 0.5))],
)  # fmt: skip
def test_costs_with_a_pound_sign_and_thousands_separators_are_read(
    store: Store, tmp_path: Path, cost: str, hours: str, read: tuple[float, float]
) -> None:
    row = case_study_row("N-1", cost_saving_gbp=cost, time_saved_hours=hours)
    run_import(store, write_import(tmp_path / "in.csv", [row]))
    with store.read() as session:
        stored = get_case_study(session, "N-1")
        assert (stored.cost_saving_gbp, stored.time_saved_hours) == read


def test_a_comma_that_is_no_thousands_separator_or_a_pound_sign_on_hours_is_refused(
    store: Store, tmp_path: Path
) -> None:
    row = case_study_row("N-2", cost_saving_gbp="1,2", time_saved_hours="£12")
    problems = rejection(store, write_import(tmp_path / "in.csv", [row]))
    assert [p.split(" ", 1)[1] for p in problems] == [
        "N-2 time_saved_hours: must be a number, got '£12'",
        "N-2 cost_saving_gbp: must be a number, got '1,2'",
    ]


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_problem_names_the_column_as_the_file_wrote_it(
    store: Store, tmp_path: Path, suffix: str
) -> None:
    row = case_study_row("H-1", **{"Time saved (hours)": "lots"})
    row.pop("time_saved_hours", None)
    path = write_import(tmp_path / f"in{suffix}", [row])
    with pytest.raises(ImportRejected) as refused:
        import_file(store, path, now=NOW, actor="t", schedule=schedule_rule())
    [issue] = refused.value.issues
    assert (issue.field, issue.column) == ("time_saved_hours", "Time saved (hours)")
    assert issue.to_json()["column"] == "Time saved (hours)"
