"""Published months for the benchmarks' databases: a slot per month on the oldest case
studies, each with a post per platform, as the daemon leaves them (bench/web.py and
bench/_read_models.py seed from this)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vignettes.planning.slots import Month, slot_time


def published_months(
    case_ids: Sequence[int], first: Month, schedule: Any, platforms: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(slot rows, post rows) for months `first`, `first + 1`, … showcasing `case_ids` in
    turn; ids are 1, 2, … so other rows can refer to them."""
    slots: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    for i, case_id in enumerate(case_ids):
        when = slot_time(first.shift(i), schedule).utc
        slots.append(
            {
                "id": i + 1,
                "month": str(first.shift(i)),
                "case_study_id": case_id,
                "source": "auto",
                "state": "published",
                "scheduled_at": when,
                "fixed_at": when,
                "reason": "",
            }
        )
        for platform in platforms:
            posts.append(
                {
                    "id": len(posts) + 1,
                    "slot_id": i + 1,
                    "case_study_id": case_id,
                    "platform": platform,
                    "state": "posted",
                    "content_hash": "sha256:bench",
                    "text": "bench",
                    "remote_id": f"{platform}-{i}",
                    "url": f"https://example.invalid/{platform}/{i}",
                    "attempts": 1,
                    "reason": "",
                    "sending_by": "bench",
                    "posted_at": when,
                    "updated_at": when,
                }
            )
    return slots, posts
