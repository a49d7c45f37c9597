from __future__ import annotations

import io

from PIL import Image

from cards.png import encode_png


def test_the_encoder_round_trips_pixels_through_pillow() -> None:
    image = Image.new("RGB", (64, 32), "#005EB8")
    image.putpixel((5, 7), (1, 2, 3))
    with Image.open(io.BytesIO(encode_png(image))) as decoded:
        assert decoded.convert("RGB").tobytes() == image.tobytes()
        assert set(decoded.info) <= {"srgb"}  # no timestamps or other metadata
