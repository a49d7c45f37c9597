"""The layout planner: where each part of a card goes, every text fitted to its box.

Landscape cards (X 1200×675, LinkedIn 1200×627) put the headline, summary and impact
labels on the left and the quote panel on the right; square cards stack them. A case study
with a quantified impact leads with its key figures, in a row under the month line. Every box
is placed below or beside the previous one, so boxes cannot overlap, and every text is
fitted to its box or the plan fails with TextOverflowError: nothing is ever clipped.
"""

from __future__ import annotations

from cards.alt_text import month_label
from cards.boxes import Box, CardLayout
from cards.brand import Brand
from cards.errors import MissingGlyphError, TextOverflowError
from cards.figure_row import plan_figures
from cards.figures import KeyFigure, key_figures
from cards.layout import FittedText
from cards.placing import Checkpoint, Mark, Placer, Sheet
from cards.quote_panel import plan_quote, quote_height
from cards.spec import CardSpec
from cards.story import plan_story
from cards.styles import FOOTER, KICKER, ORGANISATION
from vignettes.content import CaseStudyContent

# The key figures' largest number size (design px) on each try, largest first; the last
# is the minimum, FIGURE_MIN in cards/figure_row.py.
FIGURE_CAPS = (88.0, 72.0, 56.0, 40.0)
STACKED_FIGURE_CAPS = (112.0, 88.0, 72.0, 56.0, 40.0)  # a square card has the height
HEADLINE_TO_FIGURE = 1.3  # the headline is at most the figure size / this


def plan_card(
    content: CaseStudyContent, spec: CardSpec, brand: Brand, logo_size: tuple[int, int] | None
) -> CardLayout:
    """Place and fit everything; raises TextOverflowError or MissingGlyphError naming the
    field and the case study."""
    try:
        return _plan(Placer(spec, brand, c=content), logo_size)
    except TextOverflowError as exc:
        raise TextOverflowError(exc.field, exc.overflow, ref=content.ref) from None
    except MissingGlyphError as exc:
        raise MissingGlyphError(exc.char, exc.field, ref=content.ref) from None


def _plan(p: Placer, logo_size: tuple[int, int] | None) -> CardLayout:
    pad, top = p.px(56), p.px(44)
    footer = Box(0, p.h - p.px(92), p.w, p.px(92))
    p.panels.append(("footer", footer, "card"))
    plan_footer(p, footer, pad)
    content_bottom = footer.y - p.px(34)
    inner_w = p.w - 2 * pad

    plate: Box | None = None
    logo: Box | None = None
    if logo_size is not None:
        plate, logo = plan_logo(p, logo_size, right=p.w - pad, top=top)
        p.panels.append(("logo", plate, "card"))
    kicker_w = inner_w - (plate.w + p.px(24) if plate else 0)
    label = month_label(p.spec.month) or "Preview"
    kicker_box = Box(pad, top, kicker_w, p.px(44))
    kicker = p.fit(
        "month", f"Library impact · {label}".upper(), KICKER, kicker_box, (17, 13), max_lines=1
    )
    placed = p.place("month", kicker, KICKER, kicker_box, "light")
    figures = key_figures(p.c)
    if figures:
        mark = plan_led_by_figures(p, figures, placed.box, plate, content_bottom)
    else:
        columns_top = max(placed.box.bottom, plate.bottom if plate else 0) + p.px(30)
        mark = plan_columns(p, Box(pad, columns_top, inner_w, content_bottom - columns_top))
    return CardLayout(
        width=p.w,
        height=p.h,
        panels=tuple(p.panels),
        texts=tuple(p.texts),
        pills=tuple(p.pills),
        quote_mark=mark,
        logo=logo,
    )


def plan_led_by_figures(
    p: Placer,
    figures: tuple[KeyFigure, ...],
    kicker: Box,
    plate: Box | None,
    content_bottom: float,
) -> Mark | None:
    """The key-figure row under the month line (left of the logo), then the columns below.

    The row starts as large as FIGURE_CAPS allows and steps down only when the columns
    beneath cannot fit; the headline is kept smaller than the figures' numbers. Raises the
    TextOverflowError of the last try (at the smallest figures) naming its field."""
    inner_w = p.w - 2 * kicker.x
    since = p.checkpoint()
    failure: TextOverflowError | None = None
    stacked = p.w / p.h < 1.4
    for cap in STACKED_FIGURE_CAPS if stacked else FIGURE_CAPS:
        p.rollback(since)
        row = plan_figures(p, figures, kicker.x, kicker.bottom + p.px(8), kicker.w, cap)
        top = max(row.box.bottom + p.px(24), (plate.bottom if plate else 0) + p.px(30))
        area = Box(kicker.x, top, inner_w, content_bottom - top)
        head_cap = row.size / p.s / HEADLINE_TO_FIGURE
        try:
            # Stacked, the figures are centred with the story and quote beneath them.
            return plan_columns(p, area, head_cap, centre_from=since)
        except TextOverflowError as exc:
            failure = exc
    assert failure is not None
    raise failure


def plan_columns(
    p: Placer,
    area: Box,
    head_cap: float | None = None,
    centre_from: Checkpoint | None = None,
) -> Mark | None:
    """The story and the quote panel in `area`: side by side on a landscape card, stacked
    and centred on a square one; returns the quotation mark, if any. `head_cap` (design
    px) caps the headline size; a stacked card centres what was placed since `centre_from`
    (default: the story and quote alone). Raises TextOverflowError."""
    quote = p.c.usable_quote
    inner_w = area.w
    if quote and p.w / p.h >= 1.4:
        gutter = p.px(44)
        left_w = round((inner_w - gutter) * 0.585)
        panel = Box(area.x + left_w + gutter, area.y, inner_w - left_w - gutter, area.h)
        mark = plan_quote(p, quote, panel)
        plan_story(p, Box(area.x, area.y, left_w, area.h), stacked=False, head_cap=head_cap)
        return mark
    if quote:
        # Stacked: the quote panel takes what it needs (at most 42%), the story the rest;
        # the two are then centred together in the space between month and footer.
        gap = p.px(32)
        needed = quote_height(p, quote, area.w, area.h * 0.42)
        mark_at = centre_from or p.checkpoint()
        story_box = Box(area.x, area.y, area.w, area.h - needed - gap)
        story_bottom = plan_story(p, story_box, stacked=True, head_cap=head_cap)
        mark = plan_quote(p, quote, Box(area.x, story_bottom + gap, area.w, needed))
        return p.centre(mark_at, area, story_bottom + gap + needed, mark)
    mark_at = centre_from or p.checkpoint()
    stacked = p.w / p.h < 1.4
    bottom = plan_story(p, area, stacked=stacked, head_cap=head_cap)
    if stacked:
        p.centre(mark_at, area, bottom, None)
    return None


def plan_logo(p: Sheet, size: tuple[int, int], *, right: float, top: float) -> tuple[Box, Box]:
    """A light plate top right holding the organisation's own logo, aspect kept."""
    plate_h, inset = p.px(60), p.px(10)
    k = min((plate_h - 2 * inset) / size[1], (p.px(240) - 2 * inset) / size[0])
    logo_w, logo_h = max(1, round(size[0] * k)), max(1, round(size[1] * k))
    plate = Box(right - logo_w - 2 * inset, top, logo_w + 2 * inset, plate_h)
    return plate, Box(plate.x + inset, plate.y + (plate_h - logo_h) // 2, logo_w, logo_h)


def plan_footer(p: Placer, footer: Box, pad: int) -> None:
    """Organisation (bold) over library service · region on the left, the brand's footer
    text on the right; the left side gets whatever width the footer text leaves."""
    inner_w = p.w - 2 * pad
    room = footer.h - 2 * p.px(12)
    left_w = float(inner_w)
    if p.brand.footer_text.strip():
        box = Box(0, 0, round(inner_w * 0.36), room)
        text = p.fit("footer_text", p.brand.footer_text, FOOTER, box, (16, 12), max_lines=2)
        y = footer.y + (footer.h - text.height) / 2
        p.place(
            "footer_text", text, FOOTER, Box(p.w - pad - box.w, y, box.w, text.height),
            "light", "footer", align="right",
        )  # fmt: skip
        left_w = inner_w - text.width - p.px(40)
    where = " · ".join(part.strip() for part in (p.c.library_service, p.c.region) if part.strip())
    gap = p.px(4)
    sub: FittedText | None = None
    if where:
        field = "library_service and region" if p.c.library_service else "region"
        box = Box(0, 0, left_w, room * 0.45)
        sub = p.fit(field, where, FOOTER, box, (16, 11), max_lines=2)
    used = sub.height + gap if sub else 0
    org = p.fit(
        "organisation", p.c.organisation, ORGANISATION, Box(0, 0, left_w, room - used),
        (21, 13), max_lines=2,
    )  # fmt: skip
    y = footer.y + (footer.h - org.height - used) / 2
    p.place("organisation", org, ORGANISATION, Box(pad, y, left_w, org.height), "light", "footer")
    if sub:
        box = Box(pad, y + org.height + gap, left_w, sub.height)
        p.place(sub.field, sub, FOOTER, box, "light", "footer")
