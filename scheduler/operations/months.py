"""Months as the interfaces take them (`2026-12`): the one value type they need from below,
bounded to years the schedule can mean (a typo like `20266-12` or `0202-12` is refused
here, before any slot, bank holiday or plan is computed for it)."""

from __future__ import annotations

from vignettes.planning.slots import Month

__all__ = ["FIRST_YEAR", "LAST_YEAR", "Month", "parse_month"]

FIRST_YEAR = 2000
LAST_YEAR = 2100


def parse_month(text: str) -> Month:
    """`"2026-12"` → Month; raises ValueError for anything else, and for a year outside
    2000–2100."""
    month = Month.parse(text)
    if not FIRST_YEAR <= month.year <= LAST_YEAR:
        raise ValueError(f"{text.strip()!r}: the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return month
