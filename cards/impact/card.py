"""The impact-in-numbers card: a year's or a quarter's headline figures, one tile each.

    LIBRARY IMPACT IN NUMBERS                                       [logo]
    2026 Q3                          the period, bold
    South West                       whom the figures cover, when not everyone
    ┌───────────────┐ ┌───────────────┐ ┌───────────────┐
    │ 48            │ │ 1,240         │ │ £312,000      │
    │ case studies  │ │ hours saved   │ │ saved         │
    └───────────────┘ └───────────────┘ └───────────────┘
    ███ footer band: the brand's footer text ████████████████████████████

Three figures sit in one row on a landscape card; otherwise the tiles take two columns
(one or two figures: one row, so a tile never stretches across the card; four: a 2×2
grid). Every number has the same size, the largest at which all tiles fit. The same
sizes, brand, fonts, fitting, contrast check and PNG encoding as a vignette card
(cards/render.py): every text is fitted to its box or the plan fails naming the field;
nothing is clipped.
"""

from __future__ import annotations

import math

from cards.boxes import Box, CardLayout
from cards.brand import Brand
from cards.errors import CardTooLargeError, MissingGlyphError, TextOverflowError
from cards.figure_row import as_line, one_line
from cards.figures import KeyFigure
from cards.fonts import Face, font
from cards.glyphs import clean
from cards.impact.numbers import TITLE, ImpactNumbers, impact_alt_text, impact_figures
from cards.layout import FittedText, fit_text
from cards.paint import paint
from cards.placing import Sheet
from cards.planner import plan_logo
from cards.png import encode_png
from cards.render import MAX_PNG_BYTES, RenderedCard, load_logo
from cards.spec import CardSpec
from cards.styles import FIGURE, HEADLINE, KICKER, ORGANISATION, SUMMARY, TILE_LABEL
from cards.typeset import PillowMetrics, prepare

# Design px at 1200×627. The period's largest size on each try, largest first; the last is
# also its smallest. The tiles get what the period leaves.
PERIOD_CAPS = (72.0, 60.0, 48.0, 36.0)
NUMBER_MAX, NUMBER_MIN = 96.0, 36.0
LABEL_RATIO = 0.36  # label size / number size
LABEL_MIN = 18.0

Tile = tuple[FittedText, FittedText]  # a figure's number and its label


def render_impact_card(
    numbers: ImpactNumbers, spec: CardSpec, brand: Brand, *, logo_png: bytes | None = None
) -> RenderedCard:
    """The impact-in-numbers card PNG and its alt text for one platform (`spec.month` is
    not used: the period is `numbers.period`).

    Deterministic: the same numbers, spec, brand, logo and fonts give the same bytes.
    Raises BrandContrastError, TextOverflowError, MissingGlyphError, CardTooLargeError,
    or CardError for an unreadable logo."""
    brand.check()
    logo = load_logo(logo_png) if logo_png else None
    layout = plan_impact_card(numbers, spec, brand, logo.size if logo else None)
    png = encode_png(paint(layout, brand, logo))
    if len(png) > MAX_PNG_BYTES:
        raise CardTooLargeError(
            f"impact card for {spec.platform} is {len(png)} bytes, "
            f"more than {MAX_PNG_BYTES} allowed"
        )
    return RenderedCard(
        platform=spec.platform,
        png=png,
        width=layout.width,
        height=layout.height,
        alt_text=impact_alt_text(numbers, spec.alt_text_limit),
        warnings=(),
    )


def plan_impact_card(
    numbers: ImpactNumbers, spec: CardSpec, brand: Brand, logo_size: tuple[int, int] | None
) -> CardLayout:
    """Place and fit everything; raises TextOverflowError or MissingGlyphError naming the
    field (`period`, `scope`, `case_studies`, `hours_saved`, `pounds_saved`,
    `library_services`, `figures` for the tiles' height, `footer_text`)."""
    card = f"impact card {clean(numbers.period)}"
    try:
        return _plan(Sheet(spec, brand), numbers, logo_size)
    except TextOverflowError as exc:
        raise TextOverflowError(exc.field, exc.overflow, card=card) from None
    except MissingGlyphError as exc:
        raise MissingGlyphError(exc.char, exc.field, card=card) from None


def _plan(p: Sheet, numbers: ImpactNumbers, logo_size: tuple[int, int] | None) -> CardLayout:
    pad, top = p.px(56), p.px(44)
    footer = Box(0, p.h - p.px(92), p.w, p.px(92))
    p.panels.append(("footer", footer, "card"))
    _plan_footer(p, footer, pad)
    content_bottom = footer.y - p.px(34)
    inner_w = p.w - 2 * pad

    plate: Box | None = None
    logo: Box | None = None
    if logo_size is not None:
        plate, logo = plan_logo(p, logo_size, right=p.w - pad, top=top)
        p.panels.append(("logo", plate, "card"))
    head_w = inner_w - (plate.w + p.px(24) if plate else 0)
    title_box = Box(pad, top, head_w, p.px(44))
    title = p.fit("title", TITLE.upper(), KICKER, title_box, (17, 13), max_lines=1)
    area_top = p.place("title", title, KICKER, title_box, "light").box.bottom + p.px(12)
    area = Box(pad, area_top, inner_w, content_bottom - area_top)

    figures = impact_figures(numbers)
    since = p.checkpoint()
    failure: TextOverflowError | None = None
    for cap in PERIOD_CAPS:
        p.rollback(since)
        y = _plan_heading(p, numbers, Box(pad, area_top, head_w, area.h * 0.45), cap)
        tiles_top = max(y + p.px(28), plate.bottom + p.px(30) if plate else 0.0)
        try:
            bottom = plan_tiles(p, figures, Box(pad, tiles_top, inner_w, area.bottom - tiles_top))
        except TextOverflowError as exc:
            failure = exc
            continue
        # Heading and tiles together, centred between the title and the footer.
        p.centre(since, area, bottom, None)
        return CardLayout(
            width=p.w,
            height=p.h,
            panels=tuple(p.panels),
            texts=tuple(p.texts),
            pills=(),
            quote_mark=None,
            logo=logo,
        )
    assert failure is not None
    raise failure


def _plan_heading(p: Sheet, numbers: ImpactNumbers, box: Box, cap: float) -> float:
    """The period (bold, at most `cap` design px, two lines) and the scope under it;
    returns the bottom used. Raises TextOverflowError for `period` or `scope`."""
    sizes = (cap, PERIOD_CAPS[-1])
    period = p.fit("period", numbers.period, HEADLINE, box, sizes, max_lines=2, balance=True)
    p.place("period", period, HEADLINE, Box(box.x, box.y, box.w, period.height), "light")
    y = box.y + period.height
    if clean(numbers.scope):
        y += p.px(10)
        scope_box = Box(box.x, y, box.w, p.px(90))
        scope = p.fit("scope", numbers.scope, SUMMARY, scope_box, (28, 18), max_lines=2)
        y += p.place("scope", scope, SUMMARY, scope_box, "light").box.h
    return y


def _columns(count: int, landscape: bool) -> int:
    """Three tiles side by side fit a landscape card; any other count takes two columns."""
    return count if landscape and count == 3 else 2


def plan_tiles(p: Sheet, figures: tuple[KeyFigure, ...], area: Box) -> float:
    """One pale tile per figure in `area`, the number large over its label, every number
    at the largest size (up to NUMBER_MAX) at which all tiles fit; returns the bottom used.
    Raises TextOverflowError naming the figure that does not fit its tile at NUMBER_MIN,
    or `figures` when the tiles are taller than `area`."""
    cols = _columns(len(figures), landscape=p.w / p.h >= 1.4)
    rows = math.ceil(len(figures) / cols)
    gap, pad_x, pad_y, between = p.px(24), p.px(26), p.px(20), p.px(6)
    ink_pad = p.px(28)
    tile_w = (area.w - (cols - 1) * gap) / cols
    text_w = tile_w - 2 * pad_x
    lines = [as_line(f.number, FIGURE, f.field) for f in figures]
    labels = [prepare(f.label, TILE_LABEL, f.field) for f in figures]
    metrics = PillowMetrics(TILE_LABEL)

    def number_top(number: FittedText) -> float:
        """The space above the number's box. The font's ascent already leaves room above
        the digits, so the digits' tops sit `ink_pad` below the tile's top: about as far as
        the label's letters from its foot (its padding plus the room for descenders)."""
        _, ink_top, _, _ = font(Face.ARIMO, number.size, FIGURE.weight).getbbox("0", anchor="ls")
        return max(0.0, ink_pad - (number.ascent + ink_top))

    def attempt(size: int) -> tuple[list[Tile], float] | TextOverflowError:
        """The tiles at number size `size` and their height, or why they do not fit."""
        label_size = max(p.px(LABEL_MIN), round(size * LABEL_RATIO))
        tiles = []
        for figure, line, label in zip(figures, lines, labels, strict=True):
            number = one_line(figure.field, line, FIGURE, size)
            if number.width > text_w:
                over = number.width - text_w
                return TextOverflowError(
                    figure.field,
                    f"{figure.number} needs {number.width:.0f} px at {size} px, the tile has "
                    f"{text_w:.0f} px (overflows by {over:.0f} px)",
                )
            try:
                said = fit_text(
                    figure.field, label, metrics, width=text_w, height=math.inf,
                    max_size=label_size, min_size=label_size,
                    line_spacing=TILE_LABEL.line_spacing, max_lines=2,
                )  # fmt: skip
            except TextOverflowError as exc:
                return exc
            tiles.append((number, said))
        tile_h = number_top(tiles[0][0]) + tiles[0][0].height + between
        tile_h += max(t[1].height for t in tiles) + pad_y
        needed = rows * tile_h + (rows - 1) * gap
        if needed > area.h:
            return TextOverflowError(
                "figures",
                f"the tiles need {needed:.0f} px of height at {size} px, {area.h:.0f} px are "
                f"left under the period (overflows by {needed - area.h:.0f} px)",
            )
        return tiles, tile_h

    # The largest fitting size; every size tried is checked exactly, so whatever is
    # chosen fits even where hinting makes widths not quite grow with the size.
    lo, hi = p.px(NUMBER_MIN), p.px(NUMBER_MAX)
    best = attempt(lo)
    if isinstance(best, TextOverflowError):
        raise best
    lo += 1
    while lo <= hi:
        mid = (lo + hi) // 2
        tried = attempt(mid)
        if isinstance(tried, TextOverflowError):
            hi = mid - 1
        else:
            best, lo = tried, mid + 1
    tiles, tile_h = best
    for i, (figure, (number, label)) in enumerate(zip(figures, tiles, strict=True)):
        row, col = divmod(i, cols)
        tile = Box(area.x + col * (tile_w + gap), area.y + row * (tile_h + gap), tile_w, tile_h)
        name = f"tile {figure.field}"
        p.panels.append((name, tile, "card"))
        x, y = tile.x + pad_x, tile.y + number_top(number)
        p.place(figure.field, number, FIGURE, Box(x, y, text_w, number.height), "dark", name)
        y += number.height + between
        label_box = Box(x, y, text_w, label.height)
        p.place(f"{figure.field} label", label, TILE_LABEL, label_box, "dark", name)
    return area.y + rows * tile_h + (rows - 1) * gap


def _plan_footer(p: Sheet, footer: Box, pad: int) -> None:
    """The brand's footer text in bold on the footer band (nothing when it is empty)."""
    if not p.brand.footer_text.strip():
        return
    box = Box(pad, footer.y, p.w - 2 * pad, footer.h - 2 * p.px(12))
    text = p.fit("footer_text", p.brand.footer_text, ORGANISATION, box, (21, 13), max_lines=2)
    y = footer.y + (footer.h - text.height) / 2
    p.place("footer_text", text, ORGANISATION, Box(pad, y, box.w, text.height), "light", "footer")
