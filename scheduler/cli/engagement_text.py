"""The engagement report as a table for a terminal (`vignettes engagement`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scheduler.cli.output import table
from scheduler.operations.showcase.engagement import PLATFORM_NAMES, PostEngagement, format_count

TABLE_FIGURES = ("impressions", "likes", "reposts", "replies", "link_clicks")


def _delta(value: int | float | None) -> str:
    return "" if value is None else f" ({value:+,})"


def format_report(entries: Sequence[PostEngagement], states: Mapping[str, Any]) -> str:
    """A table for people: latest figures with the change since the previous snapshot,
    then why figures are missing (grouped), then platform-level waits and refusals."""
    headers = ["month", "ref", "platform", "after", *(f.replace("_", " ") for f in TABLE_FIGURES)]
    headers.append("rate")
    rows = []
    notes: dict[str, list[str]] = {}
    for e in entries:
        latest, change = e.latest, e.change()
        cells = [e.month, e.ref, PLATFORM_NAMES.get(e.platform, e.platform)]
        cells.append(latest.offset if latest else "not yet")
        for name in TABLE_FIGURES:
            value = latest.figures.get(name) if latest else None
            cells.append(format_count(value, e.platform, name) + _delta(change.get(name)))
        rate = latest.engagement_rate if latest else None
        cells.append("—" if rate is None else f"{rate:.1%}")
        rows.append(cells)
        for reason in e.unavailable:
            notes.setdefault(reason, []).append(f"{e.month} {e.platform}")
    lines = [table(headers, rows)] if rows else ["no posted vignettes match"]
    if notes:
        lines.append("")
        lines.append("unavailable figures:")
        for reason, where in notes.items():
            shown = ", ".join(where[:4]) + (f" and {len(where) - 4} more" if len(where) > 4 else "")
            lines.append(f"  - {reason} ({shown})")
    for name, state in states.items():
        label = PLATFORM_NAMES.get(name, name)
        if state.get("unavailable_reason"):
            lines.append(
                f"{label}: engagement unavailable since {state['unavailable_since']}: "
                f"{state['unavailable_reason']}"
            )
        if state.get("blocked_until"):
            lines.append(
                f"{label}: polling paused until {state['blocked_until']} "
                f"({state['blocked_reason']})"
            )
    return "\n".join(lines)
