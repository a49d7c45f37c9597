"""A minimal, deterministic PNG encoder.

Pillow's encoder tries every PNG row filter on every row, which costs more than drawing
the whole card. Cards are mostly flat colour, where unfiltered rows deflate just as well,
so this writes 8-bit RGB with filter 0: about three times faster, byte-for-byte stable,
and free of timestamps or other metadata that would vary between runs.
"""

from __future__ import annotations

import struct
import zlib

from PIL import Image

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SRGB_PERCEPTUAL = b"\x00"


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(image: Image.Image, level: int = 2) -> bytes:
    """`image` as PNG bytes (RGB, sRGB chunk, no filters, no metadata). Level 2: above
    it deflate time climbs steeply for a few percent smaller files (~100 KB a card)."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    width, height = rgb.size
    raw = rgb.tobytes()
    stride = width * 3
    rows = b"".join(b"\x00" + raw[i : i + stride] for i in range(0, len(raw), stride))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        (
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"sRGB", _SRGB_PERCEPTUAL),
            _chunk(b"IDAT", zlib.compress(rows, level)),
            _chunk(b"IEND", b""),
        )
    )
