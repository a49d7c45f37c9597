"""The rule for publishing by hand, as a pure function of (month, now, schedule, slot
state): the current month, a month inside its grace window, or a missed or skipped month.
The interfaces share it; the daemon never goes through it."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.operations.months import parse_month
from scheduler.operations.showcase.publishing import publish_refusal
from tests.conftest import schedule_rule
from vignettes.planning.slots import Month

SCHEDULE = schedule_rule()  # 1st Tue 10:00 London, grace 3 days
DEC_SLOT = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def refusal(month: str, now: dt.datetime, state: str | None = None) -> str | None:
    return publish_refusal(Month.parse(month), now, SCHEDULE, state)


def test_the_current_month_may_be_published_even_before_its_slot() -> None:
    assert refusal("2026-12", DEC_SLOT - dt.timedelta(hours=5)) is None
    assert refusal("2026-12", DEC_SLOT + dt.timedelta(days=20), "published") is None


def test_last_month_may_be_published_while_it_is_inside_its_grace_window() -> None:
    nov_slot = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)
    assert refusal("2026-11", nov_slot + dt.timedelta(days=2, hours=23)) is None
    assert refusal("2026-12", DEC_SLOT + dt.timedelta(days=1)) is None


def test_a_future_month_is_refused_naming_its_slot() -> None:
    why = refusal("2027-12", DEC_SLOT)
    assert why is not None and "future month" in why and "Tue 07 Dec 2027 10:00" in why
    assert refusal("2027-01", DEC_SLOT + dt.timedelta(days=30)) is not None


def test_a_past_month_is_refused_unless_it_was_missed_or_skipped() -> None:
    january = dt.datetime(2027, 1, 20, tzinfo=dt.UTC)
    for state in (None, "planned", "publishing", "published", "partial"):
        why = refusal("2026-12", january, state)
        assert why is not None and "grace window ended Fri 04 Dec 2026 10:00 GMT" in why
    assert refusal("2026-12", january, "missed") is None
    assert refusal("2025-03", january, "skipped") is None


@pytest.mark.parametrize("text", ["1999-12", "2101-01", "0000-01", "9999-12"])
def test_years_outside_2000_to_2100_are_refused_when_the_month_is_read(text: str) -> None:
    with pytest.raises(ValueError, match="the year must be between 2000 and 2100"):
        parse_month(text)
    assert parse_month("2000-01") == Month(2000, 1) and parse_month("2100-12") == Month(2100, 12)
