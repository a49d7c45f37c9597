"""The public gallery's read models: a page of the national listing, one listed case
study's public page (its cards and live posts with their latest engagement), the card
images, and the stamp that caching headers are made from.

Everything here asks `visibility.public_rule()` what is listed, and hands the interface
public fields only: a page cannot show what it was never given.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from scheduler.engagement.report import load as load_engagement
from scheduler.operations.content.cards import card_png, vignette_cards
from scheduler.operations.context import Workspace
from scheduler.operations.impact.visibility import public_rule
from scheduler.platforms.registry import INFO
from vignettes.planning.slots import Month
from vignettes.reporting.gallery import (
    Facets,
    GalleryEntry,
    GalleryPage,
    GalleryQuery,
    LivePost,
    PublicCaseStudy,
    Stamp,
    data_stamp,
    gallery_facets,
    gallery_page,
    public_case_study,
    public_state,
)
from vignettes.store.read_models import cached

__all__ = [
    "GalleryEntry",
    "GalleryPage",
    "GalleryQuery",
    "Gone",
    "PublicCard",
    "PublicPage",
    "PublicPost",
    "gallery",
    "gallery_stamp",
    "public_card",
    "public_page",
    "with_labels",
]

# What the public sees of a post's engagement (Bluesky has no impressions: "not offered").
PUBLIC_FIGURES = ("impressions", "likes", "reposts", "replies")


def gallery(ws: Workspace, query: GalleryQuery) -> GalleryPage:
    """A page of the listing with the filters' choices; each cached until anyone
    commits a change (the choices once for every page)."""

    def read() -> GalleryPage:
        with ws.store.read() as session:
            return gallery_page(session, public_rule(), query)

    def facets() -> Facets:
        with ws.store.read() as session:
            return gallery_facets(session, public_rule())

    page = cached(ws.store, ("gallery", query), read)
    choices = cached(ws.store, ("gallery facets",), facets)
    return dataclasses.replace(
        page, regions=choices.regions, services=choices.services, years=choices.years
    )


def gallery_stamp(ws: Workspace) -> Stamp:
    """What every gallery page and the feed are made from, as a stamp for ETag and
    Last-Modified; cached until anyone commits a change."""

    def read() -> Stamp:
        with ws.store.read() as session:
            return data_stamp(session)

    return cached(ws.store, ("gallery stamp",), read)


@dataclass(frozen=True)
class PublicPost:
    """A live post and its latest engagement, figure by figure (None: not said)."""

    platform: str
    label: str
    url: str
    figures: tuple[tuple[str, int | None], ...]


@dataclass(frozen=True)
class PublicCard:
    platform: str
    label: str
    alt_text: str
    width: int
    height: int
    png_bytes: int


@dataclass(frozen=True)
class PublicPage:
    """One listed case study as the public sees it. `labels`: its impact categories as
    the vocabulary names them."""

    study: PublicCaseStudy
    labels: tuple[str, ...]
    posts: tuple[PublicPost, ...]
    cards: tuple[PublicCard, ...]

    @property
    def entry(self) -> GalleryEntry:
        return self.study.entry


@dataclass(frozen=True)
class Gone:
    """A case study withdrawn or rejected after acceptance: its address answers 410."""

    ref: str


def public_page(ws: Workspace, ref: str) -> PublicPage | Gone | None:
    """`ref`'s public page, Gone, or None (never listed, or no such ref: the same 404)."""

    def read() -> PublicPage | Gone | None:
        rule = public_rule()
        with ws.store.read() as session:
            study = public_case_study(session, rule, ref)
            if study is None:
                return Gone(ref) if public_state(session, rule, ref) == "gone" else None
        return _page(ws, study)

    return cached(ws.store, ("public page", ref), read)


def _page(ws: Workspace, study: PublicCaseStudy) -> PublicPage:
    labels = ws.config.importing.vocabulary.labels(study.entry.impact_categories)
    posts: tuple[PublicPost, ...] = ()
    cards: tuple[PublicCard, ...] = ()
    if study.posts:
        posts = _posts(ws, study)
        cards = _cards(ws, study.entry)
    return PublicPage(study, tuple(labels), posts, cards)


def _posts(ws: Workspace, study: PublicCaseStudy) -> tuple[PublicPost, ...]:
    latest = {e.platform: e.latest_known() for e in load_engagement(ws.store, ref=study.entry.ref)}
    return tuple(
        PublicPost(
            platform=post.platform,
            label=INFO[post.platform].label if post.platform in INFO else post.platform,
            url=post.url,
            figures=tuple(
                (name, latest.get(post.platform, {}).get(name)) for name in PUBLIC_FIGURES
            ),
        )
        for post in study.posts
        if _web_address(post)
    )


def _web_address(post: LivePost) -> bool:
    # Outbox posts have a file path for a URL: nothing a visitor could open.
    return post.url.startswith("https://")


def _cards(ws: Workspace, entry: GalleryEntry) -> tuple[PublicCard, ...]:
    """The cards as they would be rendered now, from the current content: a quote whose
    consent was withdrawn is on none of them (the cards that went out are not shown)."""
    month = Month.parse(entry.month) if entry.month else None
    rendered = vignette_cards(ws, entry.ref, month)
    return tuple(
        PublicCard(p.platform, p.label, p.alt_text, p.width, p.height, p.png_bytes)
        for p in rendered.posts
    )


def public_card(ws: Workspace, ref: str, platform: str) -> bytes | None:
    """The PNG of a showcased, listed case study's card for `platform`, or None."""
    page = public_page(ws, ref)
    if not isinstance(page, PublicPage) or not any(c.platform == platform for c in page.cards):
        return None
    month = Month.parse(page.entry.month) if page.entry.month else None
    rendered = vignette_cards(ws, ref, month)
    return card_png(ws, rendered.key, platform)


def with_labels(entry: GalleryEntry, ws: Workspace) -> tuple[str, ...]:
    """`entry`'s impact categories as the vocabulary names them."""
    return tuple(ws.config.importing.vocabulary.labels(entry.impact_categories))
