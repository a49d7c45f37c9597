"""Slot times: cron day, bank holidays and daylight saving, as pure functions."""

from __future__ import annotations

import datetime as dt

from tests.conftest import schedule_rule
from vignettes.planning.slots import Month, current_month, slot_time


def test_first_tuesday_at_ten_london_time() -> None:
    slot = slot_time(Month(2026, 12), schedule_rule())
    assert slot.local.isoformat() == "2026-12-01T10:00:00+00:00"
    assert slot.moved_from is None


def test_a_slot_on_a_bank_holiday_moves_to_the_next_working_day() -> None:
    # The first Monday of May 2027 is the Early May bank holiday.
    slot = slot_time(Month(2027, 5), schedule_rule(day="1st mon"))
    assert slot.moved_from == dt.date(2027, 5, 3)
    assert slot.local.date() == dt.date(2027, 5, 4)
    assert "May Day" in slot.moved_because


def test_easter_moves_a_friday_slot_past_the_weekend_and_easter_monday() -> None:
    # Good Friday 2027 is 26 March and Easter Monday 29 March: the next working day is the 30th.
    slot = slot_time(Month(2027, 3), schedule_rule(day="last fri"))
    assert slot.local.date() == dt.date(2027, 3, 30)
    assert slot.moved_because == "Fri 26 Mar is Good Friday; Mon 29 Mar is Easter Monday"


def test_without_holiday_skipping_the_slot_stays_on_the_holiday() -> None:
    slot = slot_time(Month(2027, 5), schedule_rule(day="1st mon", skip_holidays=""))
    assert slot.local.date() == dt.date(2027, 5, 3)


def test_boxing_day_substitute_holidays_follow_the_region() -> None:
    # 2 January is a bank holiday in Scotland only.
    england = slot_time(Month(2029, 1), schedule_rule(day="2", skip_holidays="england"))
    scotland = slot_time(Month(2029, 1), schedule_rule(day="2", skip_holidays="scotland"))
    assert england.local.date() == dt.date(2029, 1, 2)
    assert scotland.local.date() == dt.date(2029, 1, 3)


def test_summer_time_moves_the_utc_hour_not_the_local_one() -> None:
    winter = slot_time(Month(2027, 3), schedule_rule(day="last sun", skip_holidays=""))
    summer = slot_time(Month(2027, 4), schedule_rule(day="1st sun", skip_holidays=""))
    # Clocks go forward at 01:00 UTC on Sunday 28 March 2027: that slot is already BST.
    assert (winter.local.hour, winter.utc.hour) == (10, 9)
    assert (summer.local.hour, summer.utc.hour) == (10, 9)
    assert slot_time(Month(2027, 2), schedule_rule()).utc.hour == 10


def test_a_slot_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    rule = schedule_rule(day="last sun", time=dt.time(1, 30), skip_holidays="")
    slot = slot_time(Month(2027, 3), rule)
    assert slot.local.isoformat() == "2027-03-28T02:30:00+01:00"
    assert slot.utc.isoformat() == "2027-03-28T01:30:00+00:00"


def test_an_ambiguous_autumn_slot_takes_the_first_occurrence() -> None:
    rule = schedule_rule(day="last sun", time=dt.time(1, 30), skip_holidays="")
    slot = slot_time(Month(2027, 10), rule)
    assert slot.utc.isoformat() == "2027-10-31T00:30:00+00:00"


def test_the_current_month_is_read_in_the_schedule_time_zone() -> None:
    late_utc = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert current_month(late_utc, schedule_rule()) == Month(2026, 12)
    assert current_month(late_utc, schedule_rule(timezone="Europe/Berlin")) == Month(2027, 1)


def test_months_shift_across_years() -> None:
    assert Month(2026, 11).shift(3) == Month(2027, 2)
    assert Month(2027, 1).shift(-1) == Month(2026, 12)
    assert str(Month.parse("2027-02")) == "2027-02"
