"""The months a case study could be queued for now: what a "queue to a month" choice offers.

A month is free while its slot is still ahead and nothing is queued for it or being
published in it; a month auto-pick would fill is free (queueing takes precedence). Read
from the slots alone, without planning or rendering anything, so a page can offer it
cheaply; which months are taken is cached while the database is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.operations.context import Workspace
from vignettes.planning.plan import MAX_MONTHS_AHEAD
from vignettes.planning.slots import Month, SlotTime, current_month, slot_time
from vignettes.store import read_models
from vignettes.store.queries import slots_by_month

__all__ = ["FreeMonth", "free_months"]


@dataclass(frozen=True)
class FreeMonth:
    month: Month
    slot: SlotTime


def free_months(ws: Workspace, count: int = 12) -> tuple[FreeMonth, ...]:
    """The next `count` free months from the current one, within the queueing horizon
    (`MAX_MONTHS_AHEAD`), each with its slot time."""
    now = ws.now()
    schedule = ws.config.schedule
    start = current_month(now, schedule)
    months = [start.shift(i) for i in range(MAX_MONTHS_AHEAD + 1)]

    def read_taken() -> frozenset[str]:
        with ws.store.read() as session:
            return frozenset(
                month
                for month, slot in slots_by_month(session, months).items()
                if slot.state != "planned" or slot.case_study_id is not None
            )

    taken = read_models.cached(ws.store, ("taken months", str(start)), read_taken)
    free: list[FreeMonth] = []
    for month in months:
        if str(month) in taken:
            continue
        when = slot_time(month, schedule)
        if when.utc <= now:
            continue
        free.append(FreeMonth(month, when))
        if len(free) == count:
            break
    return tuple(free)
