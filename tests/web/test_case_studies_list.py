"""The case studies list: search, filters, sort and pages from the query string, a tag
for each state, and case-study text shown as text."""

from __future__ import annotations

import re

from tests.conftest import case_study_row
from tests.web.conftest import Console
from tests.web.content import ESCAPED, load, payload_case_study, submitted


def refs_on(page: str) -> list[str]:
    """The refs the list links to, in order."""
    return [ref for ref in re.findall(r'href="/case-studies/([^"/?]+)"', page)]


def test_a_viewer_sees_every_case_study_with_its_state(console: Console) -> None:
    load(console, case_study_row("L-1"), submitted("L-2"), submitted("L-3", status="rejected"))
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    page = console.get("/case-studies").text
    assert refs_on(page) == ["L-1", "L-2", "L-3"]
    assert "3 case studies" in page
    for tag in ("nhsuk-tag--green", "nhsuk-tag--blue", "nhsuk-tag--red"):
        assert tag in page
    assert "Add a case study" not in page  # a viewer may not add


def test_search_filters_and_sort_come_from_the_query_string(console: Console) -> None:
    load(
        console,
        case_study_row("S-1", title="Falls on the ward", region="North West"),
        submitted("S-2", title="Sepsis pathway", region="London"),
        case_study_row("S-3", title="Deprescribing falls risk", region="London"),
    )
    console.add_user("ed", "editor")
    console.sign_in("ed")
    assert refs_on(console.get("/case-studies?q=FALLS").text) == ["S-1", "S-3"]
    assert refs_on(console.get("/case-studies?region=London&status=approved").text) == ["S-3"]
    assert refs_on(console.get("/case-studies?sort=title").text) == ["S-3", "S-1", "S-2"]
    ignored = console.get("/case-studies?status=nonsense&sort=evil&page=x")
    assert ignored.status_code == 200 and refs_on(ignored.text) == ["S-1", "S-2", "S-3"]


def test_pages_of_fifty_with_numbered_links_that_keep_the_search(console: Console) -> None:
    load(console, *[submitted(f"P-{n:03d}", title=f"Review {n}") for n in range(120)])
    console.add_user("ed", "editor")
    console.sign_in("ed")
    page = console.get("/case-studies?q=review&page=2").text
    assert refs_on(page)[0] == "P-050" and len(refs_on(page)) == 50
    assert "page 2 of 3" in page
    assert 'href="/case-studies?q=review&amp;page=3"' in page
    assert 'aria-current="page"' in page


def test_case_study_text_is_shown_as_text(console: Console) -> None:
    load(console, payload_case_study())
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    page = console.get("/case-studies").text
    assert "<script>window.__xss" not in page and 'onerror="window' not in page
    assert ESCAPED in page
