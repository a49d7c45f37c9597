"""The impact screen: every signed-in role sees the figures, each chart beside its table,
the CSV download, the filters; only admins download an evidence pack."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scheduler.web.frontend import Frontend
from tests.web.conftest import Console
from tests.web.impact_data import counted_history
from tests.web.plan_data import problems


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = counted_history(tmp_path, frontend)
    made.add_user("vera", "viewer")
    made.add_user("ann", "admin")
    yield made
    made.ws.close()


def test_a_viewer_sees_each_chart_beside_its_table(console: Console) -> None:
    console.sign_in("vera")
    page = console.get("/impact")
    assert page.status_code == 200
    for name in ("period", "region", "category", "service", "organisation_type"):
        assert f'src="/impact/charts/{name}.png"' in page.text
        assert f'id="{name}-table"' in page.text
        chart = console.get(f"/impact/charts/{name}.png")
        assert chart.status_code == 200 and chart.data.startswith(b"\x89PNG")
    assert 'id="engagement-table"' in page.text
    assert "Evidence pack" not in page.text  # a viewer may not take one


def test_the_csv_has_every_figure_the_page_shows(console: Console) -> None:
    console.sign_in("vera")
    response = console.get("/impact.csv?year=2026")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="impact-2026-')
    rows = list(csv.DictReader(io.StringIO(response.text)))
    totals = next(r for r in rows if r["breakdown"] == "totals")
    assert (totals["submitted"], totals["accepted"], totals["pounds"]) == ("4", "2", "2500")
    care = next(r for r in rows if r["breakdown"] == "engagement")
    assert (care["key"], care["impressions"], care["interactions"]) == (
        "Better patient care",
        "600",
        "17",
    )


def test_a_year_that_is_not_one_is_a_clear_error(console: Console) -> None:
    console.sign_in("vera")
    page = console.get("/impact?year=twenty")
    assert page.status_code == 400
    assert problems(page.text) == ["Enter a year like 2026, or leave it empty"]


def test_an_admin_downloads_a_services_evidence_pack(console: Console) -> None:
    console.sign_in("ann")
    assert "Evidence pack" in console.get("/impact").text
    response = console.get("/impact/evidence.xlsx?service=Eastgate+LKS&evidence_year=2026")
    assert response.status_code == 200
    assert 'filename="evidence-Eastgate-LKS-2026.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    refs = [r[0] for r in book["Case studies"].iter_rows(min_row=2, values_only=True)]
    assert refs == ["S1", "A3", "R1"]


def test_an_evidence_pack_for_a_service_nobody_names_is_a_clear_error(console: Console) -> None:
    console.sign_in("ann")
    page = console.get("/impact/evidence.xlsx?service=Eastgate+LK&evidence_year=2026")
    assert page.status_code == 400
    [problem] = problems(page.text)
    assert problem.startswith("No library service in the directory is called 'Eastgate LK'")


def test_a_viewer_may_not_download_an_evidence_pack(console: Console) -> None:
    console.sign_in("vera")
    response = console.get("/impact/evidence.xlsx?service=Eastgate+LKS&evidence_year=2026")
    assert response.status_code == 403


def test_the_impact_in_numbers_card_is_shown_and_downloads(console: Console) -> None:
    console.sign_in("vera")
    page = console.get("/impact?year=2026&region=London")
    assert 'src="/impact/cards/x.png?year=2026&amp;region=London"' in page.text
    card = console.get("/impact/cards/linkedin.png?year=2026&region=London&download=1")
    assert card.status_code == 200 and card.data.startswith(b"\x89PNG")
    assert 'filename="impact-2026-linkedin.png"' in card.headers["Content-Disposition"]
    # London in 2026: A3 accepted (£2,500), from one library service.
    assert "1 case study" in page.text and "£2,500" in page.text


def test_a_contributor_sees_only_their_own_services_figures(console: Console) -> None:
    console.add_user("cora", "contributor", services=("Northmoor Library",))
    console.sign_in("cora")
    page = console.get("/impact")
    assert page.status_code == 200
    rows = list(csv.DictReader(io.StringIO(console.get("/impact.csv").text)))
    totals = next(r for r in rows if r["breakdown"] == "totals")
    assert (totals["submitted"], totals["accepted"]) == ("2", "2")  # A1 and A2 only
    assert {r["key"] for r in rows if r["breakdown"] == "service"} == {"Northmoor Library"}


def test_a_contributor_takes_their_own_services_evidence_pack_and_no_other(
    console: Console,
) -> None:
    console.add_user("cora", "contributor", services=("Northmoor Library",))
    console.sign_in("cora")
    own = console.get("/impact/evidence.xlsx?service=Northmoor+Library&evidence_year=2026")
    assert own.status_code == 200
    other = console.get("/impact/evidence.xlsx?service=Eastgate+LKS&evidence_year=2026")
    assert other.status_code == 403
