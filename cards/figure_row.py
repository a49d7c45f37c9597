"""The key-figure row: each figure's number large, its label smaller on the same baseline.

`£86,500 saved │ 15 hours saved`: figures left to right in reading order (money first,
see cards/figures.py), a thin pale divider between two. The row is one line; its size is
the largest, up to the caller's cap, at which the whole row fits the width.
"""

from __future__ import annotations

from dataclasses import dataclass

from cards.boxes import Box
from cards.errors import TextOverflowError
from cards.figures import KeyFigure
from cards.fonts import Face, font
from cards.layout import FittedText, Line, Piece
from cards.placing import Placer
from cards.styles import FIGURE, FIGURE_LABEL
from cards.typeset import PillowMetrics, TextStyle, prepare

FIGURE_MIN = 40.0  # design px at 1200×627; the number never gets smaller than this
LABEL_RATIO = 0.4  # label size / number size
LABEL_MIN = 20.0


@dataclass(frozen=True)
class FigureRow:
    """Where the row ended up: its box and the number size used."""

    box: Box
    size: int


def one_line(field: str, line: Line, style: TextStyle, size: int) -> FittedText:
    """`line` set at exactly `size`, never wrapped (a figure is read as one unit)."""
    metrics = PillowMetrics(style)
    return FittedText(
        field=field,
        size=size,
        lines=(line,),
        widths=(metrics.line_width(line, size),),
        line_height=size * style.line_spacing,
        ascent=metrics.ascent(size),
        descent=metrics.descent(size),
    )


def as_line(text: str, style: TextStyle, field: str) -> Line:
    """`text` as one line of words; raises MissingGlyphError naming `field`."""
    return tuple(Piece(word) for word in prepare(text, style, field))


def _set(
    p: Placer, figures: tuple[KeyFigure, ...], size: int
) -> tuple[list[tuple[FittedText, FittedText]], float, float]:
    """Each figure's number and label at `size`; the gap number→label; the row's width."""
    label_size = max(p.px(LABEL_MIN), round(size * LABEL_RATIO))
    parts = []
    for f in figures:
        number = one_line(f.field, as_line(f.number, FIGURE, f.field), FIGURE, size)
        label = one_line(
            f"{f.field} label", as_line(f.label, FIGURE_LABEL, f.field), FIGURE_LABEL, label_size
        )
        parts.append((number, label))
    gap = round(size * 0.16)
    width = sum(n.width + gap + lab.width for n, lab in parts)
    width += (len(parts) - 1) * divider_span(size)
    return parts, gap, width


def divider_span(size: int) -> int:
    """The space between two figures, the divider in its middle."""
    return 2 * round(size * 0.5) + max(1, round(size / 30))


def plan_figures(
    p: Placer, figures: tuple[KeyFigure, ...], x: float, top: float, width: float, cap: float
) -> FigureRow:
    """Place the row with its top at `top`, at most `width` wide, the number at most `cap`
    design px; returns where it went. Raises TextOverflowError naming the figure's field
    (or both) when the row is wider than `width` even at the minimum size."""
    smallest = p.px(FIGURE_MIN)
    for size in range(max(p.px(cap), smallest), smallest - 1, -1):
        parts, gap, row_w = _set(p, figures, size)
        if row_w <= width:
            break
    else:
        alone = [
            f.field
            for f, (n, lab) in zip(figures, parts, strict=True)
            if n.width + gap + lab.width > width
        ]
        field = alone[0] if alone else " and ".join(f.field for f in figures)
        raise TextOverflowError(
            field,
            f"the key figures need {row_w:.0f} px at the minimum size {smallest} px, the row "
            f"has {width:.0f} px (overflows by {row_w - width:.0f} px)",
        )
    row = Box(x, top, row_w, max(n.height for n, _ in parts))
    p.panels.append(("figures", row, "card"))
    _place_row(p, parts, row, gap, size)
    return FigureRow(row, size)


def _place_row(
    p: Placer, parts: list[tuple[FittedText, FittedText]], row: Box, gap: float, size: int
) -> None:
    """Numbers and labels left to right on one baseline, a divider between figures."""
    baseline = row.y + parts[0][0].ascent
    left = row.x
    for i, (number, label) in enumerate(parts):
        if i:
            span, rule = divider_span(size), max(1, round(size / 30))
            _, ink_top, _, _ = font(Face.ARIMO, size, FIGURE.weight).getbbox("0", anchor="ls")
            # The divider rises from the baseline to the top of the digits.
            divider = Box(left + (span - rule) / 2, baseline + ink_top, rule, -ink_top)
            p.panels.append(("divider", divider, "figures"))
            left += span
        box = Box(left, row.y, number.width, number.height)
        p.place(number.field, number, FIGURE, box, "light", "figures")
        left += number.width + gap
        box = Box(left, baseline - label.ascent, label.width, label.height)
        p.place(label.field, label, FIGURE_LABEL, box, "light", "figures")
        left += label.width
