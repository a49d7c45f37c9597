"""Painting a planned card: panels, logo, quotation mark, label pills, then every text."""

from __future__ import annotations

from PIL import Image, ImageDraw

from cards.boxes import CardLayout
from cards.brand import Brand
from cards.fonts import Face, font
from cards.styles import LABEL
from cards.typeset import draw_line


def paint(layout: CardLayout, brand: Brand, logo: Image.Image | None) -> Image.Image:
    """The card as an RGB image. Every text colour pair used here is listed in
    `cards.brand.TEXT_PAIRS`, so a brand that passes `Brand.check` passes WCAG AA."""
    image = Image.new("RGB", (layout.width, layout.height), brand.primary)
    draw = ImageDraw.Draw(image)
    s = min(layout.width / 1200, layout.height / 627)
    for name, box, _ in layout.panels:
        corners = (box.x, box.y, box.right - 1, box.bottom - 1)
        if name == "footer":
            draw.rectangle(corners, fill=brand.dark)
        elif name == "quote" or name.startswith("tile "):  # impact card: "tile <field>"
            draw.rounded_rectangle(corners, radius=round(18 * s), fill=brand.pale)
        elif name == "logo":
            draw.rounded_rectangle(corners, radius=round(10 * s), fill=brand.light)
        elif name == "divider":
            draw.rectangle(corners, fill=brand.pale)
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
