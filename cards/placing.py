"""The planner's working state: what has been placed so far, and how to fit and place more.

`Sheet` holds the panels, texts and pills placed on one card, scales design sizes (given
for a 1200×627 card) to the card, fits a text to a box with `cards.layout.fit_text`, and can
move everything placed since a checkpoint (to centre a stack). `Placer` is a sheet for one
case study's card: the parts of that card (cards/story.py, cards/quote_panel.py,
cards/figure_row.py, cards/planner.py) place through one `Placer` each; the impact-in-numbers
card (cards/impact/card.py) places on a plain `Sheet`. Either way boxes are only ever added
below or beside earlier ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from cards.boxes import Box, Pill, PlacedText
from cards.brand import Brand
from cards.layout import FittedText, fit_text
from cards.spec import CardSpec
from cards.typeset import PillowMetrics, TextStyle, prepare
from vignettes.content import CaseStudyContent

Mark = tuple[float, float, int]  # the quotation mark: x, baseline, size
Checkpoint = tuple[int, int, int]


@dataclass
class Sheet:
    """One card's placed boxes so far; `s` scales design pixels to this card's size."""

    spec: CardSpec
    brand: Brand
    texts: list[tuple[PlacedText, str]] = field(default_factory=list)
    panels: list[tuple[str, Box, str]] = field(default_factory=list)
    pills: list[Pill] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.w, self.h = self.spec.size
        self.s = min(self.w / 1200, self.h / 627)
        self.panels.append(("card", Box(0, 0, self.w, self.h), ""))

    def px(self, value: float) -> int:
        return max(1, round(value * self.s))

    def fit(
        self,
        name: str,
        text: str,
        style: TextStyle,
        box: Box,
        sizes: tuple[float, float],
        *,
        max_lines: int | None = None,
        balance: bool = False,
    ) -> FittedText:
        """`text` fitted to `box` between design sizes sizes[0] and sizes[1] (scaled);
        raises TextOverflowError or MissingGlyphError naming `name`."""
        words = prepare(text, style, name)
        largest, smallest = self.px(sizes[0]), self.px(sizes[1])
        return fit_text(
            name,
            words,
            PillowMetrics(style),
            width=box.w,
            height=box.h,
            max_size=largest,
            min_size=smallest,
            line_spacing=style.line_spacing,
            max_lines=max_lines,
            balance=balance,
        )

    def place(
        self,
        name: str,
        fitted: FittedText,
        style: TextStyle,
        box: Box,
        colour: str,
        parent: str = "card",
        align: Literal["left", "right"] = "left",
    ) -> PlacedText:
        placed = PlacedText(
            name, Box(box.x, box.y, box.w, fitted.height), fitted, style, colour, align
        )
        self.texts.append((placed, parent))
        return placed

    def checkpoint(self) -> Checkpoint:
        return len(self.panels), len(self.texts), len(self.pills)

    def rollback(self, since: Checkpoint) -> None:
        """Forget what was placed since `since` (to plan that part again another way)."""
        panels, texts, pills = since
        del self.panels[panels:], self.texts[texts:], self.pills[pills:]

    def centre(self, since: Checkpoint, area: Box, bottom: float, mark: Mark | None) -> Mark | None:
        """Move what was placed since `since` down so it sits centred in `area`."""
        dy = max(0.0, (area.bottom - bottom) / 2)
        panels, texts, pills = since
        for i in range(panels, len(self.panels)):
            name, b, parent = self.panels[i]
            self.panels[i] = (name, b.moved(dy), parent)
        for i in range(texts, len(self.texts)):
            t, parent = self.texts[i]
            self.texts[i] = (replace(t, box=t.box.moved(dy)), parent)
        for i in range(pills, len(self.pills)):
            q = self.pills[i]
            self.pills[i] = replace(q, box=q.box.moved(dy), baseline=q.baseline + dy)
        return (mark[0], mark[1] + dy, mark[2]) if mark else None


@dataclass
class Placer(Sheet):
    """A sheet for one case study's card: its parts read the content from `c`."""

    c: CaseStudyContent = field(kw_only=True)
