"""Measuring and drawing runs of text with Pillow, exactly as the layout measured them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from cards.fonts import EMOJI_NATIVE_SIZE, ITALIC_CHAIN, REGULAR_CHAIN, Face, font
from cards.glyphs import Run, segment, words
from cards.layout import Line, Word
from vignettes.caching import memoised
from vignettes.text import graphemes


@dataclass(frozen=True)
class TextStyle:
    """How one box's text is set: weight on the variable axis, italic, line spacing."""

    weight: int = 400
    italic: bool = False
    line_spacing: float = 1.25

    @property
    def chain(self) -> tuple[Face, ...]:
        return ITALIC_CHAIN if self.italic else REGULAR_CHAIN


@memoised("run widths", "the run (text and face), the size and the weight", 4 * 1024 * 1024)
def run_width(run: Run, size: int, weight: int) -> float:
    if run.face is Face.EMOJI:
        return font(Face.EMOJI, size).getlength(run.text) * size / EMOJI_NATIVE_SIZE
    return font(run.face, size, weight).getlength(run.text)


@lru_cache(maxsize=512)
def _metrics(face: Face, size: int, weight: int) -> tuple[int, int]:
    return font(face, size, weight).getmetrics()


@memoised(
    "emoji images",
    "the emoji and the size",
    32 * 1024 * 1024,
    size_of=lambda found: found[0].width * found[0].height * 4,
)
def emoji_image(text: str, size: int) -> tuple[Image.Image, float]:
    """`text` in colour emoji at 109 px scaled to `size`, and its ascent above the baseline."""
    emoji = font(Face.EMOJI, size)
    ascent, descent = emoji.getmetrics()
    width = max(1, math.ceil(emoji.getlength(text)))
    canvas = Image.new("RGBA", (width, ascent + descent), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((0, ascent), text, font=emoji, embedded_color=True, anchor="ls")
    k = size / EMOJI_NATIVE_SIZE
    scaled = canvas.resize(
        (max(1, round(width * k)), max(1, round((ascent + descent) * k))),
        Image.Resampling.LANCZOS,
    )
    return scaled, ascent * k


def line_runs(line: Line, style: TextStyle) -> list[Run]:
    """The runs a line is drawn as: words joined by spaces, same-face neighbours merged so
    kerning and shaping work across them."""
    base = style.chain[0]
    out: list[Run] = []

    def add(run: Run) -> None:
        if out and out[-1].face is run.face:
            out[-1] = Run(out[-1].text + run.text, run.face)
        else:
            out.append(run)

    for i, piece in enumerate(line):
        if i and piece.glue:
            add(Run(" ", base))
        for run in piece.word:
            add(run)
    return out


class PillowMetrics:
    """`layout.Metrics` for one text style, backed by the cached fonts."""

    def __init__(self, style: TextStyle) -> None:
        self.style = style
        self._base = style.chain[0]

    def word_width(self, word: Word, size: int) -> float:
        return sum(run_width(run, size, self.style.weight) for run in word)

    def line_width(self, line: Line, size: int) -> float:
        return sum(run_width(run, size, self.style.weight) for run in line_runs(line, self.style))

    def space_width(self, size: int) -> float:
        return run_width(Run(" ", self._base), size, self.style.weight)

    def ascent(self, size: int) -> float:
        return float(_metrics(self._base, size, self.style.weight)[0])

    def descent(self, size: int) -> float:
        return float(_metrics(self._base, size, self.style.weight)[1])

    def split(self, word: Word) -> list[Word]:
        return [(Run(c, run.face),) for run in word for c in graphemes(run.text)]


def prepare(text: str, style: TextStyle, field: str) -> list[Word]:
    """Clean `text` and give each word its font runs; raises MissingGlyphError."""
    return [segment(w, style.chain, field) for w in words(text)]


def draw_line(
    image: Image.Image,
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    line: Line,
    style: TextStyle,
    size: int,
    fill: str,
) -> float:
    """Draw `line` with its baseline at xy; returns the width drawn."""
    x, baseline = xy
    start = x
    for run in line_runs(line, style):
        if run.face is Face.EMOJI:
            picture, ascent = emoji_image(run.text, size)
            image.paste(picture, (round(x), round(baseline - ascent)), picture)
        elif run.text.strip():
            draw.text(
                (x, baseline),
                run.text,
                font=font(run.face, size, style.weight),
                fill=fill,
                anchor="ls",
            )
        x += run_width(run, size, style.weight)
    return x - start
