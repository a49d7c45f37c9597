"""The public gallery: the listing with its search, filters and pages, a case study's public
page (its cards with alt text, its live posts with their latest engagement), consent and
withdrawal taking effect on the next request, and the gallery switched off."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.operations.content.case_studies import case_study
from scheduler.web.frontend import Frontend
from tests.web.conftest import Console, make_console
from tests.web.gallery_data import (
    LIVE_URLS,
    approved,
    gallery_console,
    load,
    record_engagement,
    reject_as,
    showcase,
    submitted,
)

QUOTE = "The summary gave us the confidence to change practice."


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = gallery_console(tmp_path, frontend)
    yield made
    made.ws.close()


def titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'class="nhsuk-card__link"[^>]*>([^<]+)<', page)]


def test_the_gallery_lists_accepted_case_studies_newest_first(console: Console) -> None:
    load(
        console,
        approved("OLD-1", title="Older accepted study", approved_on="2026-01-10"),
        approved("NEW-1", title="Newer accepted study", approved_on="2026-06-10"),
        submitted("SUB-1", title="Still in review"),
    )
    page = console.get("/gallery")
    assert page.status_code == 200
    assert titles(page.text) == ["Newer accepted study", "Older accepted study"]
    assert "2 case studies" in page.text


def test_search_and_filters_narrow_the_listing(console: Console) -> None:
    load(
        console,
        approved("A-1", title="Sepsis pathway", region="South West", impact_categories=["policy"]),
        approved("A-2", title="Falls bundle", region="London", library_service="Eastgate LKS"),
    )
    assert titles(console.get("/gallery?q=sepsis").text) == ["Sepsis pathway"]
    assert titles(console.get("/gallery?region=London").text) == ["Falls bundle"]
    assert titles(console.get("/gallery?category=policy").text) == ["Sepsis pathway"]
    assert titles(console.get("/gallery?service=Eastgate+LKS").text) == ["Falls bundle"]
    assert len(titles(console.get("/gallery?year=2026").text)) == 2
    assert titles(console.get("/gallery?year=2025").text) == []


def test_a_year_that_is_not_one_is_a_clear_error(console: Console) -> None:
    page = console.get("/gallery?year=last")
    assert page.status_code == 400
    assert "Select a year from the list" in page.text


def test_the_listing_comes_in_pages_of_twenty(console: Console) -> None:
    load(console, *(approved(f"P-{i:02d}", title=f"Study {i:02d}") for i in range(25)))
    first, second = console.get("/gallery"), console.get("/gallery?page=2")
    assert len(titles(first.text)) == 20 and len(titles(second.text)) == 5
    assert "page 1 of 2" in first.text and 'href="/gallery?page=2"' in first.text


def test_a_case_study_page_shows_its_public_fields_and_quote(console: Console) -> None:
    load(console, approved("PUB-1", background="The ward had no protocol.", cost_saving_gbp=1200))
    page = html.unescape(console.get("/gallery/case-studies/PUB-1").text)
    for shown in ("Evidence review on early mobilisation", "Northmoor Healthcare Library"):
        assert shown in page
    assert "The ward had no protocol." in page and "£1,200" in page
    assert QUOTE in page and "Ward Sister, Orthopaedics" in page


def test_a_showcased_case_study_shows_its_cards_and_live_posts(console: Console) -> None:
    load(console, approved("PUB-1"))
    showcase(console, "PUB-1")
    record_engagement(console, "linkedin", impressions=1234, likes=56, reposts=7, replies=3)
    page = html.unescape(console.get("/gallery/case-studies/PUB-1").text)
    assert "Showcased vignette, December 2026" in page
    assert LIVE_URLS["linkedin"] in page and LIVE_URLS["x"] in page
    assert "1,234" in page and "56" in page
    card = re.search(r'<img class="app-card" src="([^"]+)"[^>]* alt="([^"]+)"', page)
    assert card is not None and len(card.group(2)) > 40  # a real description
    image = console.get(card.group(1))
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")


def test_consent_withdrawn_takes_the_quote_off_at_once(console: Console) -> None:
    load(console, approved("PUB-1"))
    showcase(console, "PUB-1")
    page = console.get("/gallery/case-studies/PUB-1")
    assert QUOTE in html.unescape(page.text)
    load(console, approved("PUB-1", quote_consent=False))  # an import says: no consent
    again = console.get(
        "/gallery/case-studies/PUB-1", headers={"If-None-Match": page.headers["ETag"]}
    )
    shown = html.unescape(again.text)
    assert again.status_code == 200 and "Evidence review on early mobilisation" in shown
    assert QUOTE not in shown and "Ward Sister, Orthopaedics" not in shown
    assert QUOTE not in html.unescape(console.get("/gallery/feed.atom").text)
    alt_texts = re.findall(r'<img class="app-card"[^>]* alt="([^"]+)"', again.text)
    assert alt_texts and all(QUOTE not in html.unescape(alt) for alt in alt_texts)
    history = case_study(console.ws, "PUB-1").history
    assert any(e.action == "updated" and e.actor == "operator" for e in history)


def test_a_case_study_rejected_after_acceptance_is_gone(console: Console) -> None:
    load(console, approved("PUB-1", title="Accepted then rejected"))
    assert console.get("/gallery/case-studies/PUB-1").status_code == 200
    reject_as(console, "PUB-1", "Priya Shah", "The trust withdrew its agreement")
    gone = console.get("/gallery/case-studies/PUB-1")
    assert gone.status_code == 410
    assert "This case study has been withdrawn" in gone.text
    assert "Accepted then rejected" not in html.unescape(gone.text)
    assert titles(console.get("/gallery").text) == []
    history = case_study(console.ws, "PUB-1").history
    assert [(e.action, e.actor) for e in history][-1] == ("rejected", "Priya Shah")


def test_every_gallery_page_links_to_the_feed(console: Console) -> None:
    load(console, approved("PUB-1"))
    feed = '<link rel="alternate" type="application/atom+xml"'
    for address in ("/gallery", "/gallery/case-studies/PUB-1", "/gallery/case-studies/NOPE"):
        assert feed in console.get(address).text


def test_the_gallery_is_off_unless_the_config_turns_it_on(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = make_console(tmp_path, frontend)  # a config with no [gallery] table
    load(console, approved("PUB-1"))
    for address in ("/gallery", "/gallery/feed.atom", "/gallery/case-studies/PUB-1"):
        assert console.get(address).status_code == 404
    assert console.ws.config.gallery.enabled is False
