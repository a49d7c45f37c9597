from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from cards.png import encode_png
from cards.render import write_png_atomic


def test_the_encoder_round_trips_pixels_through_pillow() -> None:
    image = Image.new("RGB", (64, 32), "#005EB8")
    image.putpixel((5, 7), (1, 2, 3))
    with Image.open(io.BytesIO(encode_png(image))) as decoded:
        assert decoded.convert("RGB").tobytes() == image.tobytes()
        assert set(decoded.info) <= {"srgb"}  # no timestamps or other metadata


def test_atomic_write_replaces_the_file_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "card.png"
    target.write_bytes(b"old")
    write_png_atomic(target, b"new bytes")
    assert target.read_bytes() == b"new bytes"
    assert os.listdir(tmp_path) == ["card.png"]


def test_a_failed_atomic_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "card.png"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_png_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["card.png"]
