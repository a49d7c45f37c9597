"""Rendering from the daemon's side: one case study snapshot → card, alt text and post text
per platform, stamped with the content hash of exactly the snapshot that was rendered.

The publishing pipeline compares `RenderedVignette.content_hash` with the hash recorded at
approval before sending (invariant 1); this module does not look at approval at all, so the
preview can render a case study that is not approved yet.

Pure apart from reading the configured logo file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from cards.brand import Brand
from cards.errors import CardError
from cards.render import CardSpec, RenderedCard, render_card
from cards.shrink import fit_png
from scheduler.config import PLATFORM_NAMES, Config, PostTemplate
from scheduler.errors import ConfigError, SchedulerError
from scheduler.publishing.compose import ComposedPost, compose_linkedin, compose_x
from scheduler.publishing.compose_bluesky import compose_bluesky
from vignettes.content import CaseStudyContent

PLATFORMS = PLATFORM_NAMES
X_ALT_TEXT_LIMIT = 1000
# Bluesky's image embed takes at most 1,000,000 bytes; a bigger card is re-encoded to fit.
MAX_IMAGE_BYTES: Mapping[str, int] = {"bluesky": 1_000_000}

CardPlatform = Literal["x", "linkedin", "bluesky"]
_Composer = Callable[[CaseStudyContent, PostTemplate, dt.date | None], ComposedPost]
_COMPOSERS: Mapping[str, _Composer] = {
    "x": compose_x,
    "linkedin": compose_linkedin,
    "bluesky": compose_bluesky,
}


class RenderError(SchedulerError):
    """A vignette cannot be rendered: unknown platform, unreadable logo, or a card whose
    text does not fit or cannot be drawn (the `CardError` is kept as `__cause__`)."""


@dataclass(frozen=True)
class RenderedPost:
    """Everything one platform will show. `text` is exactly what is sent (LinkedIn: little
    text); `text_length` is what the platform counts (X: weighted), ≤ `text_limit`."""

    platform: str
    text: str
    text_length: int
    text_limit: int
    card: RenderedCard
    alt_text: str
    warnings: tuple[str, ...]
    alt_text_limit: int


@dataclass(frozen=True)
class RenderedVignette:
    """The posts for one case study, in the order the platforms were asked for."""

    ref: str
    content_hash: str
    month: dt.date | None
    posts: tuple[RenderedPost, ...]

    def post(self, platform: str) -> RenderedPost:
        """The post for `platform`; raises KeyError if it was not rendered."""
        for post in self.posts:
            if post.platform == platform:
                return post
        raise KeyError(platform)

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(post.platform for post in self.posts)


def brand_from_config(config: Config) -> Brand:
    """The card brand from `[cards.brand]`; raises ConfigError (exit 78) naming every colour
    pair below WCAG AA contrast and its ratio."""
    b = config.cards.brand
    brand = Brand(
        primary=b.primary, dark=b.dark, light=b.light, pale=b.pale, footer_text=b.footer_text
    )
    problems = brand.contrast_problems()
    if problems:
        raise ConfigError(str(config.path), [f"cards.brand: {p}" for p in problems])
    return brand


def card_spec(config: Config, platform: str, month: dt.date | None) -> CardSpec:
    """Size and alt-text limit for `platform`'s card, from config (X alt text: 1000).
    Raises ConfigError for a card size the renderer does not accept."""
    key, size, limit = {
        "x": ("x_size", config.cards.x_size, X_ALT_TEXT_LIMIT),
        "bluesky": ("bluesky_size", config.cards.bluesky_size, X_ALT_TEXT_LIMIT),
    }.get(
        platform,
        ("linkedin_size", config.cards.linkedin_size, config.cards.linkedin_alt_text_limit),
    )
    try:
        return CardSpec(
            platform=cast(CardPlatform, platform if platform in _COMPOSERS else "linkedin"),
            size=size,
            month=month,
            alt_text_limit=limit,
        )
    except ValueError as exc:
        raise ConfigError(str(config.path), [f"cards.{key}: {exc}"]) from exc


def _within_limit(platform: str, card: RenderedCard) -> RenderedCard:
    """The card re-encoded (still PNG) when the platform takes fewer bytes than it has."""
    limit = MAX_IMAGE_BYTES.get(platform)
    if limit is None or len(card.png) <= limit:
        return card
    png = fit_png(card.png, limit)
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    return dataclasses.replace(card, png=png, width=width, height=height)


def read_logo(config: Config) -> bytes | None:
    """The configured logo's bytes, or None when no logo is configured."""
    path: Path | None = config.cards.logo
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RenderError(f"cards.logo: cannot read {path}: {exc.strerror}") from exc


def render_vignette(
    content: CaseStudyContent,
    config: Config,
    month: dt.date | None,
    *,
    platforms: Sequence[str],
) -> RenderedVignette:
    """Render card, alt text and post text for each of `platforms` (see `PLATFORMS`).

    Raises RenderError (unknown platform, unreadable logo, a card that cannot be drawn),
    ComposeError (a post that cannot fit its platform) and ConfigError (brand contrast);
    all are SchedulerErrors.
    """
    unknown = [p for p in platforms if p not in PLATFORMS]
    if unknown or not platforms:
        raise RenderError(
            f"case study {content.ref}: platforms must be some of {', '.join(PLATFORMS)}, "
            f"got {', '.join(map(repr, platforms)) or 'none'}"
        )
    brand = brand_from_config(config)
    logo = read_logo(config)
    posts = []
    for platform in dict.fromkeys(platforms):
        composed = _COMPOSERS[platform](content, config.platforms.get(platform).post, month)
        spec = card_spec(config, platform, month)
        try:
            card = _within_limit(platform, render_card(content, spec, brand, logo_png=logo))
        except CardError as exc:
            message = str(exc)
            if not message.startswith("case study "):
                message = f"case study {content.ref}: {message}"
            raise RenderError(f"{message} ({platform} card)") from exc
        posts.append(
            RenderedPost(
                platform=platform,
                text=composed.text,
                text_length=composed.length,
                text_limit=composed.limit,
                card=card,
                alt_text=card.alt_text,
                # The same fact (say, a quote left out) may come from both; say it once.
                warnings=tuple(dict.fromkeys((*composed.warnings, *card.warnings))),
                alt_text_limit=spec.alt_text_limit,
            )
        )
    return RenderedVignette(
        ref=content.ref, content_hash=content.content_hash(), month=month, posts=tuple(posts)
    )
