"""What to render: the platform, the pixel size, the showcase month and the alt-text limit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

X_SIZE = (1200, 675)
LINKEDIN_SIZE = (1200, 627)
SQUARE_SIZE = (1080, 1080)


@dataclass(frozen=True)
class CardSpec:
    """What to render: platform, pixel size, showcase month (None = preview), alt-text limit.

    Raises ValueError for a size outside 600×300 to 4096×4096."""

    platform: Literal["x", "linkedin", "bluesky"]
    size: tuple[int, int]
    month: dt.date | None = None
    alt_text_limit: int = 1000

    def __post_init__(self) -> None:
        width, height = self.size
        if not (600 <= width <= 4096 and 300 <= height <= 4096):
            raise ValueError(f"card size {width}x{height} is outside 600x300 to 4096x4096")
