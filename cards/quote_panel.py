"""The quote panel: a large quotation mark, the quote in italic and its attribution."""

from __future__ import annotations

from cards.boxes import Box
from cards.fonts import Face, font
from cards.layout import FittedText
from cards.placing import Mark, Placer
from cards.styles import ATTRIBUTION, QUOTE


def _quote_parts(
    p: Placer, quote: str, width: float, height: float
) -> tuple[FittedText, FittedText | None, tuple[float, float, int, float]]:
    """Fit the quote and attribution inside a panel of width × height (padding included);
    returns them and the quotation mark (x offset, baseline offset, size, height)."""
    pad = p.px(30)
    inner_w = width - 2 * pad
    mark_size = p.px(84)
    left, ink_top, _, ink_bottom = font(Face.ARIMO, mark_size, 700).getbbox("“", anchor="ls")
    mark_h = ink_bottom - ink_top + p.px(6)
    by = p.c.quote_attribution.strip()
    attribution = None
    if by:
        attribution = p.fit(
            "quote_attribution",
            f"— {by}",
            ATTRIBUTION,
            Box(0, 0, inner_w, height),
            (18, 13),
            max_lines=3,
        )
    attr_h = attribution.height + p.px(14) if attribution else 0
    room = height - 2 * pad - mark_h - attr_h
    text = p.fit("quote_text", quote, QUOTE, Box(0, 0, inner_w, room), (27, 15))
    return text, attribution, (-left, -ink_top, mark_size, mark_h)


def quote_height(p: Placer, quote: str, width: float, height: float) -> float:
    """The height the quote panel needs at `width`, given at most `height`; raises
    TextOverflowError for quote_text or quote_attribution."""
    text, attribution, mark = _quote_parts(p, quote, width, height)
    attr_h = attribution.height + p.px(14) if attribution else 0
    return 2 * p.px(30) + mark[3] + text.height + attr_h


def plan_quote(p: Placer, quote: str, panel: Box) -> Mark:
    """The pale quote panel: a large quotation mark, the quote in italic, attribution,
    centred vertically in `panel`; returns the quotation mark. Raises TextOverflowError."""
    pad = p.px(30)
    inner_w = panel.w - 2 * pad
    text, attribution, (dx, dy, mark_size, mark_h) = _quote_parts(p, quote, panel.w, panel.h)
    gap = p.px(14)
    content_h = mark_h + text.height + (attribution.height + gap if attribution else 0)
    p.panels.append(("quote", panel, "card"))
    y = panel.y + (panel.h - content_h) / 2
    mark = (panel.x + pad + dx, y + dy, mark_size)
    y += mark_h
    p.place("quote_text", text, QUOTE, Box(panel.x + pad, y, inner_w, text.height), "dark", "quote")
    if attribution:
        y += text.height + gap
        p.place(
            "quote_attribution",
            attribution,
            ATTRIBUTION,
            Box(panel.x + pad, y, inner_w, attribution.height),
            "dark",
            "quote",
        )
    return mark
