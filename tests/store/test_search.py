"""Finding case studies for the console: search, filters, sort and pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import NOW, case_study_row, schedule_rule, write_import
from tests.store.helpers import run_import
from vignettes.planning.plan import queue
from vignettes.planning.slots import Month
from vignettes.store.queries import Store
from vignettes.store.search import CaseStudyQuery, find_case_studies


def load(store: Store, tmp_path: Path, *rows: dict[str, Any]) -> None:
    run_import(store, write_import(tmp_path / "in.json", list(rows)))


def found(store: Store, **query: Any) -> list[str]:
    with store.read() as session:
        return [r.ref for r in find_case_studies(session, CaseStudyQuery(**query)).rows]


def three(store: Store, tmp_path: Path) -> None:
    load(
        store,
        tmp_path,
        case_study_row(
            "R-1",
            title="Falls on the ward",
            organisation="Northmoor Trust",
            region="North West",
            impact_categories=["patient-safety"],
        ),
        case_study_row(
            "R-2",
            title="Sepsis 100% pathway",
            organisation="Southvale Trust",
            region="South West",
            impact_categories=["patient-care"],
            status="submitted",
            approved_by=None,
            approved_on=None,
        ),
        case_study_row(
            "R-3",
            title="Deprescribing",
            organisation="northmoor community",
            region="North West",
            impact_categories=["time-saved", "patient-care"],
        ),
    )


def test_text_matches_ref_title_or_organisation_in_any_case(store: Store, tmp_path: Path) -> None:
    three(store, tmp_path)
    assert found(store, text="NORTHMOOR") == ["R-1", "R-3"]
    assert found(store, text="r-2") == ["R-2"]
    assert found(store, text="falls") == ["R-1"]


def test_wildcards_in_the_search_are_plain_characters(store: Store, tmp_path: Path) -> None:
    three(store, tmp_path)
    assert found(store, text="100%") == ["R-2"]
    assert found(store, text="%") == ["R-2"]
    assert found(store, text="_") == []


def test_filters_combine(store: Store, tmp_path: Path) -> None:
    three(store, tmp_path)
    assert found(store, status="approved", region="North West") == ["R-1", "R-3"]
    assert found(store, category="patient-care") == ["R-2", "R-3"]
    assert found(store, category="patient-care", status="submitted") == ["R-2"]


def test_showcased_or_not(store: Store, tmp_path: Path) -> None:
    three(store, tmp_path)
    queue(store, Month(2027, 1), "R-1", by="t", now=NOW, schedule=schedule_rule())
    assert found(store, showcased=True) == []  # queued is not shown yet
    assert found(store, showcased=False) == ["R-1", "R-2", "R-3"]


def test_sort_and_pages(store: Store, tmp_path: Path) -> None:
    three(store, tmp_path)
    assert found(store, sort="title") == ["R-3", "R-1", "R-2"]
    with store.read() as session:
        page = find_case_studies(session, CaseStudyQuery(per_page=2, page=2))
    assert [r.ref for r in page.rows] == ["R-3"] and (page.total, page.pages) == (3, 2)
    assert page.regions == ("North West", "South West")


def test_each_row_says_how_ready_it_is_and_the_readiest_sort_first(
    store: Store, tmp_path: Path
) -> None:
    load(
        store,
        tmp_path,
        case_study_row("Q-1", quote_consent=None),  # quote withheld, no figure
        case_study_row("Q-2", time_saved_hours=6),  # quote and figure
        case_study_row(
            "Q-3", cost_saving_gbp=1200, quote_text=None, quote_attribution=None, quote_consent=None
        ),
    )
    with store.read() as session:
        rows = find_case_studies(session, CaseStudyQuery(sort="readiness")).rows
    assert [(r.ref, r.readiness.label) for r in rows] == [
        ("Q-2", "quote+figure"),
        ("Q-3", "figure"),
        ("Q-1", "-"),
    ]
