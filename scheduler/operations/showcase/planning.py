"""The monthly plan: the year ahead as people see it, and the changes a person makes to it
(queue, unqueue, swap). Anything that could never be posted is refused here, when it is
planned, rather than failing at its slot."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from scheduler.errors import OperationFailed
from scheduler.operations.accounts.permissions import Permission, require
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.publishing.postability import Postability
from vignettes.planning import plan as planning
from vignettes.planning.plan import MAX_MONTHS_AHEAD, PlanEntry
from vignettes.planning.slots import Month, SlotTime, current_month, slot_time
from vignettes.store import read_models
from vignettes.store.queries import case_studies_by_ref, get_case_study

__all__ = [
    "MAX_MONTHS_AHEAD",
    "PlanEntry",
    "Queueable",
    "plan",
    "planned_months",
    "queue",
    "queueable",
    "require_postable",
    "swap",
    "unqueue",
]

# Months of a plan whose case study is checked for postability: rendering every month of a
# ten-year plan would make `plan --months 120` slow for little gain.
CHECKED_MONTHS = 12


def plan(ws: Workspace, months: int = 12) -> list[PlanEntry]:
    """Each month from the current one: its slot, and the case study it will showcase
    (queued, auto-picked, already fixed by publishing) or why none; a planned case study
    that could not be posted says so in its note.

    Remembered while the database is unchanged, under everything else the plan depends on:
    which month is current and, for each month, whether its slot and its grace have
    passed (the only ways the clock enters it). A slot passing is a new plan."""
    now = ws.now()
    key = ("plan", months, planning.clock_phase(now, ws.config.schedule, months))
    return list(read_models.cached(ws.store, key, lambda: tuple(_read_plan(ws, now, months))))


def planned_months(ws: Workspace, months: int = 12) -> dict[str, PlanEntry]:
    """By ref, the month of the next `months` each planned case study is to be shown in
    (queued, auto-picked or fixed), as the plan has it: auto-pick's choices included,
    which have no slot until publishing fixes them."""
    return {e.ref: e for e in plan(ws, months) if e.ref and e.state in ("planned", "due")}


def _read_plan(ws: Workspace, now: dt.datetime, months: int) -> list[PlanEntry]:
    config = ws.config
    with ws.store.read() as session:
        entries = planning.build_plan(
            session,
            now=now,
            schedule=config.schedule,
            selection=config.selection,
            months=months,
            candidates=read_models.candidates(ws.store, session, config.selection.prefer_ready),
        )
        checked = [
            i
            for i, e in enumerate(entries[:CHECKED_MONTHS])
            if e.ref and e.state in ("planned", "due")
        ]
        found = case_studies_by_ref(session, [entries[i].ref or "" for i in checked])
        contents = {ref: cs.content() for ref, cs in found.items()}
    problems = Postability(ws.store, config).problems(
        [(contents[entries[i].ref or ""], entries[i].month) for i in checked], now
    )
    for i, problem in zip(checked, problems, strict=True):
        if problem and not entries[i].blocked:  # an unapproved one says so already
            note = f"{entries[i].ref} cannot be posted: {problem}"
            entries[i] = dataclasses.replace(entries[i], note=note, blocked=planning.UNPOSTABLE)
    return entries


def require_postable(ws: Workspace, ref: str, month: Month | None, what: str) -> None:
    """Raise OperationFailed when `ref` could never be posted (in `month`, if given)."""
    with ws.store.read() as session:
        content = get_case_study(session, ref).content()
    problem = Postability(ws.store, ws.config).problem(content, month, ws.now())
    if problem:
        raise OperationFailed(f"{ref} cannot be {what}: it could not be posted: {problem}")


@dataclass(frozen=True)
class Queued:
    month: Month
    ref: str
    slot: SlotTime

    def to_json(self) -> dict[str, Any]:
        return {"month": str(self.month), "ref": self.ref, "slot_utc": self.slot.utc.isoformat()}


def queue(ws: Workspace, actor: Actor, month: Month, ref: str) -> Queued:
    """Pin an approved, postable case study to `month`; raises PermissionDenied,
    OperationFailed, QueueError or NotFound."""
    require(actor, Permission.QUEUE)
    require_postable(ws, ref, month, "queued")
    schedule = ws.config.schedule
    planning.queue(
        ws.store, month, ref, by=actor.name, now=ws.now(), schedule=schedule, via=actor.via
    )
    return Queued(month, ref, slot_time(month, schedule))


@dataclass(frozen=True)
class Unqueued:
    month: Month
    ref: str

    def to_json(self) -> dict[str, Any]:
        return {"month": str(self.month), "ref": self.ref}


def unqueue(ws: Workspace, actor: Actor, month: Month) -> Unqueued:
    """Remove the case study pinned to `month`; raises PermissionDenied, QueueError."""
    require(actor, Permission.QUEUE)
    ref = planning.unqueue(ws.store, month, by=actor.name, now=ws.now(), via=actor.via)
    return Unqueued(month, ref)


@dataclass(frozen=True)
class Swapped:
    first: Month
    first_ref: str
    second: Month
    second_ref: str

    def to_json(self) -> dict[str, Any]:
        return {
            "months": {str(self.first): self.first_ref, str(self.second): self.second_ref},
        }


def swap(ws: Workspace, actor: Actor, first: Month, second: Month) -> Swapped:
    """Exchange two months' case studies (both end up queued); each must be postable in
    its new month. Raises PermissionDenied, OperationFailed or QueueError; nothing changes
    on failure."""
    require(actor, Permission.QUEUE)
    config = ws.config
    with ws.store.read() as session:
        current = {
            e.month: e.ref
            for e in planning.build_plan(
                session,
                now=ws.now(),
                schedule=config.schedule,
                selection=config.selection,
                months=_months_to(ws, max(first, second)),
            )
        }
    for month, other in ((first, second), (second, first)):
        ref = current.get(other)
        if ref:
            require_postable(ws, ref, month, f"moved to {month}")
    done = planning.swap(
        ws.store,
        first,
        second,
        by=actor.name,
        now=ws.now(),
        schedule=config.schedule,
        selection=config.selection,
        via=actor.via,
        expect=(current.get(first) or "", current.get(second) or "")
        if current.get(first) and current.get(second)
        else None,
    )
    return Swapped(done.first, done.first_ref, done.second, done.second_ref)


def _months_to(ws: Workspace, last: Month) -> int:
    start = current_month(ws.now(), ws.config.schedule)
    count = (last.year - start.year) * 12 + last.month - start.month + 1
    return min(max(count, 1), MAX_MONTHS_AHEAD)


@dataclass(frozen=True)
class QueueableCase:
    ref: str
    title: str
    organisation: str


@dataclass(frozen=True)
class Queueable:
    """Approved, unedited case studies in no slot yet, in the order auto-pick would take
    them: what a "queue a case study" choice offers. `more` says the list was cut short."""

    cases: tuple[QueueableCase, ...]
    more: bool


def queueable(ws: Workspace, limit: int = 200) -> Queueable:
    """The first `limit` case studies that could be queued, in auto-pick order. Reads only
    as far as it needs, so it stays fast with thousands approved; cached while the
    database is unchanged."""

    def read() -> Queueable:
        cases: list[QueueableCase] = []
        more = False
        with ws.store.read() as session:
            prefer = ws.config.selection.prefer_ready
            for candidate in read_models.candidates(ws.store, session, prefer):
                if len(cases) == limit:
                    more = True
                    break
                cases.append(QueueableCase(candidate.ref, candidate.title, candidate.organisation))
        return Queueable(tuple(cases), more)

    return read_models.cached(ws.store, ("queueable", limit), read)
