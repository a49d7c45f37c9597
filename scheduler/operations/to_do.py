"""What each person has to do, by role: the to-do list home shows, and the counts beside
the navigation's screens ("Case studies (4 to approve)").

The list is made of small sections, each read by its own function and shown only to the
people its `audience` names (a permission, or library staff). A section holds its own
read model (`items`, the things to do) and how many there are in all; the console renders
each with a template of the section's name. A new role adds its sections to `SECTIONS`
without touching the others: the pipeline's reviewers, approvers and contributors have
theirs here, read through `scheduler.operations.pipeline.queues`.

Every section reads through the remembered read models (the plan, status) or one small
query, so the navigation's counts cost little on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scheduler.operations.accounts.permissions import Permission, actor_may
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.queues import (
    Queue,
    my_case_studies,
    review_queue,
    waiting_approval,
)
from scheduler.operations.pipeline.scope import is_scoped
from scheduler.operations.showcase.planning import PlanEntry, plan
from scheduler.operations.showcase.publishing import LATE_STATES, hand_publish_refusal
from scheduler.operations.showcase.status import status
from vignettes.planning.slots import current_month

# Months of the plan whose case study is checked: the year the plan screen shows.
MONTHS = 12
# The states of a post that a person must settle or fix (the rest are on their way).
ATTENTION = ("unknown", "failed", "needs_reauth")
# The current month's states that "Publish late" answers: the daemon gave up on it, or
# its slot and grace passed before any daemon ran.
LATE = (*LATE_STATES, "passed")


@dataclass(frozen=True)
class Section:
    """One part of a to-do list: `key` names it (and the template that shows it), `count`
    is how many things it holds (0: nothing to do), `items` the things themselves."""

    key: str
    count: int
    items: tuple[Any, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "count": self.count,
            "items": [item.to_json() if hasattr(item, "to_json") else item for item in self.items],
        }


def _may(permission: Permission) -> Callable[[Actor], bool]:
    return lambda actor: actor_may(actor, permission) and not is_scoped(actor)


@dataclass(frozen=True)
class SectionSource:
    """How a section is read, whom it is for (`audience`), and which screen's navigation
    entry shows its count (`screen`, with `counted`: "to approve"), to whom (`counted_for`,
    else the audience)."""

    key: str
    audience: Callable[[Actor], bool]
    read: Callable[[Workspace, Actor], Section]
    screen: str = ""
    counted: str = ""
    counted_for: Callable[[Actor], bool] | None = None


def months_not_sent(ws: Workspace, actor: Actor) -> Section:
    """The planned or queued months of the year ahead whose case study will not be sent
    as things stand: its approval voided by an edit, never approved or withdrawn, or
    approved but impossible to post."""
    blocked = [e for e in plan(ws, MONTHS) if e.blocked and e.state in ("planned", "due")]
    return Section("months_not_sent", len(blocked), tuple(blocked))


def _queue(key: str, read: Callable[[Workspace, Actor], Queue]) -> Callable[..., Section]:
    def section(ws: Workspace, actor: Actor) -> Section:
        # The queue's first few and how many in all: home stays small however many wait.
        queue = read(ws, actor)
        return Section(key, queue.total, queue.items)

    section.__doc__ = read.__doc__
    return section


@dataclass(frozen=True)
class LateMonth:
    entry: PlanEntry
    state: str

    def to_json(self) -> dict[str, Any]:
        return {"month": str(self.entry.month), "state": self.state}


def publish_late(ws: Workspace, actor: Actor) -> Section:
    """The current month, when it went by unpublished (missed, skipped, or passed before
    any daemon ran) and may still be published by hand."""
    here = current_month(ws.now(), ws.config.schedule)
    entry = next((e for e in plan(ws, 1) if e.month == here), None)
    if entry is None or entry.state not in LATE or hand_publish_refusal(ws, here) is not None:
        return Section("publish_late", 0)
    return Section("publish_late", 1, (LateMonth(entry, entry.state),))


def posts_to_settle(ws: Workspace, actor: Actor) -> Section:
    """Posts whose outcome is unknown, that failed, or whose platform wants re-authorising."""
    problems = tuple(p for p in status(ws).problems if p.state in ATTENTION)
    return Section("posts_to_settle", len(problems), problems)


SECTIONS: list[SectionSource] = [
    SectionSource("my_case_studies", is_scoped, _queue("my_case_studies", my_case_studies)),
    SectionSource("publish_late", _may(Permission.PUBLISH_NOW), publish_late),
    SectionSource("posts_to_settle", _may(Permission.READ), posts_to_settle),
    SectionSource(
        "months_not_sent",
        _may(Permission.READ),
        months_not_sent,
        screen="plan",
        counted="to fix",
        counted_for=_may(Permission.QUEUE),
    ),
    SectionSource(
        "to_review",
        _may(Permission.REVIEW),
        _queue("to_review", review_queue),
        screen="case_studies",
        counted="to review",
    ),
    SectionSource(
        "to_approve",
        _may(Permission.APPROVE),
        _queue("to_approve", waiting_approval),
        screen="case_studies",
        counted="to approve",
    ),
]


def to_do(ws: Workspace, actor: Actor) -> tuple[Section, ...]:
    """The sections of `actor`'s to-do list, in order (empty ones included: a screen may
    say "nothing to review")."""
    return tuple(s.read(ws, actor) for s in SECTIONS if s.audience(actor))


@dataclass(frozen=True)
class Count:
    count: int
    counted: str  # what is counted: "to approve"

    @property
    def text(self) -> str:
        return f"{self.count} {self.counted}"


def navigation_counts(ws: Workspace, actor: Actor) -> dict[str, tuple[Count, ...]]:
    """Per screen ("case_studies", "plan"), what waits there for `actor` ("3 to review",
    "2 to approve"); screens with nothing waiting are left out."""
    counts: dict[str, tuple[Count, ...]] = {}
    for source in SECTIONS:
        wanted = source.counted_for or source.audience
        if not source.screen or not wanted(actor):
            continue
        section = source.read(ws, actor)
        if section.count:
            counts[source.screen] = (
                *counts.get(source.screen, ()),
                Count(section.count, source.counted),
            )
    return counts
