"""The impact dashboard's figures against a hand-counted history (tests/web/
impact_data.py), on SQLite and PostgreSQL: stages, savings (accepted only; in review apart),
every breakdown, engagement per category, and the year and region filters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.actor import Actor
from scheduler.operations.impact.dashboard import Counts, ImpactReport, impact_report
from scheduler.web.frontend import Frontend
from tests.web.conftest import Console
from tests.web.impact_data import counted_history
from vignettes.reporting.organisations import OTHER, organisation_type, organisation_type_sql

READER = Actor("vera", "web", "viewer")


@pytest.fixture
def history(tmp_path: Path, frontend: Frontend, db_url: str) -> Iterator[Console]:
    console = counted_history(tmp_path, frontend, db_url)
    yield console
    console.ws.close()


def report(console: Console, **chosen: object) -> ImpactReport:
    return impact_report(console.ws, READER, **chosen)  # type: ignore[arg-type]


def stages(counts: Counts) -> tuple[int, int, int, int]:
    return counts.submitted, counts.accepted, counts.escalated, counts.showcased


def test_the_totals_count_each_stage_and_the_accepted_savings(history: Console) -> None:
    t = report(history).figures.totals
    assert stages(t) == (5, 3, 3, 1)  # approved on import: escalated before
    assert (t.hours, t.hours_reported, t.pounds, t.pounds_reported) == (15, 2, 3500, 2)
    # S1 is still in review: its savings are shown apart, R1's (rejected) nowhere.
    assert (t.in_review, t.review_hours, t.review_pounds) == (1, 7, 300)
    assert t.services == 2


def test_each_quarter_counts_what_was_submitted_in_it(history: Console) -> None:
    periods = {g.key: g.counts for g in report(history).figures.by_period}
    assert list(periods) == ["2025 Q4", "2026 Q1", "2026 Q3"]
    assert stages(periods["2025 Q4"]) == (1, 1, 1, 0)
    assert stages(periods["2026 Q1"]) == (2, 1, 1, 1)
    assert (periods["2026 Q1"].hours, periods["2026 Q1"].pounds) == (5, None)
    assert (periods["2026 Q3"].hours, periods["2026 Q3"].pounds) == (None, 2500)


def test_regions_services_and_organisation_types_are_counted(history: Console) -> None:
    figures = report(history).figures
    region = {g.key: stages(g.counts) for g in figures.by_region}
    assert region == {"London": (3, 1, 1, 0), "North West": (2, 2, 2, 1)}
    service = {g.key: g.counts.pounds for g in figures.by_service}
    assert service == {"Eastgate LKS": 2500, "Northmoor Library": 1000}
    kinds = {g.key: stages(g.counts) for g in figures.by_organisation_type}
    assert kinds == {"Integrated care board": (3, 1, 1, 0), "NHS foundation trust": (2, 2, 2, 1)}


def test_a_case_study_counts_once_in_each_of_its_categories(history: Console) -> None:
    category = {g.key: g.counts for g in report(history).figures.by_category}
    assert list(category) == [
        "Better patient care",
        "Policy and guidelines",
        "Research and innovation",
        "Time saved",
    ]
    assert (category["Better patient care"].accepted, category["Better patient care"].hours) == (
        2,
        15,
    )
    assert stages(category["Policy and guidelines"]) == (2, 1, 1, 0)
    assert stages(category["Research and innovation"]) == (1, 0, 0, 0)


def test_engagement_is_summed_per_category_from_each_posts_latest_figures(
    history: Console,
) -> None:
    engagement = {e.category: e for e in report(history).figures.engagement}
    assert set(engagement) == {"Better patient care", "Time saved"}
    care = engagement["Better patient care"]
    assert (care.vignettes, care.posts, care.impressions, care.interactions) == (1, 2, 600, 17)


def test_a_year_and_a_region_narrow_every_figure(history: Console) -> None:
    year = report(history, year=2026).figures.totals
    assert stages(year) == (4, 2, 2, 1) and (year.hours, year.pounds) == (5, 2500)
    london = report(history, region="London").figures
    assert stages(london.totals) == (3, 1, 1, 0)
    assert [g.key for g in london.by_region] == ["London"]
    assert london.engagement == ()
    assert report(history, year=2024).figures.totals == Counts()


def test_the_headline_is_what_an_impact_in_numbers_card_says(history: Console) -> None:
    headline = report(history, year=2026, region="London").headline
    assert (headline.period, headline.case_studies, headline.pounds_saved) == ("2026", 1, 2500)
    assert (headline.hours_saved, headline.library_services, headline.scope) == (
        None,
        1,
        "London",
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Northmoor Teaching Hospitals NHS Foundation Trust", "NHS foundation trust"),
        ("Kingsweald Hospitals NHS Trust", "NHS trust"),
        ("Eastgate Integrated Care Board", "Integrated care board"),
        ("West Country Ambulance Service NHS Foundation Trust", "Ambulance service"),
        ("Irwell Bridge Mental Health NHS Foundation Trust", "Mental health and community"),
        ("St Aidan's Hospice", "Hospice"),
        ("Castle Street Medical Centre", "Primary care"),
        ("University of Fenmarsh", "University or college"),
        ("A library with no organisation type in its name", OTHER),
    ],
)
def test_an_organisations_type_is_read_from_its_name_alike_in_python_and_sql(
    history: Console, name: str, kind: str
) -> None:
    from sqlalchemy import literal, select

    assert organisation_type(name) == kind
    with history.ws.store.read() as session:
        assert session.scalar(select(organisation_type_sql(literal(name)))) == kind
