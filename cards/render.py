"""A case study as a card: plan the boxes, fit the text, paint, encode.

Landscape cards (X 1200×675, LinkedIn 1200×627) put the headline, summary and impact
labels on the left and the quote panel on the right; square cards stack them. Every box
is placed below or beside the previous one, so boxes cannot overlap, and every text is
fitted to its box or the render fails with TextOverflowError: nothing is ever clipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw, UnidentifiedImageError

from cards.alt_text import alt_text, month_label
from cards.brand import Brand
from cards.errors import CardError, CardTooLargeError, MissingGlyphError, TextOverflowError
from cards.fonts import Face, font
from cards.layout import FittedText, Line, Piece, fit_text
from cards.png import encode_png, write_png_atomic
from cards.typeset import PillowMetrics, TextStyle, draw_line, prepare
from vignettes.content import CaseStudyContent

__all__ = ["CardSpec", "RenderedCard", "render_card", "write_png_atomic"]

X_SIZE = (1200, 675)
LINKEDIN_SIZE = (1200, 627)
SQUARE_SIZE = (1080, 1080)
MAX_PNG_BYTES = 5 * 1024 * 1024  # X's image limit; LinkedIn allows more
NO_CONSENT_WARNING = "quote left out: no consent"

KICKER = TextStyle(weight=700, line_spacing=1.2)
HEADLINE = TextStyle(weight=700, line_spacing=1.12)
SUMMARY = TextStyle(weight=400, line_spacing=1.38)
QUOTE = TextStyle(weight=400, italic=True, line_spacing=1.36)
ATTRIBUTION = TextStyle(weight=700, line_spacing=1.25)
LABEL = TextStyle(weight=600, line_spacing=1.0)
ORGANISATION = TextStyle(weight=700, line_spacing=1.15)
FOOTER = TextStyle(weight=400, line_spacing=1.2)


@dataclass(frozen=True)
class CardSpec:
    """What to render: platform, pixel size, showcase month (None = preview), alt-text limit."""

    platform: Literal["x", "linkedin", "bluesky"]
    size: tuple[int, int]
    month: dt.date | None = None
    alt_text_limit: int = 1000

    def __post_init__(self) -> None:
        width, height = self.size
        if not (600 <= width <= 4096 and 300 <= height <= 4096):
            raise ValueError(f"card size {width}x{height} is outside 600x300 to 4096x4096")


@dataclass(frozen=True)
class RenderedCard:
    platform: str
    png: bytes
    width: int
    height: int
    alt_text: str
    warnings: tuple[str, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


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


class _Planner:
    def __init__(self, content: CaseStudyContent, spec: CardSpec, brand: Brand) -> None:
        self.c = content
        self.spec = spec
        self.brand = brand
        self.w, self.h = spec.size
        self.s = min(self.w / 1200, self.h / 627)
        self.texts: list[tuple[PlacedText, str]] = []
        self.panels: list[tuple[str, Box, str]] = [("card", Box(0, 0, self.w, self.h), "")]

    def px(self, value: float) -> int:
        return max(1, round(value * self.s))

    def fit(
        self,
        name: str,
        text: str,
        style: TextStyle,
        box: Box,
        sizes: tuple[float, float],
        **options: object,
    ) -> FittedText:
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
            max_lines=options.get("max_lines"),  # type: ignore[arg-type]
            balance=bool(options.get("balance", False)),
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

    def plan(self, logo_size: tuple[int, int] | None) -> CardLayout:
        pad, top = self.px(56), self.px(44)
        footer = Box(0, self.h - self.px(92), self.w, self.px(92))
        self.panels.append(("footer", footer, "card"))
        self.plan_footer(footer, pad)
        content_bottom = footer.y - self.px(34)
        inner_w = self.w - 2 * pad

        plate: Box | None = None
        logo: Box | None = None
        if logo_size is not None:
            plate, logo = self.plan_logo(logo_size, right=self.w - pad, top=top)
            self.panels.append(("logo", plate, "card"))
        kicker_w = inner_w - (plate.w + self.px(24) if plate else 0)
        label = month_label(self.spec.month) or "Preview"
        kicker_box = Box(pad, top, kicker_w, self.px(44))
        kicker = self.fit(
            "month", f"Library impact · {label}".upper(), KICKER, kicker_box, (17, 13), max_lines=1
        )
        placed = self.place("month", kicker, KICKER, kicker_box, "light")
        columns_top = max(placed.box.bottom, plate.bottom if plate else 0) + self.px(30)
        area = Box(pad, columns_top, inner_w, content_bottom - columns_top)

        quote = self.c.usable_quote
        mark: tuple[float, float, int] | None = None
        if quote and self.w / self.h >= 1.4:
            gutter = self.px(44)
            left_w = round((inner_w - gutter) * 0.585)
            panel = Box(area.x + left_w + gutter, area.y, inner_w - left_w - gutter, area.h)
            mark = self.plan_quote(quote, panel)
            self.plan_story(Box(area.x, area.y, left_w, area.h), stacked=False)
        elif quote:
            # Stacked: the quote panel takes what it needs (at most 42%), the story the rest;
            # the two are then centred together in the space between month and footer.
            gap = self.px(32)
            needed = self.quote_height(quote, area.w, area.h * 0.42)
            mark_at = self.checkpoint()
            story_bottom = self.plan_story(
                Box(area.x, area.y, area.w, area.h - needed - gap), stacked=True
            )
            mark = self.plan_quote(quote, Box(area.x, story_bottom + gap, area.w, needed))
            mark = self.centre(mark_at, area, story_bottom + gap + needed, mark)
        else:
            mark_at = self.checkpoint()
            stacked = self.w / self.h < 1.4
            bottom = self.plan_story(area, stacked=stacked)
            if stacked:
                self.centre(mark_at, area, bottom, None)
        return CardLayout(
            width=self.w,
            height=self.h,
            panels=tuple(self.panels),
            texts=tuple(self.texts),
            pills=tuple(self.pills),
            quote_mark=mark,
            logo=logo,
        )

    def checkpoint(self) -> tuple[int, int, int]:
        return len(self.panels), len(self.texts), len(self.pills)

    def centre(
        self,
        since: tuple[int, int, int],
        area: Box,
        bottom: float,
        mark: tuple[float, float, int] | None,
    ) -> tuple[float, float, int] | None:
        """Move what was placed since `since` down so it sits centred in `area`."""
        dy = max(0.0, (area.bottom - bottom) / 2)
        panels, texts, pills = since
        for i in range(panels, len(self.panels)):
            name, b, parent = self.panels[i]
            self.panels[i] = (name, Box(b.x, b.y + dy, b.w, b.h), parent)
        for i in range(texts, len(self.texts)):
            t, parent = self.texts[i]
            moved = PlacedText(
                t.name,
                Box(t.box.x, t.box.y + dy, t.box.w, t.box.h),
                t.fitted,
                t.style,
                t.colour,
                t.align,
            )
            self.texts[i] = (moved, parent)
        for i in range(pills, len(self.pills)):
            q = self.pills[i]
            self.pills[i] = Pill(
                Box(q.box.x, q.box.y + dy, q.box.w, q.box.h), q.line, q.size, q.baseline + dy
            )
        return (mark[0], mark[1] + dy, mark[2]) if mark else None

    def plan_logo(self, size: tuple[int, int], *, right: float, top: float) -> tuple[Box, Box]:
        """A light plate top right holding the organisation's own logo, aspect kept."""
        plate_h, inset = self.px(60), self.px(10)
        k = min((plate_h - 2 * inset) / size[1], (self.px(240) - 2 * inset) / size[0])
        logo_w, logo_h = max(1, round(size[0] * k)), max(1, round(size[1] * k))
        plate = Box(right - logo_w - 2 * inset, top, logo_w + 2 * inset, plate_h)
        return plate, Box(plate.x + inset, plate.y + (plate_h - logo_h) // 2, logo_w, logo_h)

    def plan_footer(self, footer: Box, pad: int) -> None:
        """Organisation (bold) over library service · region on the left, the brand's footer
        text on the right; the left side gets whatever width the footer text leaves."""
        inner_w = self.w - 2 * pad
        room = footer.h - 2 * self.px(12)
        left_w = float(inner_w)
        if self.brand.footer_text.strip():
            box = Box(0, 0, round(inner_w * 0.36), room)
            text = self.fit(
                "footer_text", self.brand.footer_text, FOOTER, box, (16, 12), max_lines=2
            )
            y = footer.y + (footer.h - text.height) / 2
            self.place(
                "footer_text", text, FOOTER, Box(self.w - pad - box.w, y, box.w, text.height),
                "light", "footer", align="right",
            )  # fmt: skip
            left_w = inner_w - text.width - self.px(40)
        where = " · ".join(p.strip() for p in (self.c.library_service, self.c.region) if p.strip())
        gap = self.px(4)
        sub: FittedText | None = None
        if where:
            field = "library_service and region" if self.c.library_service else "region"
            box = Box(0, 0, left_w, room * 0.45)
            sub = self.fit(field, where, FOOTER, box, (16, 11), max_lines=2)
        used = sub.height + gap if sub else 0
        org = self.fit(
            "organisation", self.c.organisation, ORGANISATION, Box(0, 0, left_w, room - used),
            (21, 13), max_lines=2,
        )  # fmt: skip
        y = footer.y + (footer.h - org.height - used) / 2
        self.place(
            "organisation", org, ORGANISATION, Box(pad, y, left_w, org.height), "light", "footer"
        )
        if sub:
            box = Box(pad, y + org.height + gap, left_w, sub.height)
            self.place(sub.field, sub, FOOTER, box, "light", "footer")

    def _quote_parts(
        self, quote: str, width: float, height: float
    ) -> tuple[FittedText, FittedText | None, tuple[float, float, int, float]]:
        """Fit the quote and attribution inside a panel of width × height (padding included);
        returns them and the quotation mark (x offset, baseline offset, size, height)."""
        p = self.px(30)
        inner_w = width - 2 * p
        mark_size = self.px(84)
        left, ink_top, _, ink_bottom = font(Face.ARIMO, mark_size, 700).getbbox("“", anchor="ls")
        mark_h = ink_bottom - ink_top + self.px(6)
        by = self.c.quote_attribution.strip()
        attribution = None
        if by:
            attribution = self.fit(
                "quote_attribution",
                f"— {by}",
                ATTRIBUTION,
                Box(0, 0, inner_w, height),
                (18, 13),
                max_lines=3,
            )
        attr_h = attribution.height + self.px(14) if attribution else 0
        room = height - 2 * p - mark_h - attr_h
        text = self.fit("quote_text", quote, QUOTE, Box(0, 0, inner_w, room), (27, 15))
        return text, attribution, (-left, -ink_top, mark_size, mark_h)

    def quote_height(self, quote: str, width: float, height: float) -> float:
        text, attribution, mark = self._quote_parts(quote, width, height)
        attr_h = attribution.height + self.px(14) if attribution else 0
        return 2 * self.px(30) + mark[3] + text.height + attr_h

    def plan_quote(self, quote: str, panel: Box) -> tuple[float, float, int]:
        """The pale quote panel: a large quotation mark, the quote in italic, attribution,
        centred vertically in `panel`."""
        p = self.px(30)
        inner_w = panel.w - 2 * p
        text, attribution, (dx, dy, mark_size, mark_h) = self._quote_parts(quote, panel.w, panel.h)
        gap = self.px(14)
        content_h = mark_h + text.height + (attribution.height + gap if attribution else 0)
        self.panels.append(("quote", panel, "card"))
        y = panel.y + (panel.h - content_h) / 2
        mark = (panel.x + p + dx, y + dy, mark_size)
        y += mark_h
        self.place(
            "quote_text", text, QUOTE, Box(panel.x + p, y, inner_w, text.height), "dark", "quote"
        )
        if attribution:
            y += text.height + gap
            self.place(
                "quote_attribution",
                attribution,
                ATTRIBUTION,
                Box(panel.x + p, y, inner_w, attribution.height),
                "dark",
                "quote",
            )
        return mark

    def plan_story(self, area: Box, *, stacked: bool) -> float:
        """Headline, summary and impact labels down one column; returns the bottom used.

        The headline may take up to 56% of the height; if the summary then cannot fit, the
        headline drops to its minimum size and the summary gets the room that frees. Beside
        a quote the labels sit at the column's foot; stacked, they follow the summary."""
        labels, labels_h = self.plan_pills(area.w) if self.c.impact_labels else ([], 0.0)
        label_gap = self.px(26)
        room = area.h - (labels_h + label_gap if labels else 0)
        gap = self.px(20)
        head_max, summary_max = (76.0, 34.0) if stacked else (58.0, 28.0)
        failure: TextOverflowError | None = None
        for headline_sizes in ((head_max, 32.0), (32.0, 32.0)):
            head = self.fit(
                "headline",
                self.c.headline,
                HEADLINE,
                Box(0, 0, area.w, room * 0.56),
                headline_sizes,
                balance=True,
            )
            largest = min(summary_max, head.size / self.s * 0.6)
            try:
                summary = self.fit(
                    "summary",
                    self.c.summary,
                    SUMMARY,
                    Box(0, 0, area.w, room - head.height - gap),
                    (largest, min(18.0, largest)),
                )
            except TextOverflowError as exc:
                failure = exc
                continue
            y = area.y
            self.place("headline", head, HEADLINE, Box(area.x, y, area.w, head.height), "light")
            y += head.height + gap
            self.place("summary", summary, SUMMARY, Box(area.x, y, area.w, summary.height), "light")
            y += summary.height
            if labels:
                top = y + label_gap if stacked else area.bottom - labels_h
                for pill in labels:
                    box = Box(area.x + pill.box.x, top + pill.box.y, pill.box.w, pill.box.h)
                    self.pills.append(Pill(box, pill.line, pill.size, top + pill.baseline))
                y = top + labels_h
            return y
        assert failure is not None
        raise failure

    pills: list[Pill]

    def plan_pills(self, width: float) -> tuple[list[Pill], float]:
        """Impact labels as pale pills, at most two rows, positioned relative to (0, 0);
        returns them and their height."""
        metrics = PillowMetrics(LABEL)
        labels = [
            tuple(Piece(w) for w in prepare(label, LABEL, "impact_categories"))
            for label in self.c.impact_labels
        ]
        rows = 0
        smallest = self.px(13)
        for size in range(self.px(17), smallest - 1, -1):
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
            for line, (r, px, w) in zip(labels, placed, strict=True):
                y = r * (pill_h + gap)
                pills.append(Pill(Box(px, y, w, pill_h), line, size, y + (pill_h - cap_top) / 2))
            return pills, float(rows * pill_h + (rows - 1) * gap)
        raise TextOverflowError(
            "impact_categories",
            f"the labels need {rows if rows < 99 else 'more than 2'} rows at the minimum size "
            f"{smallest} px, 2 fit",
        )


def plan_card(
    content: CaseStudyContent, spec: CardSpec, brand: Brand, logo_size: tuple[int, int] | None
) -> CardLayout:
    """Place and fit everything; raises TextOverflowError or MissingGlyphError."""
    planner = _Planner(content, spec, brand)
    planner.pills = []
    try:
        return planner.plan(logo_size)
    except TextOverflowError as exc:
        raise TextOverflowError(exc.field, exc.overflow, ref=content.ref) from None
    except MissingGlyphError as exc:
        raise MissingGlyphError(exc.char, exc.field, ref=content.ref) from None


def paint(layout: CardLayout, brand: Brand, logo: Image.Image | None) -> Image.Image:
    image = Image.new("RGB", (layout.width, layout.height), brand.primary)
    draw = ImageDraw.Draw(image)
    s = min(layout.width / 1200, layout.height / 627)
    for name, box, _ in layout.panels:
        corners = (box.x, box.y, box.right - 1, box.bottom - 1)
        if name == "footer":
            draw.rectangle(corners, fill=brand.dark)
        elif name == "quote":
            draw.rounded_rectangle(corners, radius=round(18 * s), fill=brand.pale)
        elif name == "logo":
            draw.rounded_rectangle(corners, radius=round(10 * s), fill=brand.light)
    if logo is not None and layout.logo is not None:
        box = layout.logo
        scaled = logo.resize((round(box.w), round(box.h)), Image.Resampling.LANCZOS)
        image.paste(scaled, (round(box.x), round(box.y)), scaled)
    if layout.quote_mark is not None:
        x, baseline, size = layout.quote_mark
        draw.text(
            (x, baseline), "“", font=font(Face.ARIMO, size, 700), fill=brand.primary, anchor="ls"
        )
    for pill in layout.pills:
        box = pill.box
        draw.rounded_rectangle(
            (box.x, box.y, box.right - 1, box.bottom - 1), radius=box.h / 2, fill=brand.pale
        )
        x = box.x + round(pill.size * 0.85)
        draw_line(image, draw, (x, pill.baseline), pill.line, LABEL, pill.size, brand.dark)
    for placed, _ in layout.texts:
        fitted = placed.fitted
        for line, width, baseline in zip(
            fitted.lines, fitted.widths, fitted.baselines(), strict=True
        ):
            x = placed.box.right - width if placed.align == "right" else placed.box.x
            draw_line(
                image,
                draw,
                (x, placed.box.y + baseline),
                line,
                placed.style,
                fitted.size,
                brand.colour(placed.colour),
            )
    return image


def _load_logo(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            return opened.convert("RGBA")
    except (UnidentifiedImageError, OSError) as exc:
        raise CardError(f"logo is not a readable image: {exc}") from None


def render_card(
    content: CaseStudyContent, spec: CardSpec, brand: Brand, *, logo_png: bytes | None = None
) -> RenderedCard:
    """The card PNG and its alt text for one platform.

    Deterministic: the same content, spec, brand, logo and fonts give the same bytes.
    Raises BrandContrastError, TextOverflowError, MissingGlyphError, CardTooLargeError,
    or CardError for an unreadable logo."""
    brand.check()
    logo = _load_logo(logo_png) if logo_png else None
    warnings: list[str] = []
    if content.quote_text.strip() and not content.quote_consent:
        warnings.append(NO_CONSENT_WARNING)
    layout = plan_card(content, spec, brand, logo.size if logo else None)
    png = encode_png(paint(layout, brand, logo))
    if len(png) > MAX_PNG_BYTES:
        raise CardTooLargeError(
            f"card for {spec.platform} is {len(png)} bytes, more than {MAX_PNG_BYTES} allowed"
        )
    return RenderedCard(
        platform=spec.platform,
        png=png,
        width=layout.width,
        height=layout.height,
        alt_text=alt_text(content, spec.month, spec.alt_text_limit),
        warnings=tuple(warnings),
    )
