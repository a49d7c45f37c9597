"""Months and slot times: pure functions of the schedule rule (and `now` where needed).

A slot is the local date the cron `day` expression picks in a month, at `time` in the
schedule's time zone, moved off a bank holiday to the next working day. Local times that
do not exist (the spring-forward gap) move forward by the gap; ambiguous ones (autumn) take
the first occurrence.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

HOLIDAY_REGIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """`"2026-12"` → Month; raises ValueError for anything else."""
        match = _MONTH.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a month like 2026-12")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, when: dt.date) -> Month:
        return cls(when.year, when.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def label(self) -> str:
        return self.first_day.strftime("%B %Y")

    def shift(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)


class ScheduleRule(Protocol):
    """What slot computation needs; `scheduler.config.ScheduleConfig` provides it."""

    @property
    def day(self) -> str: ...
    @property
    def time(self) -> dt.time: ...
    @property
    def timezone(self) -> str: ...
    @property
    def skip_holidays(self) -> str: ...
    @property
    def grace(self) -> dt.timedelta: ...


@dataclass(frozen=True)
class SlotTime:
    month: Month
    local: dt.datetime
    utc: dt.datetime
    moved_from: dt.date | None = None
    moved_because: str = ""


@functools.lru_cache(maxsize=64)
def _holidays(region: str, year: int) -> dict[dt.date, str]:
    import holidays

    calendar: Any = holidays.country_holidays("GB", subdiv=HOLIDAY_REGIONS[region], years=year)
    return {day: str(name) for day, name in calendar.items()}


def _holiday_name(region: str, day: dt.date) -> str | None:
    if not region:
        return None
    return _holidays(region, day.year).get(day)


@functools.lru_cache(maxsize=256)
def _cron_day(day_expr: str, year: int, month: int) -> dt.date:
    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger(year=year, month=month, day=day_expr, hour=0, timezone=dt.UTC)
    fire = trigger.get_next_fire_time(None, dt.datetime(year, month, 1, tzinfo=dt.UTC))
    if fire is None:
        raise ValueError(f"schedule day {day_expr!r} gives no day in {year}-{month:02d}")
    return fire.date()  # type: ignore[no-any-return]


def local_datetime(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """`day` at `at` in `tz`, normalised through UTC so a time in the DST gap moves forward."""
    naive = dt.datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz, fold=0)
    return aware.astimezone(dt.UTC).astimezone(tz)


def slot_time(month: Month, rule: ScheduleRule) -> SlotTime:
    """When `month`'s vignette goes out."""
    tz = ZoneInfo(rule.timezone)
    day = _cron_day(rule.day, month.year, month.month)
    original = day
    reasons = []
    while (name := _holiday_name(rule.skip_holidays, day)) is not None:
        reasons.append(f"{day:%a %d %b} is {name}")
        day += dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
    local = local_datetime(day, rule.time, tz)
    return SlotTime(
        month=month,
        local=local,
        utc=local.astimezone(dt.UTC),
        moved_from=original if day != original else None,
        moved_because="; ".join(reasons),
    )


def current_month(now: dt.datetime, rule: ScheduleRule) -> Month:
    """The month `now` falls in, in the schedule's time zone."""
    return Month.of(now.astimezone(ZoneInfo(rule.timezone)).date())
