"""The Atom feed, read back with feedparser: one entry per showcased vignette (and, with
`feed_accepted`, per accepted case study), the summary as text, each card as an enclosure
with its alt text, and entry ids that stay the same whatever host name serves it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from scheduler.web.frontend import Frontend
from tests.web.conftest import Console
from tests.web.gallery_data import approved, gallery_console, load, showcase

AUTHORITY = "library.example.nhs.uk,2026"


@pytest.fixture
def console(tmp_path: Path, frontend: Frontend) -> Iterator[Console]:
    made = gallery_console(tmp_path, frontend, feed_tag_authority=AUTHORITY)
    load(made, approved("SHOWN-1", title="Showcased study"), approved("LISTED-1"))
    showcase(made, "SHOWN-1")
    yield made
    made.ws.close()


def feed(console: Console, host: str = "gallery.example.nhs.uk") -> feedparser.FeedParserDict:
    response = console.get("/gallery/feed.atom", base_url=f"https://{host}")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_the_feed_has_one_entry_per_showcased_vignette(console: Console) -> None:
    parsed = feed(console)
    assert parsed.feed.title == "NHS library impact case studies"
    [entry] = parsed.entries
    assert entry.title == "Showcased study"
    assert entry.id == f"tag:{AUTHORITY}:vignette/2026-12/SHOWN-1"
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary.startswith("A rapid evidence summary from the library team")
    assert entry.link == "https://gallery.example.nhs.uk/gallery/case-studies/SHOWN-1"


def test_each_card_is_an_enclosure_with_its_alt_text(console: Console) -> None:
    [entry] = feed(console).entries
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert {e.href.rsplit("/", 1)[1] for e in enclosures} == {"x.png", "linkedin.png"}
    for enclosure in enclosures:
        assert enclosure.type == "image/png" and int(enclosure.length) > 1000
        assert len(enclosure.title) > 40
        card = console.get(enclosure.href.removeprefix("https://gallery.example.nhs.uk"))
        assert card.status_code == 200 and len(card.data) == int(enclosure.length)
    assert enclosures[0].title in entry.content[0].value


def test_entry_ids_are_the_same_whatever_the_host_name(console: Console) -> None:
    one = feed(console, "gallery.example.nhs.uk").entries
    other = feed(console, "intranet-proxy.example.nhs.uk").entries
    assert [e.id for e in one] == [e.id for e in other]
    assert one[0].link != other[0].link


def test_with_feed_accepted_newly_accepted_case_studies_have_entries_too(
    tmp_path: Path, frontend: Frontend
) -> None:
    console = gallery_console(tmp_path, frontend, feed_accepted=True)
    load(console, approved("LISTED-1", title="Accepted, not showcased"))
    [entry] = feed(console).entries
    assert entry.title == "Accepted, not showcased"
    assert entry.id.endswith(":case-study/LISTED-1")
    assert [link for link in entry.links if link.rel == "enclosure"] == []
