"""What each person has to do, by role: the to-do list home shows, and the counts beside
the navigation's screens ("Case studies (4 to approve)").

The list is made of small sections, each read by its own function and shown only to the
roles whose permission it names (`SECTIONS`). A section holds its own read model (`items`,
the first few things to do) and how many there are in all; the console renders each with a
template of the section's name. A new role adds its sections to `SECTIONS` (the
pipeline's reviewers: "case studies to review") without touching the others.

Every section reads through the remembered read models (the plan, the list, status), so
the navigation's counts cost nothing while the database is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scheduler.operations.accounts.permissions import Permission, actor_may
from scheduler.operations.actor import Actor
from scheduler.operations.content.case_studies import CaseStudyQuery, find
from scheduler.operations.context import Workspace
from scheduler.operations.showcase.planning import PlanEntry, plan
from scheduler.operations.showcase.publishing import LATE_STATES, hand_publish_refusal
from scheduler.operations.showcase.status import status
from vignettes.planning.slots import current_month

# The things a section lists by name (the rest are counted): enough to act on today.
SHOWN = 5
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
    is how many things it holds in all (0: nothing to do), `items` the first few."""

    key: str
    count: int
    items: tuple[Any, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "count": self.count,
            "items": [item.to_json() if hasattr(item, "to_json") else item for item in self.items],
        }


@dataclass(frozen=True)
class SectionSource:
    """How a section is read, who sees it, and which screen's navigation entry shows its
    count (`screen`, with `counted`: "to approve"), to whom (`count_for`)."""

    key: str
    permission: Permission
    read: Callable[[Workspace], Section]
    screen: str = ""
    counted: str = ""
    count_for: Permission | None = None


def months_not_sent(ws: Workspace) -> Section:
    """The planned or queued months of the year ahead whose case study will not be sent
    as things stand: its approval voided by an edit, never approved or withdrawn, or
    approved but impossible to post."""
    blocked = [e for e in plan(ws, MONTHS) if e.blocked and e.state in ("planned", "due")]
    return Section("months_not_sent", len(blocked), tuple(blocked))


def to_approve(ws: Workspace) -> Section:
    """The case studies waiting for an approver's decision, most recently changed first."""
    query = CaseStudyQuery(status="submitted", sort="updated", per_page=SHOWN)
    found = find(ws, query)
    return Section("to_approve", found.total, found.rows)


@dataclass(frozen=True)
class LateMonth:
    entry: PlanEntry
    state: str

    def to_json(self) -> dict[str, Any]:
        return {"month": str(self.entry.month), "state": self.state}


def publish_late(ws: Workspace) -> Section:
    """The current month, when it went by unpublished (missed, skipped, or passed before
    any daemon ran) and may still be published by hand."""
    here = current_month(ws.now(), ws.config.schedule)
    entry = next((e for e in plan(ws, 1) if e.month == here), None)
    if entry is None or entry.state not in LATE or hand_publish_refusal(ws, here) is not None:
        return Section("publish_late", 0)
    return Section("publish_late", 1, (LateMonth(entry, entry.state),))


def posts_to_settle(ws: Workspace) -> Section:
    """Posts whose outcome is unknown, that failed, or whose platform wants re-authorising."""
    problems = tuple(p for p in status(ws).problems if p.state in ATTENTION)
    return Section("posts_to_settle", len(problems), problems)


SECTIONS: list[SectionSource] = [
    SectionSource("publish_late", Permission.PUBLISH_NOW, publish_late),
    SectionSource("posts_to_settle", Permission.READ, posts_to_settle),
    SectionSource(
        "months_not_sent",
        Permission.READ,
        months_not_sent,
        screen="plan",
        counted="to fix",
        count_for=Permission.QUEUE,
    ),
    SectionSource(
        "to_approve",
        Permission.APPROVE,
        to_approve,
        screen="case_studies",
        counted="to approve",
        count_for=Permission.APPROVE,
    ),
]


def to_do(ws: Workspace, actor: Actor) -> tuple[Section, ...]:
    """The sections of `actor`'s to-do list, in order (empty ones included: a screen may
    say "nothing to approve")."""
    return tuple(s.read(ws) for s in SECTIONS if actor_may(actor, s.permission))


@dataclass(frozen=True)
class Count:
    count: int
    counted: str  # what is counted: "to approve"


def navigation_counts(ws: Workspace, actor: Actor) -> dict[str, Count]:
    """Per screen ("case_studies", "plan"), how many things wait there for `actor`; screens
    with nothing waiting are left out."""
    counts: dict[str, Count] = {}
    for source in SECTIONS:
        wanted = source.count_for or source.permission
        if not source.screen or not actor_may(actor, wanted):
            continue
        section = source.read(ws)
        if section.count:
            counts[source.screen] = Count(section.count, source.counted)
    return counts
