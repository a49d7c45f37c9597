"""A case study as a card: plan the boxes (cards/planner.py), paint (cards/paint.py), encode.

This is the public entry point; the names callers used before the split into planner,
painting and geometry modules are still importable from here.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from cards.alt_text import alt_text
from cards.boxes import Box, CardLayout, Pill, PlacedText
from cards.brand import Brand
from cards.errors import CardError, CardTooLargeError
from cards.paint import paint
from cards.planner import plan_card
from cards.png import encode_png
from cards.spec import LINKEDIN_SIZE, SQUARE_SIZE, X_SIZE, CardSpec
from vignettes.content import QUOTE_WITHHELD, CaseStudyContent

__all__ = [
    "LINKEDIN_SIZE",
    "MAX_PNG_BYTES",
    "NO_CONSENT_WARNING",
    "SQUARE_SIZE",
    "X_SIZE",
    "Box",
    "CardLayout",
    "CardSpec",
    "Pill",
    "PlacedText",
    "RenderedCard",
    "paint",
    "plan_card",
    "render_card",
]

MAX_PNG_BYTES = 5 * 1024 * 1024  # X's image limit; LinkedIn allows more
NO_CONSENT_WARNING = QUOTE_WITHHELD


@dataclass(frozen=True)
class RenderedCard:
    platform: str
    png: bytes
    width: int
    height: int
    alt_text: str
    warnings: tuple[str, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


def load_logo(data: bytes) -> Image.Image:
    """The organisation's logo file as RGBA; raises CardError when it is not an image."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            return opened.convert("RGBA")
    except (UnidentifiedImageError, OSError) as exc:
        raise CardError(f"logo is not a readable image: {exc}") from None


def render_card(
    content: CaseStudyContent, spec: CardSpec, brand: Brand, *, logo_png: bytes | None = None
) -> RenderedCard:
    """The card PNG and its alt text for one platform.

    Deterministic: the same content, spec, brand, logo and fonts give the same bytes.
    Raises BrandContrastError, TextOverflowError, MissingGlyphError, CardTooLargeError,
    or CardError for an unreadable logo."""
    brand.check()
    logo = load_logo(logo_png) if logo_png else None
    warnings: list[str] = []
    if content.quote_text.strip() and not content.quote_consent:
        warnings.append(NO_CONSENT_WARNING)
    layout = plan_card(content, spec, brand, logo.size if logo else None)
    png = encode_png(paint(layout, brand, logo))
    if len(png) > MAX_PNG_BYTES:
        raise CardTooLargeError(
            f"card for {spec.platform} is {len(png)} bytes, more than {MAX_PNG_BYTES} allowed"
        )
    return RenderedCard(
        platform=spec.platform,
        png=png,
        width=layout.width,
        height=layout.height,
        alt_text=alt_text(content, spec.month, spec.alt_text_limit),
        warnings=tuple(warnings),
    )
