"""Brand colours and the WCAG 2.x contrast check for every text/background pair a card uses."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cards.errors import BrandContrastError

NORMAL_TEXT = 4.5  # WCAG 2.x AA, SC 1.4.3
LARGE_TEXT = 3.0  # 18 pt (24 px) regular or 14 pt (18.66 px) bold and larger

# (text colour role, background role, minimum ratio, what the layout draws with it).
# Keep in step with cards/paint.py: a pair drawn there must be listed here. The key figures
# are light on primary too, so the first pair covers them; the divider between two figures
# is decoration (pale on primary), not text. The impact-in-numbers card (cards/impact/card.py)
# draws its period light on primary, its figures dark on pale tiles, its footer light on dark.
TEXT_PAIRS: tuple[tuple[str, str, float, str], ...] = (
    ("light", "primary", NORMAL_TEXT, "month, headline and summary; impact card period"),
    ("dark", "pale", NORMAL_TEXT, "quote, attribution and impact labels; impact card figures"),
    ("primary", "pale", LARGE_TEXT, "large quotation mark"),
    ("light", "dark", NORMAL_TEXT, "footer"),
)


@dataclass(frozen=True)
class Brand:
    """Colour roles as `#RRGGBB` plus the footer line; the default is NHS-style.

    `primary` is the card background, `dark` the footer band, `light` the text on both,
    `pale` the quote panel and labels. No NHS logo is ever drawn: a logo comes only from
    the organisation's own file.
    """

    primary: str = "#005EB8"  # NHS Blue
    dark: str = "#003087"  # NHS Dark Blue
    light: str = "#FFFFFF"
    pale: str = "#E8EDEE"  # NHS Pale Grey
    footer_text: str = "NHS Knowledge and Library Services"

    def colour(self, role: str) -> str:
        value: str = getattr(self, role)
        return value

    def contrast_problems(self) -> list[str]:
        """Each pair below its WCAG AA minimum, e.g. `text light #FFFFFF on primary #00A0E0
        has contrast 2.79:1, needs 4.5:1 (month, headline and summary; …)`; empty when all pass."""
        problems = []
        for fg, bg, needed, used_for in TEXT_PAIRS:
            ratio = contrast_ratio(self.colour(fg), self.colour(bg))
            if ratio < needed:
                # Floor, not round: 4.496 must not print as a passing "4.5".
                shown = math.floor(ratio * 100) / 100
                problems.append(
                    f"text {fg} {self.colour(fg)} on {bg} {self.colour(bg)} has contrast "
                    f"{shown:.2f}:1, needs {needed:g}:1 ({used_for})"
                )
        return problems

    def check(self) -> None:
        """Raises BrandContrastError listing every failing pair."""
        problems = self.contrast_problems()
        if problems:
            raise BrandContrastError(problems)


def parse_hex(colour: str) -> tuple[int, int, int]:
    """`#RRGGBB` → (r, g, b); raises ValueError for anything else."""
    text = colour.strip().lstrip("#")
    if len(text) != 6:
        raise ValueError(f"{colour!r} is not a colour like '#005EB8'")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    r, g, b = parse_hex(colour)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG 2.x contrast ratio between two `#RRGGBB` colours, from 1.0 to 21.0."""
    a, b = relative_luminance(fg), relative_luminance(bg)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)
