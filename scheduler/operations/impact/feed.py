"""The gallery's Atom feed (feedgen): one entry per showcased vignette and, with
`[gallery] feed_accepted`, one per newly accepted case study.

Each entry has the summary as text, its public page as the alternate link, every card as a
`rel="enclosure"` link titled with its alt text, and the alt text in the entry's content.
Entry ids are tag URIs under `[gallery] feed_tag_authority`, so they do not change when the
gallery moves to another host name. The feed is made from the same public read models as
the pages (`gallery.public_page`), so it can show nothing they would not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from scheduler.operations.context import Workspace
from scheduler.operations.impact.gallery import PublicCard, PublicPage, public_page
from scheduler.operations.impact.visibility import public_rule
from vignettes.reporting.gallery import FeedItem, feed_items
from vignettes.store.read_models import cached

ENTRIES = 50
ATOM = "http://www.w3.org/2005/Atom"
TITLE = "NHS library impact case studies"
SUBTITLE = (
    "Case studies of how NHS knowledge and library services made a difference, accepted "
    "into the national listing, and the vignettes showcased from them."
)


@dataclass(frozen=True)
class FeedLinks:
    """Absolute addresses on the host that serves the feed."""

    feed: str
    gallery: str
    page: Callable[[str], str]  # ref -> its public page
    card: Callable[[str, str], str]  # ref, platform -> its card image


class _Enclosures(BaseEntryExtension):  # type: ignore[misc]
    """Writes each card as `<link rel="enclosure">`: feedgen 1.0's own entry links drop
    every attribute but `href`, which would turn an enclosure into an alternate link."""

    def __init__(self) -> None:
        self.cards: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        for card in self.cards:
            etree.SubElement(entry, f"{{{ATOM}}}link", {"rel": "enclosure", **card})
        return entry


def tag_uri(authority: str, specific: str) -> str:
    """`tag:impact-vignettes.invalid,2026:vignette/2026-12/ICS-2026-001` (RFC 4151)."""
    return f"tag:{authority}:{specific}"


def gallery_feed(ws: Workspace, links: FeedLinks) -> bytes:
    """The Atom document; cached until anyone commits a change (per feed address)."""
    return cached(ws.store, ("gallery feed", links.feed), lambda: _feed(ws, links))


def _feed(ws: Workspace, links: FeedLinks) -> bytes:
    gallery = ws.config.gallery
    with ws.store.read() as session:
        items = feed_items(
            session, public_rule(), include_accepted=gallery.feed_accepted, limit=ENTRIES
        )
    fg = FeedGenerator()
    fg.id(tag_uri(gallery.feed_tag_authority, "gallery"))
    fg.title(TITLE)
    fg.subtitle(SUBTITLE)
    fg.author({"name": ws.config.cards.brand.footer_text})
    fg.link(href=links.feed, rel="self", type="application/atom+xml")
    fg.link(href=links.gallery, rel="alternate", type="text/html")
    fg.language("en-GB")
    fg.updated(max((i.updated for i in items), default=ws.now()))
    # feedgen writes entries newest-added first: add the oldest first.
    for item in reversed(items):
        page = public_page(ws, item.entry.ref)
        if isinstance(page, PublicPage):  # withdrawn since the list was read: left out
            _entry(fg, item, page, links, gallery.feed_tag_authority)
    xml: bytes = fg.atom_str(pretty=True)
    return xml


def _entry(
    fg: FeedGenerator, item: FeedItem, page: PublicPage, links: FeedLinks, authority: str
) -> None:
    entry = item.entry
    fe = fg.add_entry()
    if entry.month:
        fe.id(tag_uri(authority, f"vignette/{entry.month}/{entry.ref}"))
        fe.category(term="vignette", label="Showcased vignette")
    else:
        fe.id(tag_uri(authority, f"case-study/{entry.ref}"))
        fe.category(term="case-study", label="Accepted case study")
    fe.title(entry.title)
    fe.updated(item.updated)
    fe.published(item.updated)
    fe.author({"name": entry.organisation})
    fe.link(href=links.page(entry.ref))  # no rel: the alternate link
    fe.summary(entry.summary, type="text")
    fe.content(_content(page), type="text")
    for label in page.labels:
        fe.category(term=label)
    fe.register_extension("enclosures", _Enclosures, atom=True, rss=False)
    fe.enclosures.cards = [_enclosure(card, entry.ref, links) for card in page.cards]


def _enclosure(card: PublicCard, ref: str, links: FeedLinks) -> dict[str, str]:
    return {
        "href": links.card(ref, card.platform),
        "type": "image/png",
        "length": str(card.png_bytes),
        "title": card.alt_text,
    }


def _content(page: PublicPage) -> str:
    entry, study = page.entry, page.study
    parts = [entry.headline, entry.summary]
    if study.quote_text:
        parts.append(f"“{study.quote_text}” — {study.quote_attribution}")
    parts += [f"Card image ({card.label}): {card.alt_text}" for card in page.cards[:1]]
    return "\n\n".join(p for p in parts if p)
