"""The `cards` package's exceptions: one root, each subclass naming what went wrong."""

from __future__ import annotations

import unicodedata


class CardError(Exception):
    """A card could not be rendered; the message says which field or setting and why."""


class TextOverflowError(CardError):
    """A text does not fit its box even at the box's minimum size (never clipped instead)."""

    def __init__(self, field: str, overflow: str, *, ref: str = "") -> None:
        self.field = field
        self.overflow = overflow
        self.ref = ref
        where = f"case study {ref}: " if ref else ""
        super().__init__(f"{where}{field} does not fit on the card: {overflow}")


class MissingGlyphError(CardError):
    """A character is in none of the card fonts, so it would be drawn as a tofu box."""

    def __init__(self, char: str, field: str, *, ref: str = "") -> None:
        self.char = char
        self.codepoint = f"U+{ord(char):04X}"
        self.field = field
        self.ref = ref
        name = unicodedata.name(char, "unnamed character")
        where = f"case study {ref}: " if ref else ""
        super().__init__(
            f"{where}{field}: character {char!r} ({self.codepoint} {name}) is in none of the "
            "card fonts (Arimo, Noto Sans, Noto Color Emoji), so it cannot be drawn"
        )


class BrandContrastError(CardError):
    """A brand colour pair the layout uses is below WCAG AA contrast."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("brand colours fail WCAG AA contrast: " + "; ".join(problems))


class CardTooLargeError(CardError):
    """The encoded PNG is larger than the platforms accept."""


class FigureError(CardError):
    """A key figure is not a number a card can show (negative, NaN or infinite)."""

    def __init__(self, field: str, value: float, *, ref: str = "") -> None:
        self.field = field
        self.value = value
        self.ref = ref
        where = f"case study {ref}: " if ref else ""
        super().__init__(f"{where}{field} must be a number from 0 upwards, got {value!r}")
