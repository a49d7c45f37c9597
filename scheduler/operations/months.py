"""Months as the interfaces take them (`2026-12`): the one value type they need from below."""

from __future__ import annotations

from vignettes.slots import Month

__all__ = ["Month", "parse_month"]


def parse_month(text: str) -> Month:
    """`"2026-12"` → Month; raises ValueError for anything else."""
    return Month.parse(text)
