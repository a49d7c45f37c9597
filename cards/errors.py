"""The `cards` package's exceptions: one root, each subclass naming what went wrong."""

from __future__ import annotations

import unicodedata


class CardError(Exception):
    """A card could not be rendered; the message says which field or setting and why."""


def _where(ref: str, card: str) -> str:
    """What the message is about: `case study ICS-2026-001: `, `impact card 2026 Q3: `."""
    if ref:
        return f"case study {ref}: "
    return f"{card}: " if card else ""


class TextOverflowError(CardError):
    """A text does not fit its box even at the box's minimum size (never clipped instead)."""

    def __init__(self, field: str, overflow: str, *, ref: str = "", card: str = "") -> None:
        self.field = field
        self.overflow = overflow
        self.ref = ref
        super().__init__(f"{_where(ref, card)}{field} does not fit on the card: {overflow}")


class MissingGlyphError(CardError):
    """A character is in none of the card fonts, so it would be drawn as a tofu box."""

    def __init__(self, char: str, field: str, *, ref: str = "", card: str = "") -> None:
        self.char = char
        self.codepoint = f"U+{ord(char):04X}"
        self.field = field
        self.ref = ref
        name = unicodedata.name(char, "unnamed character")
        super().__init__(
            f"{_where(ref, card)}{field}: character {char!r} ({self.codepoint} {name}) is in "
            "none of the card fonts (Arimo, Noto Sans, Noto Color Emoji), so it cannot be drawn"
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


class ImpactNumbersError(CardError):
    """The figures for an impact-in-numbers card are not ones a card can show: a count that
    is not a whole number from 0 up, an amount that is negative, NaN or infinite, or a
    period or scope that is empty or too long. The message names the field."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"impact card: {field} {problem}")
