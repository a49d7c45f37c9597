"""Make a card PNG fit a byte limit (Bluesky: 1,000,000 bytes) without changing its format.

A card is flat colour and text: a 256-colour palette PNG of it looks the same and is a
fraction of the size. Only a card that is still too big (a large photographic logo) is
scaled down, a step at a time, keeping its aspect ratio. The result is always a PNG, so the
MIME type, the archive's `.png` file and the alt text stay true.
"""

from __future__ import annotations

import io

from PIL import Image

from cards.errors import CardTooLargeError
from cards.png import encode_png

MIN_WIDTH = 600  # below this the card's text stops being legible
STEP = 0.85


def _palette_png(image: Image.Image) -> bytes:
    quantized = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=True)
    return out.getvalue()


def fit_png(png: bytes, max_bytes: int) -> bytes:
    """`png` itself when it is at most `max_bytes`; else a 256-colour PNG of it; else that,
    scaled down until it fits (never below 600 px wide). Raises CardTooLargeError when even
    the smallest allowed version is too big, and CardError for bytes that are not an image."""
    if len(png) <= max_bytes:
        return png
    try:
        with Image.open(io.BytesIO(png)) as opened:
            image = opened.convert("RGB")
    except OSError as exc:
        raise CardTooLargeError(f"card is not a readable PNG: {exc}") from None
    width, height = image.size
    candidate = _palette_png(image)
    while len(candidate) > max_bytes:
        width, height = round(width * STEP), round(height * STEP)
        if width < MIN_WIDTH:
            raise CardTooLargeError(
                f"card is {len(png)} bytes and cannot be made to fit {max_bytes} bytes "
                f"above {MIN_WIDTH} px wide; use a smaller logo file"
            )
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        small = encode_png(resized, level=9)
        candidate = min(small, _palette_png(resized), key=len)
    return candidate
