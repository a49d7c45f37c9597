"""The monthly plan: queue and unqueue pins, and the year ahead as comms will see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from vignettes.content import CHANGED_OUTSIDE
from vignettes.errors import QueueError
from vignettes.planning.selection import pick_first
from vignettes.planning.slots import Month, ScheduleRule, SlotTime, current_month, slot_time
from vignettes.readiness import Readiness, readiness
from vignettes.store.candidates import Candidate, CandidatePool
from vignettes.store.models import MonthlySlot
from vignettes.store.queries import (
    SHOWCASED_STATES,
    Store,
    audit,
    get_case_study,
    get_slot,
    organisations_by_month,
    slot_of_case_study,
    slots_by_month,
)

# How far ahead months can be queued and planned (`plan --months` shows at most this).
MAX_MONTHS_AHEAD = 120

# Why a month's case study will not be sent as things stand (`PlanEntry.blocked`): each
# has its own fix, which the screens name.
CHANGED = "changed"  # edited after approval: the approval was voided
NOT_APPROVED = "not-approved"  # submitted and never approved, rejected or withdrawn
UNPOSTABLE = "unpostable"  # approved, but it could never be posted (a glyph, a length)


class SelectionRule(Protocol):
    @property
    def auto_pick(self) -> bool: ...
    @property
    def avoid_same_organisation_months(self) -> int: ...
    @property
    def prefer_ready(self) -> bool: ...


@dataclass(frozen=True)
class PlanEntry:
    month: Month
    slot: SlotTime
    state: str
    ref: str | None = None
    title: str | None = None
    organisation: str | None = None
    source: str | None = None  # "queued" | "auto-pick"
    note: str = ""
    readiness: Readiness | None = None  # of the planned case study, if any
    # CHANGED, NOT_APPROVED or UNPOSTABLE when the case study will not be sent ("" if it will)
    blocked: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "month": str(self.month),
            "slot_local": self.slot.local.isoformat(),
            "slot_utc": self.slot.utc.isoformat(),
            "moved_from": self.slot.moved_from.isoformat() if self.slot.moved_from else None,
            "moved_because": self.slot.moved_because or None,
            "state": self.state,
            "ref": self.ref,
            "title": self.title,
            "organisation": self.organisation,
            "source": self.source,
            "note": self.note or None,
            "readiness": self.readiness.to_json() if self.readiness else None,
            "blocked": self.blocked or None,
        }


def clock_phase(now: dt.datetime, schedule: ScheduleRule, months: int) -> tuple[Any, ...]:
    """Everything the clock changes in `build_plan` for `months` months from the current
    one: which month is current and, for each month, whether its slot and its grace have
    passed. Two instants with the same phase give the same plan of an unchanged database
    (the key under which screens remember a plan)."""
    start = current_month(now, schedule)
    return (
        str(start),
        tuple(
            (now >= when.utc, now >= when.utc + schedule.grace)
            for when in (slot_time(start.shift(i), schedule) for i in range(months))
        ),
    )


def build_plan(
    session: Session,
    *,
    now: dt.datetime,
    schedule: ScheduleRule,
    selection: SelectionRule,
    months: int = 12,
    candidates: Iterable[Candidate] | None = None,
) -> list[PlanEntry]:
    """Each month from the current one: its slot, and the case study it will showcase
    (queued, auto-picked, already fixed by publishing) or why there is none. `candidates`
    (in preference order, re-iterable) replaces reading them from `session`."""
    start = current_month(now, schedule)
    wanted = [start.shift(i) for i in range(months)]
    slots = slots_by_month(session, wanted)
    organisations = organisations_by_month(session)
    if candidates is None:
        candidates = CandidatePool(session, selection.prefer_ready)
    picked: set[str] = set()
    plan = []
    for month in wanted:
        slot = slots.get(str(month))
        when = slot_time(month, schedule)
        if slot is not None and slot.case_study is not None:
            plan.append(_entry_for_slot(month, when, slot))
            continue
        state = slot.state if slot is not None else "planned"
        if state != "planned":
            plan.append(PlanEntry(month, when, state, note=slot.reason if slot else ""))
            continue
        if now >= when.utc + schedule.grace:
            note = f"slot passed on {when.local:%d %b} and its grace ended with nothing published"
            plan.append(PlanEntry(month, when, "passed", note=note))
            continue
        if now >= when.utc:
            state = "due"
        if not selection.auto_pick:
            plan.append(PlanEntry(month, when, state, note="nothing queued and auto_pick is off"))
            continue
        result = pick_first(
            month, candidates, organisations, selection.avoid_same_organisation_months, picked
        )
        if result.candidate is None:
            plan.append(PlanEntry(month, when, state, note=result.reason))
            continue
        chosen = result.candidate
        picked.add(chosen.ref)
        organisations[month] = chosen.organisation
        plan.append(
            PlanEntry(
                month,
                when,
                state,
                chosen.ref,
                chosen.title,
                chosen.organisation,
                "auto-pick",
                readiness=chosen.readiness,
            )
        )
    return plan


def _entry_for_slot(month: Month, when: SlotTime, slot: MonthlySlot) -> PlanEntry:
    cs = slot.case_study
    assert cs is not None
    note, blocked = "", ""
    changed = cs.status == "submitted" and cs.approved_hash is None and bool(cs.approvals)
    if slot.state == "planned" and cs.changed_outside:
        note = f"{cs.ref}: {CHANGED_OUTSIDE}: it will not be sent until approved again"
        blocked = CHANGED
    elif slot.state == "planned" and not cs.approval_is_current:
        blocked = CHANGED if changed else NOT_APPROVED
        note = (
            f"{cs.ref} is {cs.status} and its content changed since approval: it will not be sent"
            if changed
            else f"{cs.ref} is not approved ({cs.status}): it will not be sent"
        )
    source = "queued" if slot.source == "queued" else "auto-pick"
    ready = readiness(cs.content())
    return PlanEntry(
        month, when, slot.state, cs.ref, cs.title, cs.organisation, source, note, ready, blocked
    )


def queue(
    store: Store,
    month: Month,
    ref: str,
    *,
    by: str,
    now: dt.datetime,
    schedule: ScheduleRule,
    via: str = "",
) -> MonthlySlot:
    """Pin `ref` to `month`; raises QueueError when the plan does not allow it."""
    with store.write() as session:
        return pin(session, month, ref, by=by, now=now, schedule=schedule, via=via)


def pin(
    session: Session,
    month: Month,
    ref: str,
    *,
    by: str,
    now: dt.datetime,
    schedule: ScheduleRule,
    via: str = "",
    action: str = "queued",
) -> MonthlySlot:
    """Pin `ref` to `month` within `session`, recording `action` in the audit trail;
    raises QueueError when the plan does not allow it."""
    cs = get_case_study(session, ref)
    if not cs.approval_is_current:
        raise QueueError(f"{ref} is not approved ({cs.status}); approve it before queueing")
    if month < current_month(now, schedule):
        raise QueueError(f"{month} is in the past")
    if month > current_month(now, schedule).shift(MAX_MONTHS_AHEAD):
        raise QueueError(f"{month} is more than {MAX_MONTHS_AHEAD} months ahead")
    elsewhere = slot_of_case_study(session, cs.id)
    if elsewhere is not None and elsewhere.month != str(month):
        shown = elsewhere.state in SHOWCASED_STATES
        raise QueueError(
            f"{ref} was already showcased in {elsewhere.month}"
            if shown
            else f"{ref} is already queued for {elsewhere.month}; unqueue it there first"
        )
    slot = get_slot(session, month)
    if slot is not None and slot.state != "planned":
        raise QueueError(f"{month} is already {slot.state}")
    if slot is not None and slot.case_study_id not in (None, cs.id):
        other = slot.case_study.ref if slot.case_study else "another case study"
        raise QueueError(f"{month} already has {other} queued; unqueue {month} first")
    if slot is None:
        slot = MonthlySlot(month=str(month), state="planned", reason="")
        session.add(slot)
    when = slot_time(month, schedule)
    if when.utc <= now and month == current_month(now, schedule):
        raise QueueError(f"{month}'s slot ({when.local:%a %d %b %H:%M}) has already passed")
    slot.case_study_id = cs.id
    slot.source = "queued"
    slot.queued_by = by
    slot.queued_at = now
    slot.scheduled_at = when.utc
    cs.requested_month = None
    audit(session, at=now, actor=by, action=action, ref=ref, month=str(month), via=via)
    session.flush()
    return slot


def unqueue(store: Store, month: Month, *, by: str, now: dt.datetime, via: str = "") -> str:
    """Remove the pin from `month`; returns the ref that was queued. Raises QueueError."""
    with store.write() as session:
        slot = get_slot(session, month)
        if slot is None or slot.case_study is None or slot.source != "queued":
            raise QueueError(f"nothing is queued for {month}")
        if slot.state != "planned" or slot.fixed_at is not None:
            raise QueueError(f"{month} is already {slot.state}; it can no longer be changed")
        ref = slot.case_study.ref
        session.delete(slot)
        audit(session, at=now, actor=by, action="unqueued", ref=ref, month=str(month), via=via)
        return ref


@dataclass(frozen=True)
class Swap:
    """Two months' case studies after a swap: `first` now shows `first_ref`, and so on."""

    first: Month
    first_ref: str
    second: Month
    second_ref: str


def swap(
    store: Store,
    first: Month,
    second: Month,
    *,
    by: str,
    now: dt.datetime,
    schedule: ScheduleRule,
    selection: SelectionRule,
    via: str = "",
    expect: tuple[str, str] | None = None,
) -> Swap:
    """Exchange the case studies planned for two months (queued or auto-picked), leaving
    both queued. Raises QueueError when either month has nothing planned or can no longer
    change, or when either case study could not be queued in the other's month. With
    `expect` (the refs the caller saw in `first` and `second`), a plan that changed in the
    meantime is refused rather than swapping case studies nobody looked at."""
    if first == second:
        raise QueueError(f"{first} cannot be swapped with itself")
    with store.write() as session:
        months = max(first, second)
        start = current_month(now, schedule)
        count = (months.year - start.year) * 12 + months.month - start.month + 1
        if min(first, second) < start:
            raise QueueError(f"{min(first, second)} is in the past")
        plan = {
            e.month: e
            for e in build_plan(
                session, now=now, schedule=schedule, selection=selection, months=max(count, 1)
            )
        }
        refs = {}
        for month in (first, second):
            entry = plan.get(month)
            if entry is None:
                raise QueueError(f"{month} is more than {MAX_MONTHS_AHEAD} months ahead")
            if entry.ref is None:
                raise QueueError(f"{month} has no case study to swap: {entry.note or entry.state}")
            if entry.state != "planned":
                raise QueueError(f"{month} is already {entry.state}; it can no longer be changed")
            refs[month] = entry.ref
        if expect is not None and (refs[first], refs[second]) != expect:
            raise QueueError(f"the plan for {first} and {second} changed meanwhile; try again")
        for month in (first, second):
            slot = get_slot(session, month)
            if slot is not None:
                session.delete(slot)
        session.flush()
        for month, other in ((first, second), (second, first)):
            pin(
                session,
                month,
                refs[other],
                by=by,
                now=now,
                schedule=schedule,
                via=via,
                action="swapped",
            )
        return Swap(first, refs[second], second, refs[first])
