"""What each person's home page lists: a contributor's own case studies with their state
and what to do next, a reviewer's queue (oldest submission first, never their own
service's), and an approver's escalated case studies waiting for approval. Each is
bounded: its first few in order and how many there are in all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select

from scheduler.operations.accounts.permissions import Permission, actor_may
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from scheduler.operations.pipeline.scope import is_scoped
from vignettes.states import CaseStudyState
from vignettes.store import read_models
from vignettes.store.models import CaseStudy
from vignettes.store.pipeline_models import LibraryService

S = CaseStudyState
NEXT_STEP = {
    S.DRAFT: "Finish it and submit it for review",
    S.SUBMITTED: "Waiting for a peer review",
    S.CHANGES_REQUESTED: "Read the reviewer's message, make the changes and submit it again",
    S.ACCEPTED: "Accepted into the national listing",
    S.ESCALATED: "Escalated: waiting for the national leads' approval",
    S.APPROVED: "Approved for showcase: waiting for its month",
    S.SHOWCASED: "Showcased: see its posts and engagement",
    S.REJECTED: "Not accepted: read the review",
    S.WITHDRAWN: "Withdrawn",
}
# A contributor's list: what needs them first.
_ORDER = {S.CHANGES_REQUESTED: 0, S.DRAFT: 1}
# How many of each list a home page shows: the rest are counted and linked to (a queue of
# thousands would make every home page megabytes long).
SHOWN = 10


@dataclass(frozen=True)
class QueueItem:
    ref: str
    title: str
    state: str
    library_service: str
    since: dt.datetime | None
    next_step: str

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "title": self.title,
            "state": self.state,
            "library_service": self.library_service,
            "since": self.since.isoformat() if self.since else None,
            "next_step": self.next_step,
        }


@dataclass(frozen=True)
class Queue:
    """The first `items` of a list in its order, and how many there are in all."""

    items: tuple[QueueItem, ...] = ()
    total: int = 0

    @property
    def hidden(self) -> int:
        return self.total - len(self.items)

    def refs(self) -> list[str]:
        return [item.ref for item in self.items]


def _queue(ws: Workspace, *where: Any, order: Any, since: Any, limit: int) -> Queue:
    stmt = (
        select(CaseStudy.ref, CaseStudy.title, CaseStudy.status, LibraryService.name, since)
        .outerjoin(LibraryService, LibraryService.id == CaseStudy.library_service_id)
        .where(*where)
        .order_by(*order)
        .limit(limit)
    )
    count = select(func.count()).select_from(CaseStudy).where(*where)
    with ws.store.read() as session:
        items = tuple(
            QueueItem(ref, title, status, service or "", when, NEXT_STEP[S(status)])
            for ref, title, status, service, when in session.execute(stmt)
        )
        return Queue(items, int(session.scalar(count) or 0))


def my_case_studies(ws: Workspace, actor: Actor, limit: int = SHOWN) -> Queue:
    """A contributor's own services' case studies: those needing them first (changes
    requested, then drafts), then the most recently changed."""
    if not is_scoped(actor) or not actor.services:
        return Queue()
    needs_them = case(
        *((CaseStudy.status == state, rank) for state, rank in _ORDER.items()), else_=len(_ORDER)
    )
    services = tuple(sorted(actor.services))
    return read_models.cached(
        ws.store,
        ("my_case_studies", services, limit),
        lambda: _queue(
            ws,
            CaseStudy.library_service_id.in_(services),
            order=(needs_them, CaseStudy.updated_at.desc(), CaseStudy.ref),
            since=CaseStudy.updated_at,
            limit=limit,
        ),
    )


def review_queue(ws: Workspace, actor: Actor, limit: int = SHOWN) -> Queue:
    """Submitted case studies `actor` may review, oldest submission first."""
    if not actor_may(actor, Permission.REVIEW):
        return Queue()
    where: list[Any] = [CaseStudy.status == S.SUBMITTED]
    if actor.services:
        where.append(
            CaseStudy.library_service_id.is_(None)
            | CaseStudy.library_service_id.not_in(sorted(actor.services))
        )
    return read_models.cached(
        ws.store,
        ("review_queue", tuple(sorted(actor.services)), limit),
        lambda: _queue(ws, *where, order=(CaseStudy.submitted_at, CaseStudy.ref),
                       since=CaseStudy.submitted_at, limit=limit),
    )  # fmt: skip


def waiting_approval(ws: Workspace, actor: Actor, limit: int = SHOWN) -> Queue:
    """Escalated case studies, longest waiting first (for approvers)."""
    if not actor_may(actor, Permission.APPROVE):
        return Queue()
    return read_models.cached(
        ws.store,
        ("waiting_approval", limit),
        lambda: _queue(ws, CaseStudy.status == S.ESCALATED,
                       order=(CaseStudy.accepted_at, CaseStudy.ref),
                       since=CaseStudy.accepted_at, limit=limit),
    )  # fmt: skip
