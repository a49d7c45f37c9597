"""The story column: headline, summary and impact labels, top to bottom."""

from __future__ import annotations

from cards.boxes import Box, Pill
from cards.errors import TextOverflowError
from cards.fonts import Face, font
from cards.layout import Piece
from cards.placing import Placer
from cards.styles import HEADLINE, LABEL, SUMMARY
from cards.typeset import PillowMetrics, prepare


def plan_story(p: Placer, area: Box, *, stacked: bool, head_cap: float | None = None) -> float:
    """Headline, summary and impact labels down one column; returns the bottom used.

    The headline may take up to 56% of the height; if the summary then cannot fit, the
    headline drops to its minimum size and the summary gets the room that frees. Beside
    a quote the labels sit at the column's foot; stacked, they follow the summary.
    `head_cap` (design px) keeps the headline below a key figure's size.
    Raises TextOverflowError naming the field that does not fit."""
    labels, labels_h = plan_pills(p, area.w) if p.c.impact_labels else ([], 0.0)
    label_gap = p.px(26)
    room = area.h - (labels_h + label_gap if labels else 0)
    gap = p.px(20)
    head_max, summary_max = (76.0, 34.0) if stacked else (58.0, 28.0)
    if head_cap is not None:
        head_max = max(32.0, min(head_max, head_cap))
    failure: TextOverflowError | None = None
    for headline_sizes in ((head_max, 32.0), (32.0, 32.0)):
        head = p.fit(
            "headline",
            p.c.headline,
            HEADLINE,
            Box(0, 0, area.w, room * 0.56),
            headline_sizes,
            balance=True,
        )
        largest = min(summary_max, head.size / p.s * 0.6)
        try:
            summary = p.fit(
                "summary",
                p.c.summary,
                SUMMARY,
                Box(0, 0, area.w, room - head.height - gap),
                (largest, min(18.0, largest)),
            )
        except TextOverflowError as exc:
            failure = exc
            continue
        y = area.y
        p.place("headline", head, HEADLINE, Box(area.x, y, area.w, head.height), "light")
        y += head.height + gap
        p.place("summary", summary, SUMMARY, Box(area.x, y, area.w, summary.height), "light")
        y += summary.height
        if labels:
            top = y + label_gap if stacked else area.bottom - labels_h
            for pill in labels:
                box = Box(area.x + pill.box.x, top + pill.box.y, pill.box.w, pill.box.h)
                p.pills.append(Pill(box, pill.line, pill.size, top + pill.baseline))
            y = top + labels_h
        return y
    assert failure is not None
    raise failure


def plan_pills(p: Placer, width: float) -> tuple[list[Pill], float]:
    """Impact labels as pale pills, at most two rows, positioned relative to (0, 0);
    returns them and their height. Raises TextOverflowError for impact_categories."""
    metrics = PillowMetrics(LABEL)
    labels = [
        tuple(Piece(w) for w in prepare(label, LABEL, "impact_categories"))
        for label in p.c.impact_labels
    ]
    rows = 0
    smallest = p.px(13)
    for size in range(p.px(17), smallest - 1, -1):
        pad_x, pill_h, gap = round(size * 0.85), round(size * 2.0), round(size * 0.55)
        widths = [metrics.line_width(line, size) + 2 * pad_x for line in labels]
        if max(widths) > width:
            rows = 99
            continue
        placed: list[tuple[int, float, float]] = []  # (row, x, width)
        row, x = 0, 0.0
        for w in widths:
            if x and x + w > width:
                row, x = row + 1, 0.0
            placed.append((row, x, w))
            x += w + gap
        rows = row + 1
        if rows > 2:
            continue
        _, cap_top, _, _ = font(Face.ARIMO, size, LABEL.weight).getbbox("H", anchor="ls")
        pills = []
        for line, (r, left, w) in zip(labels, placed, strict=True):
            y = r * (pill_h + gap)
            pills.append(Pill(Box(left, y, w, pill_h), line, size, y + (pill_h - cap_top) / 2))
        return pills, float(rows * pill_h + (rows - 1) * gap)
    raise TextOverflowError(
        "impact_categories",
        f"the labels need {rows if rows < 99 else 'more than 2'} rows at the minimum size "
        f"{smallest} px, 2 fit",
    )
