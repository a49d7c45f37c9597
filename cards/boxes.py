"""The placed layout: boxes, fitted texts at their boxes, label pills, the whole card.

Everything here is plain geometry in pixels (origin top left); nothing measures or draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cards.layout import FittedText, Line
from cards.typeset import TextStyle


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    def moved(self, dy: float) -> Box:
        return Box(self.x, self.y + dy, self.w, self.h)

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def contains(self, other: Box) -> bool:
        eps = 0.5
        return (
            self.x - eps <= other.x
            and self.y - eps <= other.y
            and other.right <= self.right + eps
            and other.bottom <= self.bottom + eps
        )


@dataclass(frozen=True)
class PlacedText:
    """A fitted text at its box; `align` right puts each line flush with the box's right edge."""

    name: str
    box: Box
    fitted: FittedText
    style: TextStyle
    colour: str  # brand role
    align: Literal["left", "right"] = "left"

    @property
    def extent(self) -> Box:
        """Where the text actually is (for the no-overlap tests)."""
        x = self.box.right - self.fitted.width if self.align == "right" else self.box.x
        return Box(x, self.box.y, self.fitted.width, self.fitted.height)


@dataclass(frozen=True)
class Pill:
    box: Box
    line: Line
    size: int
    baseline: float


@dataclass(frozen=True)
class CardLayout:
    """Everything placed: panels (name, box, parent name), texts and labels."""

    width: int
    height: int
    panels: tuple[tuple[str, Box, str], ...]
    texts: tuple[tuple[PlacedText, str], ...]  # (text, parent panel)
    pills: tuple[Pill, ...]
    quote_mark: tuple[float, float, int] | None  # x, baseline, size
    logo: Box | None
